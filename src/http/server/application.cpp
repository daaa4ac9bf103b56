#include "braid/http/application.hpp"

#include "braid/error.hpp"
#include "braid/http/errors.hpp"

namespace braid::http {

namespace {
asyncio::task<response> status_response(int status, std::string allow) {
  response r = response::text(std::to_string(status) + ": " + reason_phrase(status), status);
  if (!allow.empty()) r.headers().set("Allow", std::move(allow));
  co_return r;
}
}  // namespace

application::application() = default;
application::~application() = default;

void application::add_middleware(middleware m) {
  if (frozen_) throw invalid_state_error("application: middlewares added after it started");
  middlewares_.push_back(std::move(m));
}

void application::freeze() {
  if (frozen_) return;
  // Route dispatch is the innermost link; each middleware wraps the chain built so far, so the
  // first added runs first. The links live in chain_ (stable addresses: `next` references them).
  handler current = [this](request& r) -> asyncio::task<response> {
    router::resolution res = router_.resolve(r);
    if (res.route) return (*res.route)(r);
    return status_response(res.status, std::move(res.allow));
  };
  for (auto it = middlewares_.rbegin(); it != middlewares_.rend(); ++it) {
    chain_.push_back(std::make_unique<handler>(std::move(current)));
    const handler* next = chain_.back().get();
    current = [mw = *it, next](request& r) { return mw(r, *next); };
  }
  entry_ = std::move(current);
  frozen_ = true;
}

}  // namespace braid::http
