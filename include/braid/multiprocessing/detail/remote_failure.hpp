#pragma once
/// \file
/// How an exception thrown by a task in a worker travels back: its demangled type, its message
/// and the worker's stack as text, encoded with cereal. Shared by every executor that runs tasks
/// in another process (the process pool, braid::mpi), so a remote failure reads the same
/// everywhere.

#include <exception>
#include <string>
#include <string_view>

namespace braid::multiprocessing::detail {

/// An exception caught in a worker, as it travels.
struct failure_text {
  std::string type;     ///< demangled type name, e.g. "std::out_of_range"
  std::string message;  ///< what(), or "(not a std::exception)"
  std::string stack;    ///< the worker's stack where it was caught, one frame a line

  template <class Archive>
  void serialize(Archive& ar) {
    ar(type, message, stack);
  }
};

/// Describes the exception being handled. Call it only inside a catch block. Throws
/// std::bad_alloc only.
failure_text describe_current_exception();

/// Runs the encoded call `call` (as run_call does) and catches what it throws: returns true
/// with the encoded result in `result`, or false with the encoded failure_text there. Throws
/// std::bad_alloc only (if even the failure cannot be encoded).
bool run_call_catching(std::string_view call, std::string& result);

/// The failure encoded in `body` as a remote_error, or the decoding error if `body` is not one.
/// Never throws.
std::exception_ptr decode_remote_error(std::string_view body);

/// Decodes a failure_text. Throws transfer_error or cereal's exception on a malformed body.
failure_text decode_failure(std::string_view body);

}  // namespace braid::multiprocessing::detail
