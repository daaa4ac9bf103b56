// The `braid` command-line tool. Each subcommand is added by one add_<name>_command function;
// `fetch` and `serve` will join `compare` here.

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "compare.hpp"
#include "fetch.hpp"
#include "model.hpp"
#include "workload.hpp"

namespace {

template <class Registry>
std::vector<std::string> names_of(const Registry& registry) {
  std::vector<std::string> names;
  for (const auto& entry : registry) names.emplace_back(entry.name);
  return names;
}

void add_compare_command(CLI::App& app, braid::tool::compare_options& options, int& status) {
  auto* cmd = app.add_subcommand(
      "compare",
      "Run a CPU-bound and an I/O-bound workload sequentially, with a thread per task and on a "
      "thread pool; print wall time, CPU time, speedup and peak memory, and recommend a model");
  cmd->add_option("--tasks", options.work.tasks,
                  "Tasks per workload (default: 8 for cpu, 32 for io)")
      ->check(CLI::PositiveNumber);
  cmd->add_option_function<long>(
         "--io-latency",
         [&options](long ms) { options.work.io_latency = std::chrono::milliseconds(ms); },
         "Milliseconds each io task waits (default: 50)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--cpu-size", options.work.cpu_size,
                  "Each cpu task counts the primes below this number (default: 1000000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--workload,-w", options.workloads, "Run only this workload (repeatable)")
      ->check(CLI::IsMember(names_of(braid::tool::workload_registry())));
  cmd->add_option("--model,-m", options.models, "Run only this model (repeatable)")
      ->check(CLI::IsMember(names_of(braid::tool::model_registry())));
  cmd->add_option("--repeat", options.repeat, "Runs per pair; the median is shown")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options.json, "Print the results as JSON");
  cmd->add_option("--run-one", options.run_one, "Internal: run one pair, print JSON")
      ->expected(2)
      ->group("");
  cmd->callback([&options, &status] { status = braid::tool::run_compare(options); });
}

void add_fetch_command(CLI::App& app, braid::tool::fetch_options& options, int& status) {
  auto* cmd = app.add_subcommand(
      "fetch",
      "Fetch URLs concurrently (HTTP/1.1, keep-alive), retrying connection errors and 5xx, and "
      "print a summary: status counts, bytes, requests per second, latency percentiles");
  cmd->add_option("urls", options.urls, "URLs to fetch");
  cmd->add_option("-i,--input", options.input_file,
                  "Read URLs from FILE, one per line (- for stdin)");
  cmd->add_option("-c,--concurrency", options.concurrency, "Requests in flight at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--timeout", options.timeout_s,
                  "Seconds each attempt may take, body included (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--retries", options.retries,
                  "Further attempts after a connection error or a 5xx (back-off 0.1 s, doubling)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-o,--output", options.output_dir, "Save each body in DIR (named after the URL)");
  cmd->add_flag("--json", options.json, "Print the summary as one JSON object");
  cmd->add_flag("--insecure", options.insecure, "Do not verify TLS certificates");
  cmd->callback([&options, &status] { status = braid::tool::run_fetch(options); });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"braid: threads, processes and async/await for C++20"};
  app.name("braid");
  app.require_subcommand(1);
  int status = 0;
  braid::tool::compare_options compare;
  add_compare_command(app, compare, status);
  braid::tool::fetch_options fetch;
  add_fetch_command(app, fetch, status);
  if (argc <= 1) {
    std::cerr << app.help();
    return 1;
  }
  CLI11_PARSE(app, argc, argv);
  return status;
}
