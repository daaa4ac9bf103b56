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

/// (n + i)! in decimal, as the guide's `print(f"Results: {results}")` makes it (the conversion
/// costs more than the product); returns its number of digits, which every model must agree on.
std::uint64_t factorial_digits(std::uint64_t n, std::uint64_t i) {
  mpz_class result;
  mpz_fac_ui(result.get_mpz_t(), static_cast<unsigned long>(n + i));
  return result.get_str().size();
}

}  // namespace

workload make_factorial(const workload_options& options) {
  const std::size_t tasks = options.tasks != 0 ? options.tasks : default_tasks;
  const std::uint64_t n = options.factorial_n != 0 ? options.factorial_n : default_n;
  return {.name = "factorial",
          .kind = workload_kind::cpu,
          .description =
              fmt::format("{} tasks, task i computes ({} + i)! with GMP and writes it in decimal",
                          tasks, with_thousands(n)),
          .tasks = tasks,
          .run_one = [n](std::size_t i) { return factorial_digits(n, i); },
          .run_one_remote = &factorial_digits,
          .remote_argument = n};
}

}  // namespace braid::tool
