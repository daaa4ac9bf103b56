#pragma once
/// \file
/// braid::asyncio::gather (Python's asyncio.gather): run several coroutines concurrently and
/// collect their results in input order.
///
/// Deliberate difference from Python: when one fails, braid cancels the others and waits for
/// them before rethrowing, so nothing keeps running unseen. With return_exceptions every error
/// comes back as a value and nothing is cancelled.

#include <array>
#include <cstddef>
#include <exception>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "braid/asyncio/detail/join_all.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_handle.hpp"

namespace braid::asyncio {

/// What a coroutine returning T gives gather: T, or std::monostate for void.
template <class T>
using gather_value_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// A value or an error: one element of gather(return_exceptions, ...) (Python returns the
/// exception object in place of the value).
template <class T>
class outcome {
 public:
  explicit outcome(std::exception_ptr e) noexcept : v_(std::move(e)) {}
  explicit outcome(gather_value_t<T> v) : v_(std::move(v)) {}
  bool has_value() const noexcept { return v_.index() == 0; }
  bool has_error() const noexcept { return v_.index() == 1; }
  /// The value; rethrows the error if there is one.
  const gather_value_t<T>& value() const& {
    if (has_error()) std::rethrow_exception(std::get<1>(v_));
    return std::get<0>(v_);
  }
  gather_value_t<T> value() && {
    if (has_error()) std::rethrow_exception(std::get<1>(v_));
    return std::move(std::get<0>(v_));
  }
  /// The error, or null.
  std::exception_ptr error() const noexcept {
    return has_error() ? std::get<1>(v_) : std::exception_ptr();
  }

 private:
  std::variant<gather_value_t<T>, std::exception_ptr> v_;
};

/// Tag for the gather overloads that return errors as values (Python's return_exceptions=True).
struct return_exceptions_t {
  explicit return_exceptions_t() = default;
};
inline constexpr return_exceptions_t return_exceptions{};

namespace detail {
template <class T>
gather_value_t<T> take_gather_value(task_handle<T>& h) {
  if constexpr (std::is_void_v<T>) {
    std::move(h).result();
    return {};
  } else {
    return std::move(h).result();
  }
}
template <class T>
outcome<T> take_outcome(task_handle<T>& h) {
  try {
    return outcome<T>(take_gather_value(h));
  } catch (...) {
    return outcome<T>(std::current_exception());
  }
}
template <class Tuple, std::size_t... I>
std::vector<task_base*> bases_of(Tuple& handles, std::index_sequence<I...>) {
  std::vector<task_base*> out;
  out.reserve(sizeof...(I));
  (out.push_back(std::get<I>(handles).base()), ...);
  return out;
}
template <class Tuple, std::size_t... I>
auto take_all(Tuple& handles, std::index_sequence<I...>) {
  return std::make_tuple(take_gather_value(std::get<I>(handles))...);
}
template <class Tuple, std::size_t... I>
auto take_all_outcomes(Tuple& handles, std::index_sequence<I...>) {
  return std::make_tuple(take_outcome(std::get<I>(handles))...);
}
std::exception_ptr failure_of(task_base& t);
}  // namespace detail

/// Runs every coroutine as a task on the running loop and returns their values as a tuple, in
/// argument order (void gives std::monostate). If one fails (or is cancelled), the others are
/// cancelled and awaited, then the first failure is rethrown. Cancelling the awaiting task
/// cancels them all, waits for them, and throws cancelled_error. A cancellation point.
/// Throws event_loop_error outside a running loop.
template <class... T>
task<std::tuple<gather_value_t<T>...>> gather(task<T>... coros) {
  auto& loop = event_loop::running();
  std::tuple<task_handle<T>...> handles(loop.create_task(std::move(coros))...);
  const auto seq = std::index_sequence_for<T...>{};
  detail::join_all_operation join(detail::bases_of(handles, seq), detail::join_mode::fail_fast);
  const std::size_t failed = co_await join;
  if (failed != detail::join_all_operation::npos) {
    auto bases = detail::bases_of(handles, seq);
    bases[failed]->mark_observed();
    std::rethrow_exception(detail::failure_of(*bases[failed]));
  }
  co_return detail::take_all(handles, seq);
}

/// As gather(), but errors (cancellation included) come back as outcome values and nothing is
/// cancelled when one fails. Cancelling the awaiting task still cancels them all.
template <class... T>
task<std::tuple<outcome<T>...>> gather(return_exceptions_t, task<T>... coros) {
  auto& loop = event_loop::running();
  std::tuple<task_handle<T>...> handles(loop.create_task(std::move(coros))...);
  const auto seq = std::index_sequence_for<T...>{};
  detail::join_all_operation join(detail::bases_of(handles, seq), detail::join_mode::settle);
  co_await join;
  co_return detail::take_all_outcomes(handles, seq);
}

/// gather over a range: a vector of coroutines in, a vector of values out, in order.
template <class T>
task<std::vector<gather_value_t<T>>> gather(std::vector<task<T>> coros) {
  auto& loop = event_loop::running();
  std::vector<task_handle<T>> handles;
  handles.reserve(coros.size());
  std::vector<detail::task_base*> bases;
  bases.reserve(coros.size());
  for (auto& c : coros) {
    handles.push_back(loop.create_task(std::move(c)));
    bases.push_back(handles.back().base());
  }
  detail::join_all_operation join(bases, detail::join_mode::fail_fast);
  const std::size_t failed = co_await join;
  if (failed != detail::join_all_operation::npos) {
    bases[failed]->mark_observed();
    std::rethrow_exception(detail::failure_of(*bases[failed]));
  }
  std::vector<gather_value_t<T>> out;
  out.reserve(handles.size());
  for (auto& h : handles) out.push_back(detail::take_gather_value(h));
  co_return out;
}

/// gather(return_exceptions) over a range.
template <class T>
task<std::vector<outcome<T>>> gather(return_exceptions_t, std::vector<task<T>> coros) {
  auto& loop = event_loop::running();
  std::vector<task_handle<T>> handles;
  handles.reserve(coros.size());
  std::vector<detail::task_base*> bases;
  for (auto& c : coros) {
    handles.push_back(loop.create_task(std::move(c)));
    bases.push_back(handles.back().base());
  }
  detail::join_all_operation join(bases, detail::join_mode::settle);
  co_await join;
  std::vector<outcome<T>> out;
  out.reserve(handles.size());
  for (auto& h : handles) out.push_back(detail::take_outcome(h));
  co_return out;
}

}  // namespace braid::asyncio
