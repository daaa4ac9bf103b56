#pragma once
// The shared state behind a stream_reader/stream_writer pair: the socket, the read buffer, the
// write buffers and the loop-side flusher that sends queued bytes as the socket drains.
// Private to src/asyncio.

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/tls_engine.hpp"
#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/socket_address.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {
class event_loop;
}

namespace braid::asyncio::detail {

struct stream_state;

/// Sends queued bytes from the loop, without a task: its completion is a loop callback.
class stream_flusher final : public io_operation {
 public:
  explicit stream_flusher(stream_state& s) noexcept : state_(s) {}
  void run() noexcept override;

 private:
  stream_state& state_;
};

struct stream_state {
  stream_state(event_loop& loop, int fd, std::size_t limit);
  ~stream_state();
  stream_state(const stream_state&) = delete;
  stream_state& operator=(const stream_state&) = delete;

  event_loop* loop;
  int fd;
  socket_address peer;
  socket_address local;
  bool tcp = false;

  // Reading: unread bytes are rbuf[rbegin, rend) of rcap. Not a vector: it would zero-fill,
  // touching every page of an idle connection's buffer.
  std::unique_ptr<char[]> rbuf;
  std::size_t rcap = 0;
  std::size_t rbegin = 0;
  std::size_t rend = 0;
  std::size_t limit;
  bool eof = false;
  bool reading = false;  // a read is waiting (one at a time)

  // Writing: `sending` is what the flusher's send refers to (stable while in flight: io_uring's
  // kernel reads it later); write() appends to `pending`.
  std::string sending;
  std::size_t sent = 0;
  std::string pending;
  stream_flusher flusher{*this};
  std::size_t high_water = 64 * 1024;
  std::size_t low_water = 16 * 1024;
  bool paused = false;  // above high water until down to low water
  bool eof_requested = false;
  bool eof_sent = false;
  bool closing = false;
  bool closed = false;
  int write_errno = 0;
  event resumed;  // set while not paused (drain waits on it)
  event flushed;  // set while nothing is queued (sendfile waits on it)
  event closed_event;

  // TLS: the engine turns plaintext into ciphertext and back; `tls_in` takes ciphertext from
  // the socket. The write buffers then hold ciphertext.
  std::unique_ptr<tls_engine> tls;
  // A TLS close() that cannot flush (the peer stopped reading) aborts after this long
  // (Python's ssl_shutdown_timeout).
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(30);
  callback_handle shutdown_timer;
  std::unique_ptr<char[]> tls_in;
  std::size_t tls_in_cap = 0;
  /// Queues what the engine has to send and sends it. Never throws.
  void tls_output() noexcept;

  std::size_t unread() const noexcept { return rend - rbegin; }
  std::size_t queued() const noexcept { return sending.size() - sent + pending.size(); }

  /// Makes room for at least `n` more bytes after rend (compacting first).
  void reserve_read(std::size_t n);
  /// Takes `n` unread bytes.
  std::string take(std::size_t n);

  /// Sends what is queued, as far as the socket takes it without waiting, and leaves the
  /// flusher armed for the rest. Loop thread; never throws.
  void flush() noexcept;
  /// The flusher's send finished with `result`.
  void on_sent(long result) noexcept;
  void update_pressure() noexcept;
  /// Closes the socket now. Never throws.
  void close_now(bool reset) noexcept;
};

/// Receives ciphertext from the socket into the engine (end of stream included). False if this
/// side closed the stream meanwhile; throws the connection's error (`what` names the step).
task<bool> receive_ciphertext(stream_state& s, const char* what);

/// Runs the TLS handshake of `s.tls` (set by the caller), bounded by `timeout`. Throws the
/// engine's errors, connection_timeout_error, connection_error.
task<void> tls_handshake(stream_state& s, std::chrono::nanoseconds timeout);

/// Makes a connected stream's state for `fd` (non-blocking), attaching it to `loop`.
std::shared_ptr<stream_state> make_stream(event_loop& loop, int fd, std::size_t limit,
                                          bool nodelay);

}  // namespace braid::asyncio::detail
