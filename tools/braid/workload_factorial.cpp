// The factorial workload: the seed guides compute math.factorial(100000)-sized numbers in
// processes. Big-number arithmetic is GMP's (through its C++ interface), not ours.

#include <fmt/format.h>
#include <gmpxx.h>

#include "units.hpp"
#include "workload.hpp"

namespace braid::tool {
namespace {

constexpr std::size_t default_tasks = 8;
constexpr std::uint64_t default_n = 100'000;

/// (n + i)!, reduced to a number every model must agree on: its size in bits.
std::uint64_t factorial_bits(std::uint64_t n, std::uint64_t i) {
  mpz_class result;
  mpz_fac_ui(result.get_mpz_t(), static_cast<unsigned long>(n + i));
  return mpz_sizeinbase(result.get_mpz_t(), 2);
}

}  // namespace

workload make_factorial(const workload_options& options) {
  const std::size_t tasks = options.tasks != 0 ? options.tasks : default_tasks;
  const std::uint64_t n = options.factorial_n != 0 ? options.factorial_n : default_n;
  return {.name = "factorial",
          .kind = workload_kind::cpu,
          .description =
              fmt::format("{} tasks, task i computes ({} + i)! with GMP", tasks, with_thousands(n)),
          .tasks = tasks,
          .run_one = [n](std::size_t i) { return factorial_bits(n, i); },
          .run_one_remote = &factorial_bits,
          .remote_argument = n};
}

}  // namespace braid::tool
