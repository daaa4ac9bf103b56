#include "machine.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

#include "braid/futures/thread_pool_executor.hpp"

namespace braid::tool {

void describe_machine(machine_facts& facts) {
  facts.cores = std::max(1u, std::thread::hardware_concurrency());
  facts.pool_max_workers = futures::thread_pool_executor::default_max_workers();
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      facts.cpu_model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.starts_with("MemTotal:")) {
      facts.memory_kib = std::stoll(line.substr(9));
      break;
    }
  }
  utsname u{};
  if (::uname(&u) == 0) facts.kernel = std::string(u.sysname) + " " + u.release;
}

}  // namespace braid::tool
