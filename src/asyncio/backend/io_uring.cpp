// The io_uring backend (liburing): every operation is handed to the kernel as one submission
// queue entry, and one io_uring_enter per loop iteration submits what the iteration prepared and
// waits for completions. A completion's user_data is the io_operation itself, which therefore
// stays alive until its completion is reaped: cancel() asks the kernel to stop it (the
// completion still comes, as -ECANCELED or with the result it had reached), and abandon()
// waits for that completion before the frame holding the operation goes away.
//
// Before submitting, try_now performs a send or connect with a non-blocking system call (a send
// usually completes at once); receives and accepts go to the ring directly. With 1,000
// ping-pong connections the eager receive cost 0-15% more server CPU (within this machine's
// noise, but never less), being one more system call that mostly returns EAGAIN.

#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "braid/asyncio/errors.hpp"

namespace braid::asyncio::detail {
namespace {

// user_data values that are no operation: a cancel request's own completion, the wake-up read.
constexpr std::uint64_t ignore_tag = 0;
constexpr std::uint64_t wake_tag = 1;

class io_uring_backend final : public io_backend {
 public:
  // Throws nothing: a refused setup is reported through `why` by make_io_uring_backend.
  io_uring_backend() = default;
  long init() noexcept {
    io_uring_params params{};
    // Completions are reaped by the thread that submits, at its next io_uring_enter: the
    // kernel need not interrupt the loop to run them (COOP_TASKRUN, 5.19+).
    params.flags = IORING_SETUP_COOP_TASKRUN;
    int e = ::io_uring_queue_init_params(entries, &ring_, &params);
    if (e == -EINVAL) {
      params = {};
      e = ::io_uring_queue_init_params(entries, &ring_, &params);
    }
    if (e < 0) return e;
    ring_ready_ = true;
    wakefd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakefd_ < 0) return -errno;
    try {
      completed_.reserve(256);
    } catch (const std::bad_alloc&) {
      return -ENOMEM;
    }
    arm_wake();
    return 0;
  }
  ~io_uring_backend() override {
    if (wakefd_ >= 0) ::close(wakefd_);
    if (ring_ready_) ::io_uring_queue_exit(&ring_);
  }

  io_backend_kind kind() const noexcept override { return io_backend_kind::io_uring; }

  void wake() noexcept override {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakefd_, &one, sizeof one);
  }

  bool poll(std::chrono::nanoseconds timeout, std::vector<io_operation*>& done) override {
    woken_ = false;
    io_uring_cqe* cqe = nullptr;
    if (!completed_.empty() || timeout.count() == 0) {
      ::io_uring_submit(&ring_);
    } else if (timeout.count() < 0) {
      const int e = ::io_uring_submit_and_wait(&ring_, 1);
      if (e < 0 && e != -EINTR && e != -ETIME) fail(-e, "io_uring_submit_and_wait");
    } else {
      __kernel_timespec ts{};
      ts.tv_sec = timeout.count() / 1'000'000'000;
      ts.tv_nsec = timeout.count() % 1'000'000'000;
      const int e = ::io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
      if (e < 0 && e != -EINTR && e != -ETIME) fail(-e, "io_uring_submit_and_wait_timeout");
    }
    reap();
    done.insert(done.end(), completed_.begin(), completed_.end());
    completed_.clear();
    return woken_;
  }

  bool try_now(io_operation& op) noexcept override {
    // Receives and accepts go straight to the ring: on a connection that waits for its peer
    // the eager call is one more system call returning EAGAIN (the floor never makes it).
    // Sends and connects are tried at once: a send usually completes, saving a trip through
    // the ring.
    if (is_read_kind(op.kind)) return false;
    const long r = perform_now(op);
    if (r == -EAGAIN) return false;
    op.result = r;
    return true;
  }

  void submit(io_operation& op) noexcept override {
    io_uring_sqe* sqe = get_sqe();
    if (sqe == nullptr) return complete(op, -EBUSY);
    switch (op.kind) {
      case io_kind::poll_in:
        ::io_uring_prep_poll_add(sqe, op.fd, POLLIN);
        break;
      case io_kind::poll_out:
        ::io_uring_prep_poll_add(sqe, op.fd, POLLOUT);
        break;
      case io_kind::accept:
        addrlen_of(op) = static_cast<socklen_t>(op.addrlen);
        ::io_uring_prep_accept(sqe, op.fd, static_cast<::sockaddr*>(op.addr),
                               op.addr ? &addrlen_of(op) : nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        break;
      case io_kind::connect:
        if (op.progress == 1) {
          // try_now started it (EINPROGRESS): wait for the outcome.
          ::io_uring_prep_poll_add(sqe, op.fd, POLLOUT);
        } else {
          ::io_uring_prep_connect(sqe, op.fd, static_cast<const ::sockaddr*>(op.addr),
                                  static_cast<socklen_t>(op.addrlen));
        }
        break;
      case io_kind::recv:
        ::io_uring_prep_recv(sqe, op.fd, op.buffer, op.length, op.flags);
        break;
      case io_kind::send:
        ::io_uring_prep_send(sqe, op.fd, op.buffer, op.length, op.flags | MSG_NOSIGNAL);
        break;
      case io_kind::recvmsg:
        ::io_uring_prep_recvmsg(sqe, op.fd, static_cast<::msghdr*>(op.msg),
                                static_cast<unsigned>(op.flags));
        break;
      case io_kind::sendmsg:
        ::io_uring_prep_sendmsg(sqe, op.fd, static_cast<const ::msghdr*>(op.msg),
                                static_cast<unsigned>(op.flags | MSG_NOSIGNAL));
        break;
      case io_kind::read:
        ::io_uring_prep_read(sqe, op.fd, op.buffer, static_cast<unsigned>(op.length), -1);
        break;
      case io_kind::write:
        ::io_uring_prep_write(sqe, op.fd, op.buffer, static_cast<unsigned>(op.length), -1);
        break;
    }
    ::io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uintptr_t>(&op));
    ++in_flight_;
  }

