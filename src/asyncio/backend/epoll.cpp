// The epoll backend: an epoll instance plus an eventfd for wake-ups. Each fd watch is one-shot
// and removed when it fires, so a later wait on the same fd simply registers again.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

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
    ev.data.ptr = nullptr;  // null marks the wake-up fd
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
      auto* r = static_cast<runnable*>(events[static_cast<std::size_t>(i)].data.ptr);
      if (r == nullptr) {
        std::uint64_t value;
        [[maybe_unused]] auto got = ::read(wakefd_, &value, sizeof value);
        woken = true;
      } else {
        ::epoll_ctl(epfd_, EPOLL_CTL_DEL, static_cast<io_watch*>(r)->fd, nullptr);
        ready.push_back(r);
      }
    }
    return woken;
  }

  void watch(bool write, io_watch& w) override {
    epoll_event ev{};
    ev.events = (write ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
    ev.data.ptr = static_cast<runnable*>(&w);
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, w.fd, &ev) < 0) {
      if (errno == EEXIST) {
        throw event_loop_error("another task already waits on file descriptor " +
                               std::to_string(w.fd));
      }
      fail("epoll_ctl(ADD)");
    }
  }

  void unwatch(int fd) noexcept override { ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

 private:
  int epfd_ = -1;
  int wakefd_ = -1;
};

}  // namespace

std::unique_ptr<io_backend> make_io_backend() {
  return std::make_unique<epoll_backend>();
}

}  // namespace braid::asyncio::detail
