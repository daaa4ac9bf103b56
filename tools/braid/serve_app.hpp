#pragma once
// The endpoints of `braid serve`, also started in-process by `braid compare`, the benchmarks
// and the examples: /plaintext, /json, /delay/MS, /bytes/N, /status/CODE, and the files under
// a root directory when one is given.

#include <string>

#include "braid/http/application.hpp"

namespace braid::tool {

/// Largest /bytes/N answered (400 beyond).
inline constexpr unsigned long long serve_max_bytes = 100ull * 1024 * 1024;

/// Adds the demo endpoints to `app`; `root` non-empty also serves that directory at "/".
/// Throws value_error if `root` is not a directory.
void add_demo_routes(http::application& app, const std::string& root);

}  // namespace braid::tool
