#include "braid/asyncio/net_errors.hpp"

#include <cerrno>

namespace braid::asyncio {

namespace {
std::string describe(const std::string& operation, const socket_address& peer) {
  if (peer.family() == address_family::unspecified) return operation;
  return operation + " " + peer.to_string();
}
}  // namespace

connection_error::connection_error(int errno_value, const std::string& operation,
                                   const socket_address& peer)
    : os_error(errno_value, describe(operation, peer)), address_(peer) {}

void throw_connection_error(int e, const std::string& operation, const socket_address& peer) {
  switch (e) {
    case ECONNREFUSED:
      throw connection_refused_error(e, operation, peer);
    case ECONNRESET:
      throw connection_reset_error(e, operation, peer);
    case ECONNABORTED:
      throw connection_aborted_error(e, operation, peer);
    case EPIPE:
      throw broken_pipe_error(e, operation, peer);
    case ENETUNREACH:
    case EHOSTUNREACH:
      throw unreachable_error(e, operation, peer);
    case ETIMEDOUT:
      throw connection_timeout_error(e, operation, peer);
    default:
      throw connection_error(e, operation, peer);
  }
}

incomplete_read_error::incomplete_read_error(std::string partial, std::size_t expected)
    : braid::error(std::to_string(partial.size()) + " bytes read on a total of " +
                   (expected ? std::to_string(expected) : std::string("undefined")) +
                   " expected bytes"),
      partial_(std::move(partial)),
      expected_(expected) {}

}  // namespace braid::asyncio
