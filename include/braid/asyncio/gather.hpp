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
#include "braid/asyncio/future_operation.hpp"
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
  /// An error outcome. Never throws.
  explicit outcome(std::exception_ptr e) noexcept : v_(std::move(e)) {}
  /// A value outcome. Throws what moving T throws.
  explicit outcome(gather_value_t<T> v) : v_(std::move(v)) {}
  /// Never throws.
  bool has_value() const noexcept { return v_.index() == 0; }
  /// Never throws.
  bool has_error() const noexcept { return v_.index() == 1; }
  /// The value (moved out of an rvalue); rethrows the error if there is one.
  const gather_value_t<T>& value() const& {
    if (has_error()) std::rethrow_exception(std::get<1>(v_));
    return std::get<0>(v_);
  }
  gather_value_t<T> value() && {
    if (has_error()) std::rethrow_exception(std::get<1>(v_));
    return std::move(std::get<0>(v_));
  }
  /// The error, or null. Never throws.
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

// What gather accepts besides coroutines: running tasks and futures, each awaited by a small
// coroutine of its own (cancelling it cancels the task or the future, as awaiting them does).
template <class T>
task<T> await_gathered(task_handle<T> h) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(h);
  } else {
    co_return co_await std::move(h);
  }
}
template <class T>
task<T> await_gathered(futures::future<T> f) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(f);
  } else {
    co_return co_await std::move(f);
  }
}
template <class T>
task<T> await_gathered(task<T> t) {
  return t;
}

template <class A>
struct gather_arg {
  static constexpr bool ok = false;
  static constexpr bool is_coroutine = false;
};
template <class T>
struct gather_arg<task<T>> {
  using value = T;
  static constexpr bool ok = true;
  static constexpr bool is_coroutine = true;
};
template <class T>
struct gather_arg<task_handle<T>> {
  using value = T;
  static constexpr bool ok = true;
  static constexpr bool is_coroutine = false;
};
template <class T>
struct gather_arg<futures::future<T>> {
  using value = T;
  static constexpr bool ok = true;
  static constexpr bool is_coroutine = false;
};
template <class A>
using gather_arg_t = gather_arg<std::remove_cvref_t<A>>;
}  // namespace detail

/// Runs every coroutine as a task on the running loop and returns their values as a tuple, in
/// argument order (void gives std::monostate). If one fails (or is cancelled), the others are
/// cancelled and awaited, then the first failure is rethrown. Cancelling the awaiting task
/// cancels them all, waits for them, and throws cancelled_error. Throws event_loop_error (when
/// awaited) outside a running loop or outside a task (before any coroutine starts);
/// std::bad_alloc; the first failure.
/// **Cancel safety**: not cancel-safe: every result is lost (the tasks are cancelled and waited
/// for, so nothing runs on unseen). Loop-thread only.
template <class... T>
task<std::tuple<gather_value_t<T>...>> gather(task<T>... coros) {
  // Checked before any task starts: outside a task nothing could wait for them.
  auto& loop = detail::running_task_or_throw("gather").loop();
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
/// cancelled when one fails. Throws event_loop_error outside a running loop or a task,
/// std::bad_alloc, cancelled_error. **Cancel safety**: as gather(): cancelling the awaiting task
/// still cancels them all, waits for them, and throws cancelled_error.
template <class... T>
task<std::tuple<outcome<T>...>> gather(return_exceptions_t, task<T>... coros) {
  // Checked before any task starts: outside a task nothing could wait for them.
  auto& loop = detail::running_task_or_throw("gather").loop();
  std::tuple<task_handle<T>...> handles(loop.create_task(std::move(coros))...);
  const auto seq = std::index_sequence_for<T...>{};
  detail::join_all_operation join(detail::bases_of(handles, seq), detail::join_mode::settle);
  co_await join;
  co_return detail::take_all_outcomes(handles, seq);
}

/// gather over a range: a vector of coroutines in, a vector of values out, in order. Throws and
/// cancel safety as gather(task<T>...).
template <class T>
task<std::vector<gather_value_t<T>>> gather(std::vector<task<T>> coros) {
  // Checked before any task starts: outside a task nothing could wait for them.
  auto& loop = detail::running_task_or_throw("gather").loop();
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

/// gather(return_exceptions) over a range. Throws and cancel safety as gather(return_exceptions,
/// task<T>...).
template <class T>
task<std::vector<outcome<T>>> gather(return_exceptions_t, std::vector<task<T>> coros) {
  // Checked before any task starts: outside a task nothing could wait for them.
  auto& loop = detail::running_task_or_throw("gather").loop();
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

/// gather over any mix of coroutines, running tasks (task_handle<T>) and futures
/// (futures::future<T>): `co_await gather(handle, fut, coro())`. As gather(task<T>...): values
/// in argument order; the first failure cancels the others (the tasks, and the futures whose
/// work has not started), waits for them, and is rethrown. Handles and futures are taken by
/// value (copy one to keep it). Throws event_loop_error outside a running loop, or when it must
/// wait outside a task.
/// **Cancel safety**: cancelling the awaiting task cancels every task and future gathered,
/// waits for them, and throws cancelled_error; results are lost. Loop-thread only.
template <class... A>
requires(sizeof...(A) > 0 && (detail::gather_arg_t<A>::ok && ...) &&
         !(detail::gather_arg_t<A>::is_coroutine && ...)) auto gather(A&&... args)
    -> task<std::tuple<gather_value_t<typename detail::gather_arg_t<A>::value>...>> {
  return gather(detail::await_gathered(std::remove_cvref_t<A>(std::forward<A>(args)))...);
}

/// As gather(A...), errors returned as outcome values (return_exceptions). Throws and cancel
/// safety as gather(return_exceptions, task<T>...).
template <class... A>
requires(sizeof...(A) > 0 && (detail::gather_arg_t<A>::ok && ...) &&
         !(detail::gather_arg_t<A>::is_coroutine && ...)) auto gather(return_exceptions_t,
                                                                      A&&... args)
    -> task<std::tuple<outcome<typename detail::gather_arg_t<A>::value>...>> {
  return gather(return_exceptions,
                detail::await_gathered(std::remove_cvref_t<A>(std::forward<A>(args)))...);
}

/// gather over a vector of running tasks or of futures; values in order. Throws and cancel
/// safety as gather(A...).
template <class Awaitable>
requires(detail::gather_arg<Awaitable>::ok &&
         !detail::gather_arg<Awaitable>::is_coroutine) auto gather(std::vector<Awaitable> items)
    -> task<std::vector<gather_value_t<typename detail::gather_arg<Awaitable>::value>>> {
  std::vector<task<typename detail::gather_arg<Awaitable>::value>> coros;
  coros.reserve(items.size());
  for (auto& item : items) coros.push_back(detail::await_gathered(std::move(item)));
  return gather(std::move(coros));
}

/// gather(return_exceptions) over a vector of running tasks or of futures. As
/// gather(return_exceptions, A...).
template <class Awaitable>
requires(detail::gather_arg<Awaitable>::ok &&
         !detail::gather_arg<Awaitable>::is_coroutine) auto gather(return_exceptions_t,
                                                                   std::vector<Awaitable> items)
    -> task<std::vector<outcome<typename detail::gather_arg<Awaitable>::value>>> {
  std::vector<task<typename detail::gather_arg<Awaitable>::value>> coros;
  coros.reserve(items.size());
  for (auto& item : items) coros.push_back(detail::await_gathered(std::move(item)));
  return gather(return_exceptions, std::move(coros));
}

}  // namespace braid::asyncio
