// event, lock, semaphore, queues.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using log_t = std::vector<std::string>;

task<void> wait_event(event& e, log_t& log, std::string name) {
  co_await e.wait();
  log.push_back(name);
}

task<void> event_main(log_t& log) {
  event e;
  auto a = create_task(wait_event(e, log, "a"));
  auto b = create_task(wait_event(e, log, "b"));
  auto c = create_task(wait_event(e, log, "c"));
  co_await sleep(1ms);
  c.cancel();  // cancelled while waiting: leaves the queue
  e.set();
  co_await a;
  co_await b;
  bool cancelled = false;
  try {
    co_await c;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
}

TEST(Event, SetWakesWaitersInOrderAndCancelLeavesTheQueue) {
  virtual_clock clock;
  log_t log;
  run(event_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a", "b"}));
}

task<void> locked_section(lock& l, log_t& log, std::string name) {
  co_await l.acquire();
  log.push_back(name + " in");
  co_await sleep(10ms);
  log.push_back(name + " out");
  l.release();
}

task<void> lock_main(log_t& log) {
  lock l;
  auto a = create_task(locked_section(l, log, "a"));
  auto b = create_task(locked_section(l, log, "b"));
  auto c = create_task(locked_section(l, log, "c"));
  co_await sleep(1ms);
  b.cancel();  // waiting for the lock: never gets it
  co_await a;
  co_await c;
  try {
    co_await b;
  } catch (const cancelled_error&) {
    log.push_back("b cancelled");
  }
  EXPECT_FALSE(l.locked());
}

TEST(Lock, FifoAndCancellationWhileWaiting) {
  virtual_clock clock;
  log_t log;
  run(lock_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a in", "a out", "c in", "c out", "b cancelled"}));
}

task<void> take_lock_then_sleep(lock& l, log_t& log) {
  co_await l.acquire();  // handed the lock, then cancelled before it ran: keeps the lock
  log.push_back(l.locked() ? "b has the lock" : "b has no lock");
  try {
    co_await sleep(1ms);
  } catch (const cancelled_error&) {
    log.push_back("b cancelled at its next suspension point");
    l.release();
    throw;
  }
  l.release();
}

task<void> handed_lock_main(log_t& log) {
  lock l;
  co_await l.acquire();
  auto b = create_task(take_lock_then_sleep(l, log));
  co_await sleep(1ms);
  l.release();  // hands the lock to b...
  b.cancel();   // ...which is cancelled before it could run
  try {
    co_await b;
  } catch (const cancelled_error&) {
    log.push_back("b done");
  }
  EXPECT_FALSE(l.locked());  // not lost: b released it
  co_await l.acquire();
  l.release();
}

TEST(Lock, WaiterCancelledAfterBeingHandedTheLockKeepsIt) {
  virtual_clock clock;
  log_t log;
  run(handed_lock_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"b has the lock", "b cancelled at its next suspension point", "b done"}));
}

task<void> semaphore_main() {
  semaphore s(2);
  co_await s.acquire();
  co_await s.acquire();
  EXPECT_TRUE(s.locked());
  s.release();
  s.release();
  bounded_semaphore b(1);
  EXPECT_THROW(b.release(), invalid_state_error);
}

TEST(Semaphore, CountsAndBoundedThrows) {
  run(semaphore_main());
}

// --- scoped(): async with -------------------------------------------------------------------

task<void> guarded_section(lock& l, log_t& log, std::string name, bool fail) {
  auto held = co_await l.scoped();
  log.push_back(name + " in");
  co_await sleep(10ms);
  if (fail) throw std::runtime_error(name + " failed");
  log.push_back(name + " out");
}

task<void> scoped_lock_main(log_t& log) {
  lock l;
  auto a = create_task(guarded_section(l, log, "a", true));
  auto b = create_task(guarded_section(l, log, "b", false));
  auto c = create_task(guarded_section(l, log, "c", false));
  co_await sleep(1ms);
  c.cancel();  // waiting: gets neither the lock nor a guard
  try {
    co_await a;
  } catch (const std::runtime_error&) {
    log.push_back("a threw; its guard released");
  }
  co_await b;  // b was handed the lock when a's guard went
  try {
    co_await c;
  } catch (const cancelled_error&) {
    log.push_back("c cancelled");
  }
  EXPECT_FALSE(l.locked());
  auto g = co_await l.scoped();
  auto moved = std::move(g);
  EXPECT_FALSE(g.owns_lock());
  EXPECT_TRUE(moved.owns_lock());
  EXPECT_TRUE(l.locked());
  moved.reset();
  EXPECT_FALSE(l.locked());
  moved.reset();  // harmless
}

TEST(Lock, ScopedGuardReleasesOnExceptionAndIsMovable) {
  virtual_clock clock;
  log_t log;
  run(scoped_lock_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a in", "b in", "a threw; its guard released", "b out", "c cancelled"}));
}

task<void> handed_guard(lock& l, log_t& log) {
  auto held = co_await l.scoped();  // handed the lock, then cancelled before it ran
  log.push_back(held.owns_lock() ? "b has a guard" : "b has no guard");
  co_await sleep(1ms);  // cancelled_error here; the guard releases
}

task<void> handed_guard_main(log_t& log) {
  lock l;
  auto mine = co_await l.scoped();
  auto b = create_task(handed_guard(l, log));
  co_await sleep(1ms);
  mine.reset();  // hands the lock to b...
  b.cancel();    // ...which is cancelled before it could run
  try {
    co_await b;
  } catch (const cancelled_error&) {
    log.push_back("b cancelled");
  }
  EXPECT_FALSE(l.locked());  // not leaked
}

TEST(Lock, ScopedCancelledAfterTheHandOverStillReleases) {
  virtual_clock clock;
  log_t log;
  run(handed_guard_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"b has a guard", "b cancelled"}));
}

