#pragma once
/// \file
/// threading's name for braid's one clamped-deadline helper.

#include "braid/detail/deadline.hpp"

namespace braid::threading::detail {

using braid::detail::deadline_after;

}  // namespace braid::threading::detail
