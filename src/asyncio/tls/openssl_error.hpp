#pragma once
// Turning OpenSSL's thread-local error queue into braid's errors. Private to src/asyncio.

#include <string>

namespace braid::asyncio::detail {

/// Throws ssl_error for the oldest error on this thread's OpenSSL queue, and empties the queue.
[[noreturn]] void throw_openssl_error(const std::string& operation);

}  // namespace braid::asyncio::detail
