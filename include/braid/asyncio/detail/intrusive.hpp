#pragma once
/// \file
/// The intrusive building blocks of the event loop: things the loop can run (runnable), things
/// waiting in a FIFO (wait_node/wait_list), and things with a deadline (timer_node). None of them
/// allocates; each lives inside the object that waits (usually a coroutine frame).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace braid::asyncio::detail {

using time_point = std::chrono::steady_clock::time_point;

/// Something the loop's ready queue can run once. Loop-thread only.
class runnable {
 public:
  virtual void run() noexcept = 0;
  /// Called instead of run() when a closing loop drops it unrun (a call_soon callback releases
  /// the loop's reference). Tasks and awaiters never remain queued then: close() cancelled them.
  virtual void drop() noexcept {}
  runnable* next_run = nullptr;

 protected:
  runnable() = default;
  ~runnable() = default;
  runnable(const runnable&) = delete;
  runnable& operator=(const runnable&) = delete;
};

/// What an I/O operation does (see io_operation). Reads come first: is_read_kind() relies on it.
enum class io_kind : std::uint8_t {
  poll_in,   // wait until readable; result 0
  accept,    // accept4(fd, addr, &addrlen, NONBLOCK|CLOEXEC); result: the new fd
  recv,      // recv(fd, buffer, length, flags); result: bytes (0 at end of stream)
  recvmsg,   // recvmsg(fd, msg, flags)
  read,      // read(fd, buffer, length): pipes, character devices
  poll_out,  // wait until writable; result 0
  connect,   // connect(fd, addr, addrlen) to completion; result 0
  send,      // send(fd, buffer, length, flags | MSG_NOSIGNAL); result: bytes
  sendmsg,   // sendmsg(fd, msg, flags | MSG_NOSIGNAL)
  write,     // write(fd, buffer, length)
};
constexpr bool is_read_kind(io_kind k) noexcept {
  return k <= io_kind::read;
}

/// One I/O operation submitted to the loop's backend (event_loop::submit_io), living in the
/// awaiting frame until it completes: the epoll backend performs it with a non-blocking system
/// call once the descriptor is ready, the io_uring backend hands it to the kernel. run() is the
/// completion, with `result` set: the system call's return value, or -errno.
class io_operation : public runnable {
 public:
  io_kind kind = io_kind::poll_in;
  std::uint8_t progress = 0;  // backend state of a multi-step operation (a started connect)
  bool armed = false;         // submitted and not yet completed (the loop keeps it)
  int fd = -1;
  int flags = 0;
  void* buffer = nullptr;  // recv/read target, send/write source
  std::size_t length = 0;
  void* msg = nullptr;   // a ::msghdr for recvmsg/sendmsg
  void* addr = nullptr;  // accept: filled in; connect: the peer
  unsigned addrlen = 0;  // accept: capacity in, length out; connect: the length
  long result = 0;
  io_operation* next_op = nullptr;  // the backend's queue of operations on one descriptor

 protected:
  io_operation() = default;
  ~io_operation() = default;
};

/// A node in a wait_list. wake() is called by the list's owner after it unlinked the node.
class wait_node {
 public:
  virtual void wake() noexcept = 0;
  bool linked() const noexcept { return linked_; }

 protected:
  wait_node() = default;
  ~wait_node() = default;
  wait_node(const wait_node&) = delete;
  wait_node& operator=(const wait_node&) = delete;

 private:
  friend class wait_list;
  wait_node* prev_ = nullptr;
  wait_node* next_ = nullptr;
  bool linked_ = false;
};

/// A FIFO of wait_nodes: O(1) push, pop and erase, in one word (a circular list: the tail is
/// the head's prev), because one is kept per task and tasks are kept by the million.
/// Loop-thread only.
class wait_list {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  wait_node* front() const noexcept { return head_; }
  void push_back(wait_node& n) noexcept {
    n.linked_ = true;
    if (!head_) {
      n.prev_ = n.next_ = &n;
      head_ = &n;
      return;
    }
    wait_node* tail = head_->prev_;
    n.prev_ = tail;
    n.next_ = head_;
    tail->next_ = &n;
    head_->prev_ = &n;
  }
  void erase(wait_node& n) noexcept {
    if (!n.linked_) return;
    if (n.next_ == &n) {
      head_ = nullptr;
    } else {
      n.prev_->next_ = n.next_;
      n.next_->prev_ = n.prev_;
      if (head_ == &n) head_ = n.next_;
    }
    n.prev_ = n.next_ = nullptr;
    n.linked_ = false;
  }
  wait_node* pop_front() noexcept {
    wait_node* n = head_;
    if (n) erase(*n);
    return n;
  }
  /// Unlinks every node, then wakes each in FIFO order.
  void wake_all() noexcept {
    while (wait_node* n = pop_front()) n->wake();
  }
  /// Unlinks and wakes the first node; false if there was none.
  bool wake_one() noexcept {
    wait_node* n = pop_front();
    if (!n) return false;
    n->wake();
    return true;
  }

 private:
  wait_node* head_ = nullptr;
};

/// Something with a deadline in the loop's timer heap. fire() runs on the loop thread after the
/// heap removed the node.
class timer_node {
 public:
  static constexpr std::uint32_t npos = 0xffffffffu;
  virtual void fire() noexcept = 0;
  /// Called instead of fire() when a closing loop drops the timer (see runnable::drop).
  virtual void drop() noexcept {}
  bool armed() const noexcept { return index != npos; }

  time_point deadline{};
  std::uint32_t seq = 0;       // FIFO order among equal deadlines (wraps; see timer_heap)
  std::uint32_t index = npos;  // position in the heap: O(log n) cancel

 protected:
  timer_node() = default;
  ~timer_node() = default;
  timer_node(const timer_node&) = delete;
  timer_node& operator=(const timer_node&) = delete;
};

}  // namespace braid::asyncio::detail
