#include "braid/asyncio/dns_error.hpp"

#include <ares.h>

namespace braid::asyncio {

namespace {
class ares_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "c-ares"; }
  std::string message(int status) const override { return ::ares_strerror(status); }
};
}  // namespace

const std::error_category& dns_category() noexcept {
  static const ares_category category;
  return category;
}

dns_error::dns_error(int ares_status, const std::string& host)
    : os_error(std::error_code(ares_status, dns_category()), "resolving '" + host + "'"),
      host_(host) {}

dns_error_kind dns_error::kind() const noexcept {
  switch (status()) {
    case ARES_ENOTFOUND:
    case ARES_ENONAME:
      return dns_error_kind::not_found;
    case ARES_ENODATA:
      return dns_error_kind::no_data;
    case ARES_ETIMEOUT:
      return dns_error_kind::timeout;
    case ARES_EREFUSED:
    case ARES_ECONNREFUSED:
      return dns_error_kind::refused;
    case ARES_ESERVFAIL:
    case ARES_EFORMERR:
    case ARES_EBADRESP:
    case ARES_ENOTIMP:
      return dns_error_kind::server_failure;
    case ARES_EBADNAME:
    case ARES_EBADSTR:
      return dns_error_kind::bad_name;
    case ARES_EBADFAMILY:
      return dns_error_kind::bad_family;
    default:
      return dns_error_kind::other;
  }
}

void detail::throw_dns_error(int ares_status, const std::string& host) {
  switch (ares_status) {
    case ARES_ENOTFOUND:
    case ARES_ENONAME:
    case ARES_ENODATA:
      throw dns_not_found_error(ares_status, host);
    case ARES_ETIMEOUT:
      throw dns_timeout_error(ares_status, host);
    default:
      throw dns_error(ares_status, host);
  }
}

}  // namespace braid::asyncio
