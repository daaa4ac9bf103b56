// The epoll backend: operations performed by non-blocking system calls when their descriptor is
// ready. Each descriptor has one slot holding a FIFO of read-side and one of write-side
// operations, so a reader task and a writer task can use one socket at once (full duplex).
//
// Registration. A descriptor braid owns (attach) is registered once, edge-triggered, for both
// directions, and stays registered until detach: one epoll_ctl per lifetime, not per wait. Its
// slot remembers readiness: an edge sets "may read"/"may write", an EAGAIN clears it, and
// try_now skips the system call while it is clear. Any other descriptor (a raw fd given to
// wait_readable) is registered, the same way, while operations wait on it, and removed when the
// last one finishes: it may be closed behind braid's back, which would leave a registration
// braid cannot see.
//
// Staleness. epoll keys a registration on the fd number *and* the open file description, and
// closing one fd of a file that another fd (a dup, a forked child's copy) keeps open does not
// remove it. So an event never carries a pointer: it carries the fd and a generation, and the
// slot says whether that registration is still live. A stale event is ignored. A stale
// registration for the same (number, file) key is taken over with EPOLL_CTL_MOD.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
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

// A FIFO of operations through io_operation::next_op.
struct op_queue {
  io_operation* head = nullptr;
  io_operation* tail = nullptr;
  bool empty() const noexcept { return head == nullptr; }
  void push(io_operation& op) noexcept {
    op.next_op = nullptr;
    if (tail) {
      tail->next_op = &op;
    } else {
      head = &op;
    }
    tail = &op;
  }
  io_operation* pop() noexcept {
    io_operation* op = head;
    head = op->next_op;
    if (!head) tail = nullptr;
    op->next_op = nullptr;
    return op;
  }
  bool erase(io_operation& op) noexcept {
    io_operation* prev = nullptr;
    for (io_operation* p = head; p; prev = p, p = p->next_op) {
      if (p != &op) continue;
      (prev ? prev->next_op : head) = p->next_op;
      if (tail == p) tail = prev;
      p->next_op = nullptr;
      return true;
    }
    return false;
  }
};

class epoll_backend final : public io_backend {
 public:
  epoll_backend() {
    completed_.reserve(256);  // before any descriptor: a throw here leaks nothing
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

  io_backend_kind kind() const noexcept override { return io_backend_kind::epoll; }

  void wake() noexcept override {
    const std::uint64_t one = 1;
    // EAGAIN means the counter is already non-zero: the loop will wake anyway.
    [[maybe_unused]] auto n = ::write(wakefd_, &one, sizeof one);
  }

  bool poll(std::chrono::nanoseconds timeout, std::vector<io_operation*>& done) override {
    int ms = -1;
    if (!completed_.empty()) {
      ms = 0;
    } else if (timeout.count() >= 0) {
      // Round up so a timer is never polled for a moment too early (that would spin).
      const auto rounded = (timeout.count() + 999'999) / 1'000'000;
      ms = rounded > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(rounded);
    }
    std::array<epoll_event, 256> events;
    const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), ms);
    if (n < 0 && errno != EINTR) fail("epoll_wait");
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      const epoll_event& ev = events[static_cast<std::size_t>(i)];
      if (ev.data.u64 == wake_key) {
        std::uint64_t value;
        [[maybe_unused]] auto got = ::read(wakefd_, &value, sizeof value);
        woken = true;
        continue;
      }
      const int fd = static_cast<int>(ev.data.u64 & 0xffffffffu);
      const auto gen = static_cast<std::uint32_t>(ev.data.u64 >> 32);
      slot* s = live(fd, gen);
      if (s == nullptr) continue;  // stale: see the file comment
      if (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s->may_read = true;
      if (ev.events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) s->may_write = true;
      run_queue(s->readers, s->may_read);
      run_queue(s->writers, s->may_write);
      release_if_idle(fd, *s);
    }
    done.insert(done.end(), completed_.begin(), completed_.end());
    completed_.clear();
    return woken;
  }

  bool try_now(io_operation& op) noexcept override {
    slot* s = find(op.fd);
    const bool reading = is_read_kind(op.kind);
    const bool poll_kind = op.kind == io_kind::poll_in || op.kind == io_kind::poll_out;
    // Remembered readiness is exact for an attached descriptor whose operations all go through
    // here; a poll kind's caller does its own I/O, so for it only the kernel knows.
    if (s && s->attached && !poll_kind && !(reading ? s->may_read : s->may_write)) return false;
    // Behind queued operations of the same direction: keep their order.
    if (s && !(reading ? s->readers : s->writers).empty()) return false;
    const long r = perform_now(op);
    if (r == -EAGAIN) {
      // The kernel's answer is exact: clear what an old edge left set.
      if (s && s->registered) (reading ? s->may_read : s->may_write) = false;
      return false;
    }
    op.result = r;
    return true;
  }

