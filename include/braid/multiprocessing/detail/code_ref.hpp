#pragma once
/// \file
/// Names for code that mean the same thing in every process running the same binary: the loaded
/// object (empty for the main program, else its path) and the offset from that object's base.
/// Raw addresses differ between processes because of ASLR; these names do not.

#include <cstdint>
#include <string>

namespace braid::multiprocessing::detail {

struct code_ref {
  std::string object;  ///< "" for the main program, else the shared object's path as loaded
  std::uint64_t offset = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(object, offset);
  }
  friend bool operator==(const code_ref&, const code_ref&) = default;
};

/// The stable name of a function at `address` in this process. Throws transfer_error if the
/// address is in no loaded object (e.g. code generated at run time).
code_ref locate_code(std::uintptr_t address);
/// The address in this process of the code named by `ref`. Throws transfer_error if its object
/// is not loaded here or the offset is outside it.
std::uintptr_t resolve_code(const code_ref& ref);

/// A function in the library whose stable name the parent sends to every worker; the worker
/// checks it resolves to its own copy (the same binary, laid out the same way). Referencing it
/// from the pool also keeps the worker entry point linked in static builds.
void worker_anchor() noexcept;

}  // namespace braid::multiprocessing::detail
