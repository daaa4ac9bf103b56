#pragma once
/// \file
/// The root of braid's error types. Every error braid throws on purpose derives from
/// braid::error, so `catch (const braid::error&)` catches braid's own failures and nothing else.

#include <stdexcept>

namespace braid {

/// Base class of every error braid throws on purpose.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace braid