  void submit(io_operation& op) noexcept override {
    if (op.fd < 0) return complete(op, -EBADF);
    const auto index = static_cast<std::size_t>(op.fd);
    if (index >= table_.size()) {
      try {
        table_.resize(index + 1);
      } catch (const std::bad_alloc&) {
        return complete(op, -ENOMEM);
      }
    }
    slot& s = table_[index];
    if (!s.registered) {
      if (const long e = register_fd(op.fd, s); e < 0) return complete(op, e);
    }
    const bool reading = is_read_kind(op.kind);
    (reading ? s.readers : s.writers).push(op);
    // Readiness may already be known (an attached descriptor, or an edge that arrived before
    // this operation): perform at once rather than wait for an edge that will not come again.
    if (reading ? s.may_read : s.may_write) {
      run_queue(reading ? s.readers : s.writers, reading ? s.may_read : s.may_write);
      release_if_idle(op.fd, s);
    }
  }

  bool cancel(io_operation& op) noexcept override {
    slot* s = find(op.fd);
    if (s && (s->readers.erase(op) || s->writers.erase(op))) {
      release_if_idle(op.fd, *s);
      return true;
    }
    // Not queued: it completed and waits in completed_ for the next poll.
    for (auto it = completed_.begin(); it != completed_.end(); ++it) {
      if (*it == &op) {
        completed_.erase(it);
        return true;
      }
    }
    return true;
  }

  void abandon(io_operation& op) noexcept override { cancel(op); }

  void attach(int fd) noexcept override {
    if (fd < 0) return;
    const auto index = static_cast<std::size_t>(fd);
    try {
      if (index >= table_.size()) table_.resize(index + 1);
    } catch (const std::bad_alloc&) {
      return;  // the first operation registers it the temporary way
    }
    slot& s = table_[index];
    if (!s.registered && register_fd(fd, s) < 0) return;
    s.attached = true;
  }

  void detach(int fd) noexcept override {
    slot* s = find(fd);
    if (s == nullptr || !s->registered) return;
    while (!s->readers.empty()) complete(*s->readers.pop(), -ECANCELED);
    while (!s->writers.empty()) complete(*s->writers.pop(), -ECANCELED);
    s->attached = false;
    unregister_fd(fd, *s);
  }

 private:
  struct slot {
    op_queue readers;
    op_queue writers;
    std::uint32_t gen = 0;
    bool registered = false;
    bool attached = false;
    bool may_read = false;
    bool may_write = false;
  };
  // Generation 0 is never used, so the wake-up fd's key cannot be a descriptor's.
  static constexpr std::uint64_t wake_key = 0;

  slot* find(int fd) noexcept {
    if (fd < 0 || static_cast<std::size_t>(fd) >= table_.size()) return nullptr;
    return &table_[static_cast<std::size_t>(fd)];
  }
  slot* live(int fd, std::uint32_t gen) noexcept {
    slot* s = find(fd);
    return s && s->registered && s->gen == gen ? s : nullptr;
  }

  long register_fd(int fd, slot& s) noexcept {
    const std::uint32_t gen = ++next_gen_ == 0 ? ++next_gen_ : next_gen_;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = (static_cast<std::uint64_t>(gen) << 32) | static_cast<std::uint32_t>(fd);
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
      // EEXIST with no live registration: a stale one of this very file under this number
      // (closed and dup'ed back, see the file comment). Take it over.
      if (errno != EEXIST || ::epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0) return -errno;
    }
    s.registered = true;
    s.gen = gen;
    s.may_read = s.may_write = false;  // the registration's first edge reports the truth
    return 0;
  }
  void unregister_fd(int fd, slot& s) noexcept {
    // Fails if the user closed fd already; the registration may then linger, but its events
    // are recognised as stale from now on.
    ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    s.registered = false;
    s.may_read = s.may_write = false;
  }
  void release_if_idle(int fd, slot& s) noexcept {
    if (!s.attached && s.registered && s.readers.empty() && s.writers.empty()) {
      unregister_fd(fd, s);
    }
  }

  // Performs the queue's operations in order while the descriptor allows.
  void run_queue(op_queue& q, bool& may) noexcept {
    while (may && !q.empty()) {
      const long r = perform_now(*q.head);
      if (r == -EAGAIN) {
        may = false;
        break;
      }
      complete(*q.pop(), r);
    }
  }

  void complete(io_operation& op, long result) noexcept {
    op.result = result;
    try {
      completed_.push_back(&op);
    } catch (const std::bad_alloc&) {
      // Losing a completion would hang its task forever: fail loudly instead.
      std::terminate();
    }
  }

  int epfd_ = -1;
  int wakefd_ = -1;
  std::vector<slot> table_;  // indexed by fd number
  std::vector<io_operation*> completed_;
  std::uint32_t next_gen_ = 0;
};

}  // namespace

std::unique_ptr<io_backend> make_epoll_backend() {
  return std::make_unique<epoll_backend>();
}

}  // namespace braid::asyncio::detail
