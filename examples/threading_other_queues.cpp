// braid::threading::lifo_queue, priority_queue and simple_queue.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   queue.LifoQueue(), queue.PriorityQueue(), queue.SimpleQueue()
//
// Expected output:
//     lifo: 2
//     priority: read
//     simple: 7
#include <braid/threading/lifo_queue.hpp>
#include <braid/threading/priority_queue.hpp>
#include <braid/threading/simple_queue.hpp>

#include <cstdio>
#include <string>
#include <utility>

int main() {
  namespace bt = braid::threading;
  bt::lifo_queue<int> stack;
  stack.put(1);
  stack.put(2);
  std::printf("lifo: %d\n", stack.get());

  bt::priority_queue<std::pair<int, std::string>> tasks;  // smallest first, like heapq
  tasks.put({2, "write"});
  tasks.put({1, "read"});
  std::printf("priority: %s\n", tasks.get().second.c_str());

  bt::simple_queue<int> simple;
  simple.put(7);
  std::printf("simple: %d\n", simple.get());
}
