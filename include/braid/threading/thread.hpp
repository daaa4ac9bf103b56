#pragma once
/// \file
/// braid::threading::thread: a named thread with Python's start/join/is_alive lifecycle (Python's
/// threading.Thread).

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace braid::threading {

/// How a thread is created (Python's Thread(name=..., daemon=...)).
struct thread_options {
  std::string name;     ///< empty: "Thread-N", N counting threads created in this process
  bool daemon = false;  ///< true: the destructor detaches instead of joining
};

namespace detail {

/// The type-erased call a thread runs.
struct thread_body {
  thread_body() = default;
  thread_body(const thread_body&) = delete;
  thread_body& operator=(const thread_body&) = delete;
  virtual ~thread_body() = default;
  virtual void run() = 0;
};

template <class F, class... Args>
struct thread_call final : thread_body {
  template <class G, class... A>
  explicit thread_call(G&& g, A&&... a) : call(std::forward<G>(g), std::forward<A>(a)...) {}
  void run() override {
    std::apply([](auto& f, auto&... args) { std::invoke(std::move(f), std::move(args)...); }, call);
  }
  std::tuple<F, Args...> call;
};

template <class F, class... Args>
std::unique_ptr<thread_body> make_thread_body(F&& f, Args&&... args) {
  return std::make_unique<thread_call<std::decay_t<F>, std::decay_t<Args>...>>(
      std::forward<F>(f), std::forward<Args>(args)...);
}

struct thread_state;

}  // namespace detail

/// A thread of execution with Python's lifecycle (Python's threading.Thread).
///
/// Constructing a thread does not run it: start() does, once. The callable and its arguments are
/// decay-copied (moved when given as rvalues; move-only ones work) and invoked as rvalues on the
/// new thread, which carries the thread's name (current_thread_name()). An exception escaping
/// the callable goes to report_unhandled(e, "thread body"), i.e. the excepthook; it never
/// terminates the process.
///
/// Destroying a started thread that was not joined joins it, unless it is a daemon, which is
/// detached instead (unlike std::thread, which terminates, and std::jthread, which also asks it to
/// stop). A daemon still running when main returns runs on while static objects are destroyed:
/// make sure it touches none.
///
/// Movable, not copyable. A moved-from thread may only be destroyed or assigned to. Member
/// functions are thread-safe (join may be called from several threads at once).
class thread {
 public:
  /// A thread that will run `std::invoke(f, args...)`, with default options. Throws what copying
  /// or moving `f` and `args` throws, and std::bad_alloc.
  template <class F, class... Args>
  requires(!std::same_as<std::remove_cvref_t<F>, thread_options> &&
           !std::same_as<std::remove_cvref_t<F>, thread> &&
           std::invocable<std::decay_t<F>, std::decay_t<Args>...>) explicit thread(F&& f,
                                                                                   Args&&... args)
      : thread(thread_options{},
               detail::make_thread_body(std::forward<F>(f), std::forward<Args>(args)...)) {}

  /// A thread with `options` that will run `std::invoke(f, args...)`. Throws as above.
  template <class F, class... Args>
  requires std::invocable<std::decay_t<F>, std::decay_t<Args>...> thread(thread_options options,
                                                                         F&& f, Args&&... args)
      : thread(std::move(options),
               detail::make_thread_body(std::forward<F>(f), std::forward<Args>(args)...)) {}

  /// Takes over `other`'s thread, running or not; `other` is left moved-from. Never throws.
  /// Not thread-safe against other calls on `other`.
  thread(thread&& other) noexcept;
  /// Finishes this thread as the destructor does (joins or detaches), then takes `other`'s.
  /// Never throws. Not thread-safe against other calls on either thread.
  thread& operator=(thread&& other) noexcept;
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;

  /// Joins a started, unjoined non-daemon thread; detaches a daemon one (and a thread destroyed
  /// by its own callable). Never throws.
  virtual ~thread();

  /// Starts the thread and returns once it is running, so ident() and native_id() are known.
  /// Throws thread_error if already started, os_error if the OS refuses a thread
  /// (it may then be started again).
  void start();

  /// Blocks until the thread's callable has returned. Throws thread_error if the thread was not
  /// started or if called from the thread itself.
  void join();

  /// As join(), giving up after `timeout`; returns whether the thread has ended.
  bool join(std::chrono::nanoseconds timeout);

  /// True from start() until the callable returns. Never throws.
  [[nodiscard]] bool is_alive() const noexcept;

  /// The thread's name. Never throws.
  [[nodiscard]] const std::string& name() const noexcept;

  /// get_ident() of the thread once started, 0 before (Python: None). Never throws.
  [[nodiscard]] std::uint64_t ident() const noexcept;

  /// The kernel's thread id once started, 0 before (Python: None). Never throws.
  [[nodiscard]] std::uint64_t native_id() const noexcept;

  /// Whether the thread is a daemon. Never throws.
  [[nodiscard]] bool daemon() const noexcept;

 protected:
  /// For subclasses (timer): a thread running `body`.
  thread(thread_options options, std::unique_ptr<detail::thread_body> body);

 private:
  void finish() noexcept;

  std::shared_ptr<detail::thread_state> state_;
};

}  // namespace braid::threading
