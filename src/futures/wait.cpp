// The non-template part of futures::wait() and as_completed().
#include "braid/futures/wait.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>

namespace braid::futures::detail {

void wait_states(const std::vector<state_base*>& states, return_when when,
                 completion_tracker::deadline_type deadline) {
  if (states.empty()) return;
  if (when == return_when::all_completed) {
    // Every state must finish, in any order: wait for each in turn. Those already done cost a
    // load, and no state gets a completion node it does not need (fan-out/fan-in waits for a
    // million futures mostly done by the time it looks).
    for (const state_base* s : states) {
      if (deadline) {
        if (!s->wait_until(*deadline)) return;
      } else {
        s->wait();
      }
    }
    return;
  }
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

std::vector<bool> first_occurrences(const std::vector<const void*>& ids) {
  // Strictly increasing or strictly decreasing ids have no duplicates: the common case, as
  // states come from slabs (increasing) or from a free list (decreasing) one after another.
  const auto monotonic = [&ids](auto before) {
    for (std::size_t i = 1; i < ids.size(); ++i) {
      if (!before(ids[i - 1], ids[i])) return false;
    }
    return true;
  };
  if (monotonic(std::less<const void*>()) || monotonic(std::greater<const void*>())) return {};
  std::vector<std::pair<const void*, std::size_t>> sorted;
  sorted.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) sorted.emplace_back(ids[i], i);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::less<const void*>()(a.first, b.first) ||
           (a.first == b.first && a.second < b.second);
  });
  std::vector<bool> first(ids.size(), false);
  bool duplicates = false;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      duplicates = true;
    } else {
      first[sorted[i].second] = true;
    }
  }
  if (!duplicates) return {};
  return first;
}

void throw_as_completed_timeout(std::size_t unfinished, std::size_t total) {
  throw timeout_error(std::to_string(unfinished) + " (of " + std::to_string(total) +
                      ") futures unfinished");
}

}  // namespace braid::futures::detail
