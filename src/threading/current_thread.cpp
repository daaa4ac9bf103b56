// Names, identities and the excepthook (see current_thread.hpp).
#include "braid/threading/current_thread.hpp"

#include <cxxabi.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <typeinfo>
#include <utility>

namespace braid::threading {
namespace {

std::atomic<std::uint64_t> next_ident{1};

struct thread_identity {
  std::uint64_t ident = next_ident.fetch_add(1, std::memory_order_relaxed);
  bool named = false;
  std::string name;
};

thread_identity& identity() {
  thread_local thread_identity id;
  return id;
}

bool is_main_thread() noexcept {
  return ::gettid() == ::getpid();
}

std::mutex hook_mutex;
excepthook_function hook;  // guarded by hook_mutex; empty means the default

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

// The exception's demangled type and what() (empty for a non-std::exception).
void describe(const std::exception_ptr& e, std::string& type, std::string& what) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    const std::type_info* t = abi::__cxa_current_exception_type();
    type = t ? demangle(t->name()) : "std::exception";
    what = ex.what();
  } catch (...) {
    const std::type_info* t = abi::__cxa_current_exception_type();
    type = t ? demangle(t->name()) : "unknown exception";
  }
}

void default_hook(const excepthook_args& args) noexcept {
  try {
    std::string type;
    std::string what;
    describe(args.exception, type, what);
    std::string line = "braid: unhandled exception in ";
    line.append(args.where).append(" on thread ").append(args.thread_name);
    line.append(": ").append(type).append(": ").append(what).append("\n");
    std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines do not interleave
    std::fflush(stderr);
  } catch (...) {
    std::fputs("braid: unhandled exception (could not describe it)\n", stderr);
  }
}

}  // namespace

std::string current_thread_name() {
  thread_identity& id = identity();
  if (id.named) return id.name;
  if (is_main_thread()) return "MainThread";
  return "Thread-" + std::to_string(id.ident);
}

void set_current_thread_name(std::string name) {
  thread_identity& id = identity();
  // The OS keeps 15 bytes plus the terminator; longer names make pthread_setname_np fail.
  const std::string os_name = name.substr(0, 15);
  ::pthread_setname_np(::pthread_self(), os_name.c_str());
  id.name = std::move(name);
  id.named = true;
}

std::uint64_t get_ident() noexcept {
  return identity().ident;
}

std::uint64_t get_native_id() noexcept {
  return static_cast<std::uint64_t>(::gettid());
}

void default_excepthook(const excepthook_args& args) noexcept {
  default_hook(args);
}

excepthook_function set_excepthook(excepthook_function new_hook) {
  excepthook_function previous;
  {
    std::lock_guard<std::mutex> guard(hook_mutex);
    previous = std::exchange(hook, std::move(new_hook));
  }
  if (!previous) previous = default_excepthook;
  return previous;
}

excepthook_function get_excepthook() {
  std::lock_guard<std::mutex> guard(hook_mutex);
  if (!hook) return default_excepthook;
  return hook;
}

void report_unhandled(std::exception_ptr exception, std::string_view where) noexcept {
  if (!exception) return;
  try {
    excepthook_function current;
    {
      std::lock_guard<std::mutex> guard(hook_mutex);
      current = hook;  // copied: the hook runs unlocked and may call set_excepthook
    }
    excepthook_args args{exception, current_thread_name(), where};
    if (!current) {
      default_hook(args);
      return;
    }
    try {
      current(args);
    } catch (...) {
      default_hook(excepthook_args{std::current_exception(), args.thread_name, "excepthook"});
      default_hook(args);  // and the exception the hook was given is not lost either
    }
  } catch (...) {
    default_hook(excepthook_args{exception, "<unknown>", where});
  }
}

}  // namespace braid::threading
