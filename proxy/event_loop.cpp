// The proxy's event loop: on a busy stream it can look again for a moment before sleeping, instead of sleeping at once.
//
// Why: a proxy that sleeps in epoll_wait has to be woken by whoever sends to it next. The wakeup costs the sender part
// of its send, and a core that went idle meanwhile (on a VM, a halted vCPU) takes tens of microseconds to come back.
// When the next bytes are a few microseconds away, looking again is cheaper. Each look yields the core first, so a peer
// that shares it (often the very process whose bytes the proxy awaits) runs rather than waits behind the proxy.
// Looking costs CPU, so it is the operator's choice and off by default (haproxy's busy-polling is too, and never
// stops looking); here a look that runs out stops the looking until the stream is busy again. Measured on one client
// with one request in flight: 1.6 times the requests per second for 1.4 times the CPU per request; no change with
// many sessions or deep pipelines (docs/benchmarks.md, the tenth session's runs).
#include "proxy/event_loop.h"

#include <event2/event.h>
#include <sched.h>

#include "proxy/clocks.h"

namespace zkwire {
namespace {

// One turn of the loop: true to stop the loop (exit, break, nothing left, or an error, which `status` then holds).
bool turn(event_base* base, int flags, int& status) {
  int rc = event_base_loop(base, flags);
  status = rc < 0 ? -1 : 0;
  return rc != 0 || event_base_got_exit(base) || event_base_got_break(base);
}

}  // namespace

int run_event_loop(event_base* base, LoopHooks hooks) {
  LoopStats& stats = *hooks.stats;
  int status = 0;
  LookPolicy policy;
  for (;;) {
    const int64_t window_ns = int64_t{*hooks.poll_before_sleep_us} * 1000;
    if (window_ns == 0) {
      ++stats.sleeps;
      if (turn(base, EVLOOP_ONCE, status)) return status;  // one turn of event_base_dispatch
      continue;
    }
    const uint64_t before = *hooks.io_callbacks;
    if (turn(base, EVLOOP_NONBLOCK, status)) return status;
    if (*hooks.io_callbacks != before) continue;
    if (policy.should_look()) {
      const int64_t start = monotonic_ns();
      int64_t now = start;
      while (*hooks.io_callbacks == before && now - start < window_ns) {
        sched_yield();
        if (turn(base, EVLOOP_NONBLOCK, status)) return status;
        now = monotonic_ns();
      }
      stats.look_ns += static_cast<uint64_t>(now - start);
      if (*hooks.io_callbacks != before) {
        ++stats.looks_found;
        continue;
      }
      ++stats.looks_ran_out;
      policy.look_ran_out();
    }
    ++stats.sleeps;
    const int64_t slept_from = monotonic_ns();
    if (turn(base, EVLOOP_ONCE, status)) return status;
    policy.slept(monotonic_ns() - slept_from, *hooks.io_callbacks != before, window_ns);
  }
}

}  // namespace zkwire