  bool cancel(io_operation& op) noexcept override {
    for (auto it = completed_.begin(); it != completed_.end(); ++it) {
      if (*it == &op) return false;  // reaped already: it comes back from the next poll
    }
    io_uring_sqe* sqe = get_sqe();
    if (sqe == nullptr) return false;  // it completes on its own in time
    ::io_uring_prep_cancel64(sqe, reinterpret_cast<std::uintptr_t>(&op), 0);
    ::io_uring_sqe_set_data64(sqe, ignore_tag);
    return false;
  }

  void abandon(io_operation& op) noexcept override {
    for (auto it = completed_.begin(); it != completed_.end(); ++it) {
      if (*it == &op) {
        completed_.erase(it);
        return;
      }
    }
    cancel(op);
    abandoning_ = &op;
    abandoned_done_ = false;
    while (!abandoned_done_) {
      const int e = ::io_uring_submit_and_wait(&ring_, 1);
      if (e < 0 && e != -EINTR && e != -ETIME) std::terminate();  // the kernel holds our memory
      reap();
    }
    abandoning_ = nullptr;
  }

  void attach(int) noexcept override {}
  void detach(int fd) noexcept override {
    // Whatever still waits on fd is cancelled; its completions come back from poll().
    if (in_flight_ == 0) return;
    io_uring_sqe* sqe = get_sqe();
    if (sqe == nullptr) return;
    ::io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
    ::io_uring_sqe_set_data64(sqe, ignore_tag);
    // Submitted now: the caller closes fd next, and a cancel by descriptor submitted after the
    // close finds no file (EBADF), leaving the operations in the ring for ever.
    ::io_uring_submit(&ring_);
  }

 private:
  static constexpr unsigned entries = 1024;

  [[noreturn]] static void fail(int error, const char* what) {
    throw event_loop_error(std::string(what) + ": " + std::strerror(error));
  }

  // The kernel writes an accepted peer's address length through this pointer, after submit
  // returned: it must live in the operation, and socklen_t is what io_operation::addrlen holds.
  static socklen_t& addrlen_of(io_operation& op) noexcept {
    static_assert(sizeof(socklen_t) == sizeof(unsigned));
    return *reinterpret_cast<socklen_t*>(&op.addrlen);
  }

  io_uring_sqe* get_sqe() noexcept {
    io_uring_sqe* sqe = ::io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
      ::io_uring_submit(&ring_);  // the queue is full: hand the batch over and take a new entry
      sqe = ::io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  void arm_wake() noexcept {
    io_uring_sqe* sqe = get_sqe();
    if (sqe == nullptr) return;
    ::io_uring_prep_read(sqe, wakefd_, &wake_value_, sizeof wake_value_, 0);
    ::io_uring_sqe_set_data64(sqe, wake_tag);
  }

  void reap() noexcept {
    io_uring_cqe* cqe;
    unsigned head;
    unsigned seen = 0;
    bool rearm_wake = false;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      ++seen;
      const std::uint64_t tag = ::io_uring_cqe_get_data64(cqe);
      if (tag == ignore_tag) continue;
      if (tag == wake_tag) {
        woken_ = true;
        rearm_wake = true;
        continue;
      }
      auto* op = reinterpret_cast<io_operation*>(static_cast<std::uintptr_t>(tag));
      --in_flight_;
      long r = cqe->res;
      if (op->kind == io_kind::poll_in || op->kind == io_kind::poll_out) {
        r = r < 0 ? r : 0;
      } else if (op->kind == io_kind::connect && op->progress == 1 && r >= 0) {
        r = perform_now(*op);  // writable: SO_ERROR says how the connect ended
        if (r == -EAGAIN) {    // not yet: wait again
          submit(*op);
          continue;
        }
      } else if (op->kind == io_kind::accept && r >= 0) {
        op->addrlen = static_cast<unsigned>(addrlen_of(*op));
      }
      if (op == abandoning_) {
        abandoned_done_ = true;
        continue;
      }
      complete(*op, r);
    }
    ::io_uring_cq_advance(&ring_, seen);
    if (rearm_wake) arm_wake();
  }

  void complete(io_operation& op, long result) noexcept {
    op.result = result;
    try {
      completed_.push_back(&op);
    } catch (const std::bad_alloc&) {
      std::terminate();  // losing a completion would hang its task forever
    }
  }

  io_uring ring_{};
  bool ring_ready_ = false;
  int wakefd_ = -1;
  std::uint64_t wake_value_ = 0;
  bool woken_ = false;
  std::size_t in_flight_ = 0;
  std::vector<io_operation*> completed_;
  io_operation* abandoning_ = nullptr;
  bool abandoned_done_ = false;
};

}  // namespace

std::unique_ptr<io_backend> make_io_uring_backend(std::string& why) {
  auto backend = std::make_unique<io_uring_backend>();
  if (const long e = backend->init(); e < 0) {
    why = std::string("io_uring_queue_init: ") + std::strerror(static_cast<int>(-e));
    return nullptr;
  }
  return backend;
}

}  // namespace braid::asyncio::detail
