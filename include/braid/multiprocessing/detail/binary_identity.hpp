#pragma once
/// \file
/// What names this program's binary the same way on every machine that runs a copy of it:
/// used by workers started on other machines (braid::mpi) to check, before they run anything,
/// that they run the binary their parent runs, so a function named by its place in the binary
/// (code_ref) means the same function there.

#include <string>

#include "braid/multiprocessing/detail/code_ref.hpp"

namespace braid::multiprocessing::detail {

struct binary_identity {
  /// "build-id:<hex>" from the main program's ELF NT_GNU_BUILD_ID note, or, for a binary linked
  /// without one, "content:<size>:<hash of its bytes>". A path, inode or time stamp would differ
  /// between two machines holding the same file, so none is part of it.
  std::string build;
  /// Where detail::worker_anchor sits (the layout of braid's own code).
  code_ref anchor;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(build, anchor);
  }
  friend bool operator==(const binary_identity&, const binary_identity&) = default;
};

/// This process's binary_identity, computed once. Thread-safe. Throws transfer_error if the
/// program cannot be read (no build id and /proc/self/exe unreadable), std::bad_alloc.
const binary_identity& this_binary();

/// Empty if `other` names this process's binary; else a sentence saying how they differ.
/// Throws what this_binary() throws.
std::string identity_mismatch(const binary_identity& other);

}  // namespace braid::multiprocessing::detail
