// The message framing between a pool and its workers, through the wire code's I/O seam
// (detail::set_wire_io): short reads and writes, EINTR, garbage and huge sizes.

#include "detail/wire.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "braid/futures/future.hpp"
#include "braid/multiprocessing/errors.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"
#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
namespace wire = braid::multiprocessing::detail;

namespace {

using wire_test = braid_test::leak_checked;

// Replaces the wire I/O for a scope.
class scoped_io {
 public:
  explicit scoped_io(const wire::wire_io& io) : old_(wire::set_wire_io(&io)) {}
  ~scoped_io() { wire::set_wire_io(old_); }
  scoped_io(const scoped_io&) = delete;
  scoped_io& operator=(const scoped_io&) = delete;

 private:
  const wire::wire_io* old_;
};

// Every other call fails with EINTR; the others move at most `piece` bytes.
thread_local std::size_t piece = 1;
thread_local unsigned calls = 0;

ssize_t choppy_recvmsg(int fd, msghdr* msg, int flags) {
  if (++calls % 2 == 1) {
    errno = EINTR;
    return -1;
  }
  iovec one{msg->msg_iov[0].iov_base, std::min(piece, msg->msg_iov[0].iov_len)};
  msghdr m = *msg;
  m.msg_iov = &one;
  m.msg_iovlen = 1;
  const ssize_t r = ::recvmsg(fd, &m, flags);
  msg->msg_controllen = m.msg_controllen;
  msg->msg_flags = m.msg_flags;
  return r;
}
ssize_t choppy_sendmsg(int fd, const msghdr* msg, int flags) {
  if (++calls % 2 == 1) {
    errno = EINTR;
    return -1;
  }
  // Only the first `piece` bytes of the first non-empty part go.
  std::size_t i = 0;
  while (i < msg->msg_iovlen && msg->msg_iov[i].iov_len == 0) ++i;
  if (i == msg->msg_iovlen) return 0;
  iovec one{msg->msg_iov[i].iov_base, std::min(piece, msg->msg_iov[i].iov_len)};
  msghdr m = *msg;
  m.msg_iov = &one;
  m.msg_iovlen = 1;
  return ::sendmsg(fd, &m, flags);
}
const wire::wire_io choppy{choppy_recvmsg, choppy_sendmsg};

// Reads come from `script` (no descriptors), at most `piece` bytes at a time; then the end.
thread_local std::string script;
thread_local std::size_t script_at = 0;
ssize_t scripted_recvmsg(int, msghdr* msg, int) {
  msg->msg_controllen = 0;
  msg->msg_flags = 0;
  const std::size_t n = std::min({piece, msg->msg_iov[0].iov_len, script.size() - script_at});
  std::memcpy(msg->msg_iov[0].iov_base, script.data() + script_at, n);
  script_at += n;
  return static_cast<ssize_t>(n);
}
ssize_t no_sendmsg(int, const msghdr*, int) {
  errno = EPIPE;
  return -1;
}
const wire::wire_io scripted{scripted_recvmsg, no_sendmsg};

std::string frame(std::uint32_t kind, std::uint64_t size, std::uint32_t fds = 0,
                  std::string body = {}) {
  wire::header h{kind, fds, 7, size};
  std::string bytes(reinterpret_cast<const char*>(&h), sizeof h);
  return bytes + body;
}

void set_script(std::string s, std::size_t chunk) {
  script = std::move(s);
  script_at = 0;
  piece = chunk;
}

struct socket_pair {
  socket_pair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd), 0); }
  ~socket_pair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  int fd[2] = {-1, -1};
};

}  // namespace

TEST_F(wire_test, MessagesSurviveOneByteReadsAndWritesAndEintr) {
  socket_pair s;
  piece = 1;
  calls = 0;
  scoped_io io(choppy);
  // Tiny writes fill the socket's buffer quickly (each costs a whole buffer): send from a
  // thread while this one reads.
  std::thread sender([&] {
    piece = 1;
    const int extra = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    EXPECT_TRUE(wire::send_message(s.fd[0], wire::kind::task, 1, "first body", {extra}));
    EXPECT_TRUE(wire::send_message(s.fd[0], wire::kind::result, 2, {}));
    EXPECT_TRUE(wire::send_message(s.fd[0], wire::kind::failure, 3, std::string(300, 'x')));
    ::close(extra);
  });
  wire::message_reader reader;
  wire::header h;
  std::string_view body;
  std::vector<int> fds;
  ASSERT_EQ(reader.next(s.fd[1], true, h, body, &fds), wire::message_reader::status::message);
  EXPECT_EQ(h.id, 1u);
  EXPECT_EQ(body, "first body");
  ASSERT_EQ(fds.size(), 1u);
  ::close(fds[0]);
  ASSERT_EQ(reader.next(s.fd[1], true, h, body, nullptr), wire::message_reader::status::message);
  EXPECT_EQ(h.id, 2u);
  EXPECT_TRUE(body.empty());
  // One-byte reads leave nothing buffered in the reader: recv_message reads the third.
  std::string whole;
  ASSERT_TRUE(wire::recv_message(s.fd[1], h, whole, nullptr));
  EXPECT_EQ(h.id, 3u);
  EXPECT_EQ(whole, std::string(300, 'x'));
  sender.join();
}

