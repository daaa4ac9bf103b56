#include "braid/multiprocessing/detail/serialize.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "braid/error.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {
thread_local std::vector<int>* outgoing = nullptr;
thread_local std::vector<int>* incoming = nullptr;
}  // namespace

payload& payload::operator=(payload&& other) noexcept {
  if (this != &other) {
    for (int fd : fds) ::close(fd);
    bytes = std::move(other.bytes);
    fds = std::move(other.fds);
    other.fds.clear();
  }
  return *this;
}

payload::~payload() {
  for (int fd : fds) ::close(fd);
}

fd_collector::fd_collector(std::vector<int>& target) noexcept : previous_(outgoing) {
  outgoing = &target;
}
fd_collector::~fd_collector() {
  outgoing = previous_;
}
fd_provider::fd_provider(std::vector<int>& source) noexcept : previous_(incoming) {
  incoming = &source;
}
fd_provider::~fd_provider() {
  incoming = previous_;
}

std::uint32_t attach_fd(int fd) {
  if (outgoing == nullptr) {
    throw transfer_error(
        "braid::multiprocessing: a connection can travel only as an argument "
        "of a task or process, not through a queue or shared value");
  }
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) throw os_error(errno, "braid::multiprocessing: dup");
  outgoing->push_back(copy);
  return static_cast<std::uint32_t>(outgoing->size() - 1);
}

int take_fd(std::uint32_t index) {
  if (incoming == nullptr || index >= incoming->size() || (*incoming)[index] < 0) {
    throw transfer_error("braid::multiprocessing: a descriptor sent with the message is missing");
  }
  const int fd = (*incoming)[index];
  (*incoming)[index] = -1;
  return fd;
}

void run_call(std::string_view call, std::string& result) {
  view_source src(call);
  std::istream is(&src);
  iarchive in(is);
  code_ref ref;
  in(ref);
  const auto fn = reinterpret_cast<trampoline_fn>(resolve_code(ref));
  string_sink sink(result);
  std::ostream os(&sink);
  oarchive out(os);
  fn(in, out);
}

}  // namespace braid::multiprocessing::detail
