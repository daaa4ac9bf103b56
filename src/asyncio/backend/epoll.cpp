// The epoll backend: an epoll instance plus an eventfd for wake-ups. Each fd watch is one-shot
// and removed when it fires, so a later wait on the same fd simply registers again.
//
// epoll keys a registration on the fd number *and* the open file description, and closing one
// fd of a file that another fd (a dup, a forked child's copy) keeps open does not remove it. A
// watch whose fd the user closed therefore cannot always be deregistered: EPOLL_CTL_DEL on the
// closed number fails, and the registration stays, armed, until the file is closed everywhere.
// So an event never carries a pointer to the watch: it carries the fd and a generation, and the
// backend's table says whether that watch is still live. A stale event (its watch was removed
// or replaced) is ignored; EPOLLONESHOT disarms it after that one report. A stale registration
// for the same (number, file) key is re-armed with EPOLL_CTL_MOD when that file is watched again
// under the same number.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "braid/asyncio/errors.hpp"

namespace braid::asyncio::detail {
namespace {

[[noreturn]] void fail(const char* what) {
  throw event_loop_error(std::string(what) + ": " + std::strerror(errno));
}

class epoll_backend final : public io_backend {
 public:
  epoll_backend() {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) fail("epoll_create1");
    wakefd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakefd_ < 0) {
      ::close(epfd_);
      fail("eventfd");
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = wake_key;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) < 0) {
      ::close(wakefd_);
      ::close(epfd_);
      fail("epoll_ctl");
    }
  }
  ~epoll_backend() override {
    ::close(wakefd_);
    ::close(epfd_);
  }

  void wake() noexcept override {
    const std::uint64_t one = 1;
    // EAGAIN means the counter is already non-zero: the loop will wake anyway.
    [[maybe_unused]] auto n = ::write(wakefd_, &one, sizeof one);
  }

  bool poll(std::chrono::nanoseconds timeout, std::vector<runnable*>& ready) override {
    int ms = -1;
    if (timeout.count() >= 0) {
      // Round up so a timer is never polled for a moment too early (that would spin).
      const auto rounded = (timeout.count() + 999'999) / 1'000'000;
      ms = rounded > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(rounded);
    }
    std::array<epoll_event, 64> events;
    const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), ms);
    if (n < 0) {
      if (errno == EINTR) return false;
      fail("epoll_wait");
    }
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t key = events[static_cast<std::size_t>(i)].data.u64;
      if (key == wake_key) {
        std::uint64_t value;
        [[maybe_unused]] auto got = ::read(wakefd_, &value, sizeof value);
        woken = true;
        continue;
      }
      const int fd = static_cast<int>(key & 0xffffffffu);
      const auto gen = static_cast<std::uint32_t>(key >> 32);
      slot* s = live(fd, gen);
      if (s == nullptr) continue;  // stale: its watch is gone (see the file comment)
      ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
      ready.push_back(std::exchange(s->watch, nullptr));
    }
    return woken;
  }

  void watch(bool write, io_watch& w) override {
    if (w.fd < 0) throw event_loop_error("cannot wait on file descriptor " + std::to_string(w.fd));
    const auto index = static_cast<std::size_t>(w.fd);
    if (index >= table_.size()) table_.resize(index + 1);  // may throw: nothing changed yet
    slot& s = table_[index];
    if (s.watch != nullptr) {
      throw event_loop_error("another task already waits on file descriptor " +
                             std::to_string(w.fd));
    }
    const std::uint32_t gen = ++next_gen_ == 0 ? ++next_gen_ : next_gen_;
    epoll_event ev{};
    ev.events = (write ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
    ev.data.u64 = (static_cast<std::uint64_t>(gen) << 32) | static_cast<std::uint32_t>(w.fd);
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, w.fd, &ev) < 0) {
      // EEXIST with no live watch: a stale registration of this very file under this number
      // (closed and dup'ed back, see the file comment). Re-arm it for this watch.
      if (errno != EEXIST || ::epoll_ctl(epfd_, EPOLL_CTL_MOD, w.fd, &ev) < 0) {
        fail("epoll_ctl(ADD)");
      }
    }
    s.watch = &w;
    s.gen = gen;
  }

  void unwatch(int fd) noexcept override {
    if (fd < 0 || static_cast<std::size_t>(fd) >= table_.size()) return;
    slot& s = table_[static_cast<std::size_t>(fd)];
    if (s.watch == nullptr) return;
    // Fails if the user closed fd already; the registration may then linger, but its events are
    // recognised as stale from now on.
    ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    s.watch = nullptr;
  }

 private:
  // The watch registered for one fd number, and the generation its events carry.
  struct slot {
    io_watch* watch = nullptr;
    std::uint32_t gen = 0;
  };
  // Generation 0 is never used, so the wake-up fd's key cannot be a watch's.
  static constexpr std::uint64_t wake_key = 0;

  slot* live(int fd, std::uint32_t gen) noexcept {
    if (fd < 0 || static_cast<std::size_t>(fd) >= table_.size()) return nullptr;
    slot& s = table_[static_cast<std::size_t>(fd)];
    return s.watch != nullptr && s.gen == gen ? &s : nullptr;
  }

  int epfd_ = -1;
  int wakefd_ = -1;
  std::vector<slot> table_;  // indexed by fd number
  std::uint32_t next_gen_ = 0;
};

}  // namespace

std::unique_ptr<io_backend> make_io_backend() {
  return std::make_unique<epoll_backend>();
}

}  // namespace braid::asyncio::detail
