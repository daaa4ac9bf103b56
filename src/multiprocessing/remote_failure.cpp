// An exception caught in a worker, described as text and carried back to the parent.

#include "braid/multiprocessing/detail/remote_failure.hpp"

#include <cxxabi.h>
#include <execinfo.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "braid/multiprocessing/detail/serialize.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

// "binary(_ZN3fooEv+0x1c) [0x...]" -> "binary(foo()+0x1c) [0x...]"
std::string readable_frame(const char* symbol) {
  std::string s(symbol);
  const auto open = s.find('(');
  const auto plus = s.find('+', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || plus == std::string::npos || plus == open + 1) return s;
  const std::string mangled = s.substr(open + 1, plus - open - 1);
  return s.substr(0, open + 1) + demangle(mangled.c_str()) + s.substr(plus);
}

std::string current_stack() {
  void* frames[64];
  const int n = ::backtrace(frames, 64);
  std::string out;
  char** symbols = ::backtrace_symbols(frames, n);
  for (int i = 0; i < n; ++i) {
    out += "  #" + std::to_string(i) + ' ';
    out += symbols != nullptr ? readable_frame(symbols[i]) : std::string("?");
    out += '\n';
  }
  std::free(symbols);  // NOLINT: backtrace_symbols allocates with malloc
  return out;
}

}  // namespace

failure_text describe_current_exception() {
  failure_text e;
  const std::type_info* type = abi::__cxa_current_exception_type();
  e.type = type != nullptr ? demangle(type->name()) : "unknown exception";
  try {
    throw;
  } catch (const std::exception& ex) {
    e.message = ex.what();
  } catch (...) {
    e.message = "(not a std::exception)";
  }
  e.stack = current_stack();
  return e;
}

bool run_call_catching(std::string_view call, std::string& result) {
  try {
    run_call(call, result);
    return true;
  } catch (...) {
    const failure_text e = describe_current_exception();
    result = encode_value(e);
    return false;
  }
}

failure_text decode_failure(std::string_view body) {
  return decode_value<failure_text>(body);
}

std::exception_ptr decode_remote_error(std::string_view body) {
  try {
    auto e = decode_failure(body);
    return std::make_exception_ptr(
        remote_error(std::move(e.type), std::move(e.message), std::move(e.stack)));
  } catch (...) {
    return std::current_exception();
  }
}

}  // namespace braid::multiprocessing::detail
