#pragma once
// Messages between a parent and a worker over a connected AF_UNIX stream socket: a fixed header,
// the body, and optionally descriptors (SCM_RIGHTS) riding on the header's first byte.

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
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

/// The most descriptors one message may carry.
inline constexpr std::size_t max_message_fds = 64;
/// The largest body a message may have: a header announcing more is corrupt (stray bytes on the
/// socket), never a size to allocate.
inline constexpr std::uint64_t max_message_size = std::uint64_t{1} << 32;

/// The system calls the wire code makes, as a seam: tests replace them to inject short reads
/// and writes, EINTR, errors and garbage. Each behaves as recvmsg(2) / sendmsg(2).
struct wire_io {
  ssize_t (*recvmsg)(int fd, msghdr* msg, int flags);
  ssize_t (*sendmsg)(int fd, const msghdr* msg, int flags);
};
/// The real system calls.
const wire_io& system_wire_io() noexcept;
/// Makes `io` (which must outlive its use) the I/O of every later call in this process, and
/// returns the previous one. Thread-safe (atomic), but meant for tests: swap it while no
/// message is being read or written.
const wire_io* set_wire_io(const wire_io* io) noexcept;

struct header {
  std::uint32_t kind = 0;
  std::uint32_t fds = 0;
  std::uint64_t id = 0;
  std::uint64_t size = 0;
};

/// Sends one message, blocking until it is all written. Returns false if the peer is gone
/// (EPIPE, ECONNRESET); throws transfer_error (nothing sent) for more than max_message_fds
/// descriptors, braid::os_error on other errors. Never raises SIGPIPE.
bool send_message(int fd, kind k, std::uint64_t id, std::string_view body,
                  const std::vector<int>& fds = {});

/// Appends one message without descriptors (header and body) to `out`, for send_bytes(): several
/// small messages then go in one system call. Throws transfer_error for a body over
/// max_message_size, std::bad_alloc.
void append_frame(std::string& out, kind k, std::uint64_t id, std::string_view body);
/// Sends `bytes` (whole messages from append_frame), blocking until all are written. Returns
/// false if the peer is gone (EPIPE, ECONNRESET); throws braid::os_error on other errors.
/// Never raises SIGPIPE.
bool send_bytes(int fd, std::string_view bytes);

/// Receives one message. Returns false on a clean end of stream before a message starts, on
/// a broken one (the peer died) or on a corrupt header (more than max_message_size bytes or
/// max_message_fds descriptors); received descriptors are appended to `fds` (close-on-exec).
/// Throws std::bad_alloc only.
bool recv_message(int fd, header& h, std::string& body, std::vector<int>* fds);

/// Reads messages from one socket through a buffer: one recvmsg usually brings a whole message
/// (or several), and a large body is read straight into its final place. Descriptors that
/// arrive (SCM_RIGHTS rides on the first bytes of its message's header, so it is always read
/// no later than that header) queue up in order and go to the message whose header counts them.
/// Not thread-safe: one reader per socket, used by one thread at a time.
class message_reader {
 public:
  /// `corrupt`: the stream holds something that is not a message (an unknown kind, more than
  /// max_message_size bytes or max_message_fds descriptors, descriptors missing); the stream
  /// cannot be resynchronised, so every later call returns `corrupt` too.
  enum class status { message, need_more, closed, corrupt };
  message_reader() = default;
  message_reader(const message_reader&) = delete;
  message_reader& operator=(const message_reader&) = delete;
  ~message_reader();

  /// The next message: `h` and `body` (valid until the next call) and, if `fds` is not null,
  /// its descriptors appended there (else closed). With `block` false, returns need_more
  /// instead of waiting. `closed` at the end of the stream or on a broken one. Never throws
  /// (a body it cannot allocate room for is `corrupt`).
  /// Without blocking, a read that did not fill the buffer is taken to have drained the
  /// socket: later calls return need_more without another recvmsg until rearm() (call it when
  /// poll reports the socket readable).
  status next(int fd, bool block, header& h, std::string_view& body, std::vector<int>* fds);
  void rearm() noexcept { drained_ = false; }
  /// Whether a whole message is already buffered (next() would return it without reading).
  bool has_message() const noexcept;

 private:
  bool fill(int fd, bool block, std::size_t want);
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool drained_ = false;
  bool corrupt_ = false;
  std::vector<int> pending_fds_;
};

}  // namespace braid::multiprocessing::detail
