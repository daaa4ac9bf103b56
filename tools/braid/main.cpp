// The `braid` command-line tool. Each subcommand is added by one add_<name>_command function;
// `fetch` and `serve` will join `compare` here.

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "compare.hpp"
#include "fetch.hpp"
#include "model.hpp"
#include "serve.hpp"
#include "trace_view.hpp"
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
  cmd->add_option("--factorial-n", options.work.factorial_n,
                  "The factorial workload's task i computes (N + i)! (default: 100000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--file-size", options.work.file_size_kib,
                  "KiB per file of the files workload (default: 2048)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--workload,-w", options.workloads, "Run only this workload (repeatable)")
      ->check(CLI::IsMember(names_of(braid::tool::workload_registry())));
  cmd->add_option("--model,-m", options.models, "Run only this model (repeatable)")
      ->check(CLI::IsMember(names_of(braid::tool::model_registry())));
  cmd->add_option("--repeat", options.repeat, "Runs per pair; the median is shown")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options.json, "Print the results as JSON");
  cmd->add_option("--report", options.report_file,
                  "Write a self-contained HTML report with charts and timelines to this file");
  cmd->add_option("--svg", options.svg_dir,
                  "Write the report's charts as SVG files into this directory");
  cmd->add_option("--trace", options.trace_file,
                  "Trace each pair's first run into this Chrome trace-event JSON file (Perfetto)");
  cmd->add_option("--sweep", options.sweep,
                  "Run everything once per value of a parameter: tasks=1,10,100 (also io-latency, "
                  "cpu-size)");
  cmd->add_option("--child-trace", options.child_trace, "Internal: trace this run into a file")
      ->group("");
  cmd->add_option("--run-one", options.run_one, "Internal: run one pair, print JSON")
      ->expected(2)
      ->group("");
  cmd->callback([&options, &status] { status = braid::tool::run_compare(options); });
}

void add_trace_command(CLI::App& app, braid::tool::trace_options& options, int& status) {
  auto* cmd = app.add_subcommand(
      "trace",
      "Draw a Chrome trace-event file (braid::trace's or braid compare --trace's) as a "
      "timeline: one lane per thread and worker process");
  cmd->add_option("file", options.input, "The trace file (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", options.output, "Output .svg or .html (default: FILE with .svg)");
  cmd->callback([&options, &status] { status = braid::tool::run_trace(options); });
}

void add_serve_command(CLI::App& app, braid::tool::serve_options& options, int& status) {
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve /plaintext, /json, /delay/MS, /bytes/N, /status/CODE (and --root's files) over "
      "HTTP/1.1 until SIGINT or SIGTERM; the first line printed is the address");
  cmd->add_option("--bind", options.bind, "HOST:PORT to listen on (port 0: a free one)")
      ->capture_default_str();
  cmd->add_option("--root", options.root, "Serve the files under this directory at /")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--threads", options.threads,
                  "Event loops, each on its own thread (SO_REUSEPORT)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--access-log", options.access_log, "Log each request to stderr");
  cmd->callback([&options, &status] { status = braid::tool::run_serve(options); });
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
  braid::tool::trace_options trace;
  add_trace_command(app, trace, status);
  braid::tool::serve_options serve;
  add_serve_command(app, serve, status);
  braid::tool::fetch_options fetch;
  add_fetch_command(app, fetch, status);
  if (argc <= 1) {
    std::cerr << app.help();
    return 1;
  }
  CLI11_PARSE(app, argc, argv);
  return status;
}
