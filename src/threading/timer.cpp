// braid::threading::timer: the thread body waits on the shared `finished` event.
#include "braid/threading/timer.hpp"

namespace braid::threading {
namespace {

struct timer_body final : detail::thread_body {
  timer_body(std::shared_ptr<event> finished, std::chrono::nanoseconds interval,
             std::unique_ptr<detail::thread_body> function)
      : finished(std::move(finished)), interval(interval), function(std::move(function)) {}

  void run() override {
    finished->wait(interval);
    try {
      if (!finished->is_set()) function->run();
    } catch (...) {
      finished->set();
      throw;  // to the excepthook, as for any thread body
    }
    finished->set();
  }

  std::shared_ptr<event> finished;
  std::chrono::nanoseconds interval;
  std::unique_ptr<detail::thread_body> function;
};

}  // namespace

timer::timer(std::shared_ptr<event> finished, thread_options options,
             std::chrono::nanoseconds interval, std::unique_ptr<detail::thread_body> function)
    : thread(std::move(options),
             std::make_unique<timer_body>(finished, interval, std::move(function))),
      finished_(std::move(finished)) {}

}  // namespace braid::threading