task<void> scoped_semaphore_main() {
  bounded_semaphore s(2);
  {
    auto one = co_await s.scoped();
    auto two = co_await s.scoped();
    EXPECT_TRUE(s.locked());
  }
  EXPECT_EQ(s.value(), 2u);
  EXPECT_THROW(s.release(), invalid_state_error);  // the guards gave back exactly two
}

TEST(Semaphore, ScopedGuardsReturnTheirUnits) {
  virtual_clock clock;
  run(scoped_semaphore_main(), {.clock = &clock});
}

task<void> producer(queue<int>& q, int n) {
  for (int i = 0; i < n; ++i) co_await q.put(i);
}

task<void> consumer(queue<int>& q, std::vector<int>& got, int n) {
  for (int i = 0; i < n; ++i) {
    int v = co_await q.get();
    got.push_back(v);
    q.task_done();
  }
}

task<void> queue_main(std::vector<int>& got) {
  queue<int> q(2);
  auto p = create_task(producer(q, 10));
  auto c = create_task(consumer(q, got, 10));
  co_await q.join();
  co_await p;
  co_await c;
  EXPECT_TRUE(q.empty());
}

TEST(Queue, BoundedProducerConsumerWithJoin) {
  std::vector<int> got;
  run(queue_main(got));
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

task<void> get_one(queue<int>& q, std::vector<int>& got) {
  int v = co_await q.get();
  got.push_back(v);
}

task<void> cancel_get_main(std::vector<int>& got) {
  queue<int> q;
  auto a = create_task(get_one(q, got));
  auto b = create_task(get_one(q, got));
  co_await sleep(1ms);
  a.cancel();  // parked in get(): takes nothing
  q.put_nowait(7);
  co_await b;
  try {
    co_await a;
  } catch (const cancelled_error&) {
  }
  EXPECT_TRUE(q.empty());
}

TEST(Queue, CancelledGetterLosesNoItem) {
  virtual_clock clock;
  std::vector<int> got;
  run(cancel_get_main(got), {.clock = &clock});
  EXPECT_EQ(got, (std::vector<int>{7}));
}

task<void> get_then_sleep(queue<int>& q, std::vector<int>& got) {
  int v = co_await q.get();  // woken for an item, then cancelled before it ran: takes it
  got.push_back(v);
  co_await sleep(1ms);  // the cancellation lands here
  got.push_back(-1);
}

task<void> handed_item_main(std::vector<int>& got) {
  queue<int> q;
  auto a = create_task(get_then_sleep(q, got));
  auto b = create_task(get_then_sleep(q, got));
  co_await sleep(1ms);
  q.put_nowait(7);  // wakes a
  a.cancel();       // before a ran
  q.put_nowait(8);  // wakes b
  b.cancel();
  for (auto* t : {&a, &b}) {
    try {
      co_await *t;
    } catch (const cancelled_error&) {
    }
  }
  EXPECT_TRUE(q.empty());
}

TEST(Queue, GetterCancelledAfterBeingWokenForAnItemTakesIt) {
  virtual_clock clock;
  std::vector<int> got;
  run(handed_item_main(got), {.clock = &clock});
  EXPECT_EQ(got, (std::vector<int>{7, 8}));  // no item lost, neither reached its -1
}

task<void> handed_slot_main() {
  queue<int> q(1);
  q.put_nowait(1);
  auto p = create_task(q.put(2));
  co_await sleep(1ms);
  int first = q.get_nowait();  // frees the slot and wakes the putter...
  p.cancel();                  // ...which is cancelled before it ran
  co_await p;                  // it still puts: the put completes without suspending again
  EXPECT_EQ(first, 1);
  EXPECT_EQ(q.qsize(), 1u);
  int second = q.get_nowait();
  EXPECT_EQ(second, 2);
}

TEST(Queue, PutterCancelledAfterBeingWokenForASlotPutsItsItem) {
  virtual_clock clock;
  run(handed_slot_main(), {.clock = &clock});
}

task<void> cancel_put_main() {
  queue<int> q(1);
  q.put_nowait(1);
  auto p = create_task(q.put(2));
  co_await sleep(1ms);
  p.cancel();
  try {
    co_await p;
  } catch (const cancelled_error&) {
  }
  EXPECT_EQ(q.qsize(), 1u);
  int v = q.get_nowait();
  EXPECT_EQ(v, 1);
}

TEST(Queue, CancelledPutAddsNothing) {
  virtual_clock clock;
  run(cancel_put_main(), {.clock = &clock});
}

task<void> get_one_log(queue<int>& q, log_t& log) {
  int v = co_await q.get();
  log.push_back("got " + std::to_string(v));
}

task<void> shutdown_main(log_t& log) {
  queue<int> q;
  q.put_nowait(1);
  q.put_nowait(2);
  auto g = create_task(get_one_log(q, log));
  co_await sleep(0s);
  q.shutdown(true);
  EXPECT_THROW(q.put_nowait(3), queue_shut_down);
  try {
    co_await q.get();
  } catch (const queue_shut_down&) {
    log.push_back("get after shutdown");
  }
  co_await g;
  q.task_done();      // item 1, taken before the shutdown, is processed
  co_await q.join();  // immediate shutdown counted the dropped item 2 done
}

TEST(Queue, ShutdownImmediate) {
  log_t log;
  run(shutdown_main(log));
  EXPECT_EQ(log, (log_t{"got 1", "get after shutdown"}));
}

// Regression: shutdown(immediate) set the unfinished count to zero instead of subtracting the
// items it dropped, so join() returned while an item taken before the shutdown was still being
// processed, and that item's task_done() then threw "called too many times" (Python 3.13
// subtracts).
task<void> process_one(queue<int>& q, event& processed, log_t& log) {
  int v = co_await q.get();
  co_await processed.wait();  // the item is being processed across the shutdown
  log.push_back("done " + std::to_string(v));
  q.task_done();
}

task<void> join_after(queue<int>& q, log_t& log) {
  co_await q.join();
  log.push_back("joined");
}

task<void> shutdown_keeps_taken_items_main(log_t& log) {
  queue<int> q;
  q.put_nowait(1);
  q.put_nowait(2);
  q.put_nowait(3);
  event processed;
  auto worker = create_task(process_one(q, processed, log));
  co_await sleep(0s);  // the worker took item 1
  EXPECT_EQ(q.qsize(), 2u);
  q.shutdown(true);  // drops items 2 and 3; item 1 is still unfinished
  EXPECT_EQ(q.qsize(), 0u);
  auto joiner = create_task(join_after(q, log));
  co_await sleep(0s);
  co_await sleep(0s);
  EXPECT_FALSE(joiner.done());  // join() waits for item 1
  processed.set();
  co_await worker;  // its task_done() must not throw
  co_await joiner;
  EXPECT_THROW(q.task_done(), invalid_state_error);  // every item is accounted for now
}

TEST(Queue, ShutdownImmediateSubtractsOnlyTheDroppedItems) {
  log_t log;
  run(shutdown_keeps_taken_items_main(log));
  EXPECT_EQ(log, (log_t{"done 1", "joined"}));
}

task<void> order_main() {
  priority_queue<int> pq;
  lifo_queue<int> lq;
  for (int v : {3, 1, 2}) {
    pq.put_nowait(v);
    lq.put_nowait(v);
  }
  std::vector<int> p, l;
  for (int i = 0; i < 3; ++i) {
    int a = co_await pq.get();
    int b = co_await lq.get();
    p.push_back(a);
    l.push_back(b);
  }
  EXPECT_EQ(p, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(l, (std::vector<int>{2, 1, 3}));
  EXPECT_THROW(pq.get_nowait(), queue_empty);
}

TEST(Queue, PriorityAndLifoOrder) {
  run(order_main());
}

}  // namespace
}  // namespace braid::asyncio
