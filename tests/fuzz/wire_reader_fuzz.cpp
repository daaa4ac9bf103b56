// libFuzzer target: the message reader a pool uses on its workers' sockets, fed arbitrary bytes
// in arbitrary pieces (through the wire code's I/O seam). It must never crash, read out of
// bounds or allocate what a header merely claims; a bad stream ends as `corrupt` or `closed`.

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "detail/wire.hpp"

namespace wire = braid::multiprocessing::detail;

namespace {

const std::uint8_t* input = nullptr;
std::size_t input_size = 0, input_at = 0;
std::size_t chunk = 1;

// Each read takes at most `chunk` bytes of what is left; an empty rest is the end of the stream.
ssize_t fuzz_recvmsg(int, msghdr* msg, int) {
  msg->msg_controllen = 0;
  msg->msg_flags = 0;
  const std::size_t n = std::min({chunk, msg->msg_iov[0].iov_len, input_size - input_at});
  std::memcpy(msg->msg_iov[0].iov_base, input + input_at, n);
  input_at += n;
  return static_cast<ssize_t>(n);
}
ssize_t fuzz_sendmsg(int, const msghdr*, int) {
  errno = EPIPE;
  return -1;
}
const wire::wire_io fuzz_io{fuzz_recvmsg, fuzz_sendmsg};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  wire::set_wire_io(&fuzz_io);
  // The first byte picks the size of the pieces the stream arrives in.
  chunk = 1 + data[0] % 64;
  input = data + 1;
  input_size = size - 1;
  input_at = 0;
  {
    wire::message_reader reader;
    for (;;) {
      wire::header h;
      std::string_view body;
      std::vector<int> fds;
      const auto s = reader.next(-1, true, h, body, &fds);
      if (s != wire::message_reader::status::message) break;
      // Touch every byte of the body: out-of-bounds views show up under AddressSanitizer.
      volatile unsigned sum = 0;
      for (char c : body) sum = sum + static_cast<unsigned char>(c);
      if (h.size != body.size() || !fds.empty()) __builtin_trap();
    }
  }
  // The same bytes through the one-message reader.
  input_at = 0;
  wire::header h;
  std::string body;
  std::vector<int> fds;
  if (wire::recv_message(-1, h, body, &fds) && h.size != body.size()) __builtin_trap();
  wire::set_wire_io(nullptr);
  return 0;
}
