#pragma once
/// \file
/// The errors braid::threading throws on purpose. All derive from braid::error, so
/// `catch (const braid::error&)` catches them and nothing else; each one maps to a Python
/// exception (see docs/threading.md). The kinds every module shares (invalid state, values out
/// of range, queues, barriers) are braid's own types, named here too.

#include "braid/error.hpp"

namespace braid::threading {

/// Misuse of a thread: starting it twice, joining one that was never started, joining the
/// current thread (Python's RuntimeError). A kind of invalid_state_error; releasing a lock that
/// is not held throws invalid_state_error itself, as in every module.
class thread_error : public braid::invalid_state_error {
 public:
  using braid::invalid_state_error::invalid_state_error;
};

using braid::broken_barrier_error;
using braid::invalid_state_error;
using braid::queue_empty;
using braid::queue_full;
using braid::queue_shut_down;
using braid::value_error;

}  // namespace braid::threading
