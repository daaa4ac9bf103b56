#pragma once
/// \file
/// Names and identities of the calling thread (Python's threading.current_thread().name,
/// get_ident, get_native_id) and the process-wide hook for exceptions nobody caught
/// (Python's threading.excepthook).

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace braid::threading {

/// The calling thread's braid name: the one given to braid::threading::thread, a pool worker's
/// "<prefix>_<n>", "MainThread" for the thread that ran main, otherwise "Thread-<ident>".
/// Thread-safe; never throws except std::bad_alloc.
std::string current_thread_name();

/// Names the calling thread: braid's name and the OS name (its first 15 bytes, what `top -H` and
/// debuggers show). Thread-safe; never throws except std::bad_alloc.
void set_current_thread_name(std::string name);

/// A small integer unique among live braid-visible threads of this process (Python's get_ident).
std::uint64_t get_ident() noexcept;

/// The kernel's thread id (Python's get_native_id).
std::uint64_t get_native_id() noexcept;

/// What an excepthook is told about an exception nobody caught.
struct excepthook_args {
  std::exception_ptr exception;  ///< never null
  std::string thread_name;       ///< the thread it escaped in
  std::string_view where;        ///< what was running: "thread body", "future done callback", ...
};

using excepthook_function = std::function<void(const excepthook_args&)>;

/// Replaces the process-wide hook called for uncaught exceptions in braid threads, throwing
/// done-callbacks and other places where an error has nobody to go to, and returns the hook it
/// replaced (never empty: see get_excepthook). An empty function restores the default, which
/// prints the thread name, `where`, the exception's type and what() to stderr.
/// Thread-safe. A hook that throws is reported by the default hook, never lost. Throws only
/// std::bad_alloc.
excepthook_function set_excepthook(excepthook_function hook);

/// The hook in force (Python's threading.excepthook): the one last set, or the default as a
/// callable, so a new hook can add to the old one by calling it. Thread-safe. Throws only
/// std::bad_alloc.
excepthook_function get_excepthook();

/// The default hook (Python's threading.__excepthook__). Never throws.
void default_excepthook(const excepthook_args& args) noexcept;

/// Calls the current excepthook for `exception` (ignored if null), from the calling thread.
/// Never throws.
void report_unhandled(std::exception_ptr exception, std::string_view where) noexcept;

}  // namespace braid::threading
