// The non-template part of futures::wait() and as_completed().
#include "braid/futures/wait.hpp"

#include <string>

namespace braid::futures::detail {

void wait_states(const std::vector<state_base*>& states, return_when when,
                 completion_tracker::deadline_type deadline) {
  if (states.empty()) return;
  completion_tracker tracker(states);
  for (std::size_t completed = 0; completed < states.size(); ++completed) {
    const auto index = tracker.next(deadline);
    if (!index) return;  // timed out: the caller sorts done from not done
    if (when == return_when::first_completed) return;
    const state_base& s = *states[*index];
    if (when == return_when::first_exception && s.current() == status::finished && s.error()) {
      return;
    }
  }
}

void throw_as_completed_timeout(std::size_t unfinished, std::size_t total) {
  throw timeout_error(std::to_string(unfinished) + " (of " + std::to_string(total) +
                      ") futures unfinished");
}

}  // namespace braid::futures::detail
