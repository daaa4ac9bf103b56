#pragma once
/// \file
/// `braid fetch`: fetches many URLs concurrently with braid::http's client_session, retrying
/// connection errors and 5xx with exponential back-off, optionally saving bodies, and prints a
/// summary (text, or one JSON object with --json).

#include <string>
#include <vector>

namespace braid::tool {

/// The command line of `braid fetch`.
struct fetch_options {
  std::vector<std::string> urls;
  std::string input_file;  ///< -i: one URL per line (blank lines and '#' comments skipped)
  int concurrency = 10;    ///< -c: requests in flight at once
  double timeout_s = 30;   ///< --timeout: deadline of each attempt, body included
  int retries = 2;         ///< --retries: further attempts after a retryable failure
  std::string output_dir;  ///< -o: save each body there
  bool json = false;
  bool insecure = false;  ///< --insecure: do not verify TLS certificates
};

/// The file name a body from `url_path` is saved under in a directory where `taken` names
/// exist already: the last path segment, percent-decoded, stripped of anything that could leave
/// the directory ('/', '\\', NUL, a leading '.'), "index" when nothing is left, made unique by a
/// "-N" before the extension. Never throws but std::bad_alloc.
std::string output_name(const std::string& url_path, const std::vector<std::string>& taken);

/// Whether a failure of this kind (or a response with this status) is worth another attempt:
/// connect, dns, reset, timeout, truncated_body, and 5xx statuses.
bool retryable(const std::string& error_kind, int status) noexcept;

/// The whole subcommand. Returns the exit status: 0 when every URL succeeded, 1 otherwise
/// (status >= 400 after the retries counts as failed, kind `status`), 2 for bad arguments.
int run_fetch(const fetch_options& options);

}  // namespace braid::tool
