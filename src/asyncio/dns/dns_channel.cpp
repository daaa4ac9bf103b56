#include "dns/dns_channel.hpp"

#include <ares.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <mutex>

#include "braid/asyncio/dns_error.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/fd_wait.hpp"
#include "braid/asyncio/sleep.hpp"
#include "braid/asyncio/task_handle.hpp"

namespace braid::asyncio::detail {

namespace {
void init_library() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ::ares_library_init(ARES_LIB_INIT_ALL); });
  if (status != ARES_SUCCESS) throw dns_error(status, "(c-ares library initialisation)");
}

std::string servers_csv(const std::vector<std::string>& servers) {
  std::string csv;
  for (const auto& s : servers) {
    if (!csv.empty()) csv += ',';
    csv += s;
  }
  return csv;
}

/// The canonical name: follow the CNAME chain from the name c-ares reports.
std::string canonical_name(const ares_addrinfo* res) {
  std::string name = res->name ? res->name : "";
  for (const ares_addrinfo_cname* c = res->cnames; c; c = c->next) {
    if (c->alias && c->name && name == c->alias) name = c->name;
  }
  return name;
}
}  // namespace

// --- The lookup's awaitable ----------------------------------------------------------------

dns_lookup_operation::~dns_lookup_operation() {
  // Only if the frame goes while c-ares still has the query (a task never does that: it is
  // resumed by cancellation first). The callback then frees the record.
  if (record_ && !done_ && record_->op == this) {
    record_->op = nullptr;
    channel_->abandon();
  }
}

bool dns_lookup_operation::await_suspend(std::coroutine_handle<> h) {
  task_ = &running_task_or_throw("asyncio::resolve");
  if (task_->take_cancel()) {  // cancelled before anything was sent
    cancelled_ = true;
    return false;
  }
  record_ = new dns_query_record{channel_, this};
  try {
    channel_->start(name_, family_, *record_);
  } catch (...) {
    delete record_;
    record_ = nullptr;
    throw;
  }
  if (done_) return false;  // answered at once (/etc/hosts, a bad name...)
  if (!task_->suspend(*this, h)) {
    // Cannot happen after take_cancel() above unless cancelled in between, which is not
    // possible on one thread; handled anyway.
    cancel();
    return false;
  }
  suspended_ = true;
  return true;
}

void dns_lookup_operation::await_resume() {
  // Whichever way this lookup ended, it may have been the last one waited for while abandoned
  // ones linger: end those now (from the task, not from inside a c-ares callback).
  channel_->reap_abandoned();
  if (cancelled_) throw cancelled_error();
}

bool dns_lookup_operation::cancel() noexcept {
  if (done_) return false;  // the answer is in: the task is already scheduled
  record_->op = nullptr;
  record_ = nullptr;
  channel_->abandon();
  cancelled_ = true;
  done_ = true;
  if (suspended_) task_->wake();
  return true;
}

void dns_lookup_operation::complete(int status, const ares_addrinfo* res) noexcept {
  done_ = true;
  record_ = nullptr;
  status_ = status;
  if (status == ARES_SUCCESS) {
    try {
      int ttl = INT_MAX;
      for (const ares_addrinfo_node* n = res ? res->nodes : nullptr; n; n = n->ai_next) {
        if (n->ai_family != AF_INET && n->ai_family != AF_INET6) continue;
        auto a = socket_address::from_sockaddr(n->ai_addr, static_cast<unsigned>(n->ai_addrlen))
                     .with_port(0);
        ttl = std::min(ttl, n->ai_ttl);
        auto& v = answer_.addresses;
        if (std::find(v.begin(), v.end(), a) == v.end()) v.push_back(a);
      }
      if (answer_.addresses.empty()) {
        status_ = ARES_ENODATA;
      } else {
        ttl_ = ttl < 0 ? 0 : ttl;
        answer_.canonical_name = canonical_name(res);
      }
    } catch (...) {
      status_ = ARES_ENOMEM;
    }
  }
  if (suspended_) task_->wake();
}

// --- The channel ---------------------------------------------------------------------------

dns_channel::dns_channel(event_loop& loop, const dns_channel_config& config)
    : loop_(&loop), config_(config) {
  init_library();
  ares_options o{};
  int mask = ARES_OPT_SOCK_STATE_CB;
  o.sock_state_cb = &dns_channel::on_sock_state;
  o.sock_state_cb_data = this;
  if (config.timeout_ms > 0) {
    mask |= ARES_OPT_TIMEOUTMS;
    o.timeout = config.timeout_ms;
  }
  if (config.tries > 0) {
    mask |= ARES_OPT_TRIES;
    o.tries = config.tries;
  }
  std::vector<char*> domains;
  if (config.search_domains) {
    mask |= ARES_OPT_DOMAINS;
    for (const auto& d : *config.search_domains) domains.push_back(const_cast<char*>(d.c_str()));
    o.domains = domains.data();
    o.ndomains = static_cast<int>(domains.size());
  }
  int status = ::ares_init_options(&ares_, &o, mask);  // c-ares copies what it keeps
  if (status != ARES_SUCCESS) throw dns_error(status, "(c-ares channel)");
  if (!config.servers.empty()) {
    const std::string csv = servers_csv(config.servers);
    status = ::ares_set_servers_ports_csv(ares_, csv.c_str());
    if (status != ARES_SUCCESS) {
      ::ares_destroy(ares_);
      throw dns_error(status, "(name servers '" + csv + "')");
    }
  }
}