TEST_F(wire_test, ShortWritesOfSevenBytesStillFrameEveryMessage) {
  socket_pair s;
  piece = 7;
  calls = 0;
  scoped_io io(choppy);
  std::thread sender([&] {
    piece = 7;
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(wire::send_message(s.fd[0], wire::kind::result, static_cast<std::uint64_t>(i),
                                     std::string(static_cast<std::size_t>(i * 13), 'a' + i % 26)));
    }
    ::shutdown(s.fd[0], SHUT_WR);
  });
  wire::message_reader reader;
  for (int i = 0; i < 20; ++i) {
    wire::header h;
    std::string_view body;
    ASSERT_EQ(reader.next(s.fd[1], true, h, body, nullptr), wire::message_reader::status::message);
    EXPECT_EQ(h.id, static_cast<std::uint64_t>(i));
    EXPECT_EQ(body, std::string(static_cast<std::size_t>(i * 13), 'a' + i % 26));
  }
  wire::header h;
  std::string_view body;
  EXPECT_EQ(reader.next(s.fd[1], true, h, body, nullptr), wire::message_reader::status::closed);
  sender.join();
}

TEST_F(wire_test, HugeAndGarbageFramesAreCorruptNotACrash) {
  scoped_io io(scripted);
  const std::uint32_t result = static_cast<std::uint32_t>(wire::kind::result);
  const std::vector<std::string> bad = {
      frame(result, std::numeric_limits<std::uint64_t>::max() - 7, 0, "wraps"),  // wraps to 16
      frame(result, std::numeric_limits<std::uint64_t>::max()),
      frame(result, wire::max_message_size + 1),
      frame(result, std::uint64_t{1} << 40),  // bad_alloc before
      frame(0, 1, 0, "x"),                    // no such kind
      frame(99, 0),
      frame(result, 0, 1),     // a descriptor that never came
      frame(result, 0, 1000),  // more than a message may carry
      std::string("stray bytes on the worker's socket, not a header at all"),
  };
  for (const std::string& bytes : bad) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{1} << 20}) {
      set_script(bytes, chunk);
      wire::message_reader reader;
      wire::header h;
      std::string_view body;
      const auto first = reader.next(-1, true, h, body, nullptr);
      EXPECT_TRUE(first == wire::message_reader::status::corrupt ||
                  first == wire::message_reader::status::closed)
          << bytes.size() << " bytes, chunk " << chunk;
      if (bytes.size() >= sizeof(wire::header)) {
        EXPECT_EQ(first, wire::message_reader::status::corrupt) << chunk;
        // Sticky: the stream cannot be trusted any more.
        EXPECT_EQ(reader.next(-1, true, h, body, nullptr), wire::message_reader::status::corrupt);
      }
      set_script(bytes, chunk);
      std::string whole;
      EXPECT_FALSE(wire::recv_message(-1, h, whole, nullptr));
    }
  }
}

TEST_F(wire_test, AValidFrameAfterShortReadsParses) {
  scoped_io io(scripted);
  const std::uint32_t result = static_cast<std::uint32_t>(wire::kind::result);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
    set_script(frame(result, 5, 0, "hello") + frame(result, 0), chunk);
    wire::message_reader reader;
    wire::header h;
    std::string_view body;
    ASSERT_EQ(reader.next(-1, true, h, body, nullptr), wire::message_reader::status::message);
    EXPECT_EQ(body, "hello");
    ASSERT_EQ(reader.next(-1, true, h, body, nullptr), wire::message_reader::status::message);
    EXPECT_TRUE(body.empty());
    EXPECT_EQ(reader.next(-1, true, h, body, nullptr), wire::message_reader::status::closed);
  }
}

namespace {

// In a spawned worker its socket is descriptor 3 (spawn.cpp): writes `bytes` there, outside the
// protocol, then returns normally.
int write_stray_bytes(std::string bytes) {
  const ssize_t w = ::write(3, bytes.data(), bytes.size());
  return static_cast<int>(w);
}
int square(int x) {
  return x * x;
}

}  // namespace

// A worker whose socket carries a corrupt frame fails its task with a typed error and is
// replaced; the parent goes on (it used to die of std::bad_alloc, or read past its buffer).
TEST_F(wire_test, ACorruptFrameFromAWorkerFailsThatWorkerOnly) {
  const std::uint32_t result = static_cast<std::uint32_t>(wire::kind::result);
  const std::vector<std::string> garbage = {
      frame(result, std::uint64_t{1} << 40),
      frame(result, std::numeric_limits<std::uint64_t>::max() - 7, 0, "wraps"),
      std::string(64, '\xff'),
  };
  mp::process_pool_executor pool(1);
  std::size_t started = 0;
  for (const std::string& bytes : garbage) {
    auto f = pool.submit(write_stray_bytes, bytes);
    EXPECT_THROW(f.result(), mp::transfer_error);
    EXPECT_EQ(pool.submit(square, 7).result(), 49);  // on a new worker
    EXPECT_GT(pool.workers_started(), started);
    started = pool.workers_started();
  }
}
