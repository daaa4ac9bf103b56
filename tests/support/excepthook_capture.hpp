#pragma once
// Captures what reaches braid::threading's excepthook during one test, and restores the default.

#include <mutex>
#include <string>
#include <vector>

#include "braid/threading/current_thread.hpp"

namespace braid::test {

class excepthook_capture {
 public:
  struct report {
    std::string what;
    std::string where;
    std::string thread_name;
  };

  excepthook_capture() {
    threading::set_excepthook([this](const threading::excepthook_args& args) {
      report r{"", std::string(args.where), args.thread_name};
      try {
        std::rethrow_exception(args.exception);
      } catch (const std::exception& e) {
        r.what = e.what();
      } catch (...) {
        r.what = "?";
      }
      std::lock_guard lock(mutex_);
      reports_.push_back(std::move(r));
    });
  }
  ~excepthook_capture() { threading::set_excepthook({}); }

  std::vector<report> reports() const {
    std::lock_guard lock(mutex_);
    return reports_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<report> reports_;
};

}  // namespace braid::test
