#pragma once
// Messages between a parent and a worker over a connected AF_UNIX stream socket: a fixed header,
// the body, and optionally descriptors (SCM_RIGHTS) riding on the header's first byte.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace braid::multiprocessing::detail {

enum class kind : std::uint32_t {
  hello = 1,    // parent -> worker: identity check, mode, initializer
  task = 2,     // parent -> worker: an encoded call
  result = 3,   // worker -> parent: the encoded result
  failure = 4,  // worker -> parent: the task threw (type, message, stack)
  fatal = 5,    // worker -> parent: the worker cannot run tasks (mismatch, initializer threw)
};

struct header {
  std::uint32_t kind = 0;
  std::uint32_t fds = 0;
  std::uint64_t id = 0;
  std::uint64_t size = 0;
};

/// Sends one message, blocking until it is all written. Returns false if the peer is gone
/// (EPIPE, ECONNRESET); throws std::system_error on other errors. Never raises SIGPIPE.
bool send_message(int fd, kind k, std::uint64_t id, std::string_view body,
                  const std::vector<int>& fds = {});

/// Receives one message. Returns false on a clean end of stream before a message starts or on
/// a broken one (the peer died); received descriptors are appended to `fds` (close-on-exec).
bool recv_message(int fd, header& h, std::string& body, std::vector<int>* fds);

}  // namespace braid::multiprocessing::detail