dns_channel::~dns_channel() {
  destroying_ = true;  // the socket callbacks c-ares makes now must not start tasks
  ::ares_destroy(ares_);
  for (auto& [fd, d] : drivers_) stop_driver(*d);  // their tasks have finished already
  drivers_.clear();
}

void dns_channel::start(const std::string& name, int family, dns_query_record& record) {
  ++outstanding_;
  ++live_;
  ares_addrinfo_hints hints{};
  hints.ai_family = family;
  hints.ai_flags = ARES_AI_CANONNAME;
  // May call back before returning (/etc/hosts, a malformed name): then no timer is needed.
  ::ares_getaddrinfo(ares_, name.c_str(), nullptr, &hints, &dns_channel::on_addrinfo, &record);
  // c-ares times its retries on real time. On a virtual clock a sleep would make the loop jump
  // ahead at once, over and over, until the answer came: no timer there (see resolve.hpp).
  if (outstanding_ == 0 || timer_ || loop_->clock().is_virtual()) return;
  try {
    timer_ = loop_->create_task(drive_timeouts(this, ++timer_generation_), "braid dns timeouts");
  } catch (...) {
    // Out of memory: without a timer a lost answer would be waited for forever, so end the
    // channel's queries now (each lookup reports ARES_ECANCELLED).
    ::ares_cancel(ares_);
  }
}

void dns_channel::on_addrinfo(void* arg, int status, int, ares_addrinfo* res) noexcept {
  auto* record = static_cast<dns_query_record*>(arg);
  dns_channel* self = record->channel;
  if (record->op) {
    --self->live_;
    record->op->complete(status, res);
  }
  delete record;
  if (res) ::ares_freeaddrinfo(res);
  self->finished_one();
}

void dns_channel::finished_one() noexcept {
  if (--outstanding_ != 0 || destroying_) return;
  // Nothing left to time out: the timer task goes (a new lookup starts another).
  if (timer_) timer_.cancel();
  timer_ = {};
  ++timer_generation_;
}

void dns_channel::reap_abandoned() noexcept {
  // ares_cancel calls every callback (ARES_ECANCELLED) before returning; they only free records.
  if (live_ == 0 && outstanding_ != 0) ::ares_cancel(ares_);
}

void dns_channel::on_sock_state(void* self, int fd, int readable, int writable) noexcept {
  static_cast<dns_channel*>(self)->sock_state(fd, readable != 0, writable != 0);
}

void dns_channel::sock_state(int fd, bool read, bool write) noexcept {
  if (destroying_) return;
  auto it = drivers_.find(fd);
  if (!read && !write) {  // c-ares is about to close fd: stop watching it first
    if (it == drivers_.end()) return;
    stop_driver(*it->second);  // a wait in progress is removed from the loop at once
    drivers_.erase(it);
    return;
  }
  if (it == drivers_.end()) {
    start_driver(fd, read, write);
    return;
  }
  fd_driver& d = *it->second;
  d.read = read;
  d.write = write;
  // A driver waiting in the direction it now needs, or running (it picks the direction when it
  // next waits), carries on. One waiting for read when c-ares now wants to write is replaced:
  // its wait is withdrawn at once, so the new driver's wait is the only one on fd.
  if (!d.waiting || d.waiting_write == write) return;
  stop_driver(d);
  drivers_.erase(it);
  start_driver(fd, read, write);
}

void dns_channel::stop_driver(fd_driver& d) noexcept {
  d.stopped = true;
  // The task's frame holds `d`: dropping the handle here breaks that cycle.
  task_handle<void> t = std::move(d.task);
  t.cancel();
}

void dns_channel::start_driver(int fd, bool read, bool write) noexcept {
  try {
    auto d = std::make_shared<fd_driver>(fd_driver{fd, read, write});
    drivers_[fd] = d;
    d->task = loop_->create_task(drive_fd(this, d), "braid dns socket");
  } catch (...) {
    // Out of memory: fd is not watched; its queries end at their timeout instead.
    drivers_.erase(fd);
  }
}

task<void> dns_channel::drive_fd(dns_channel* self, std::shared_ptr<fd_driver> d) {
  while (!d->stopped) {
    d->waiting = true;
    d->waiting_write = d->write;
    if (d->write) {
      co_await wait_writable(d->fd);
    } else {
      co_await wait_readable(d->fd);
    }
    d->waiting = false;
    if (d->stopped) break;  // replaced while its readiness was already queued
    // Reading when only writability was reported is harmless: c-ares's sockets are
    // non-blocking and it takes EAGAIN as "nothing yet".
    ::ares_process_fd(self->ares_, d->read ? d->fd : ARES_SOCKET_BAD,
                      d->write ? d->fd : ARES_SOCKET_BAD);
  }
}

task<void> dns_channel::drive_timeouts(dns_channel* self, unsigned generation) {
  while (self->timer_generation_ == generation && self->outstanding_ != 0) {
    timeval tv{};
    const timeval* next = ::ares_timeout(self->ares_, nullptr, &tv);
    auto delay = next ? std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec)
                      : std::chrono::microseconds(std::chrono::seconds(1));
    co_await sleep(delay);
    ::ares_process_fd(self->ares_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts only
  }
}

}  // namespace braid::asyncio::detail
