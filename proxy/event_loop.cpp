// The proxy's event loop: while saturated, or on a busy stream if asked, it looks again before sleeping.
//
// Why: a proxy that sleeps in epoll_wait has to be woken by whoever sends to it next. The wakeup costs the sender part
// of its send, and a core that went idle meanwhile (on a VM, a halted vCPU) takes tens of microseconds to come back.
// When the next bytes are a few microseconds away, looking again is cheaper.
//
// Two ways, for two loads. While saturated (the last turn that moved bytes served several sockets), the loop spins
// without yielding, on credit earned by work (SpinPolicy): on by default, as it costs little there. Measured with 8
// sessions of 16 requests in flight, three processes on two cores: about 2% more requests per second for 1% more CPU
// per request; with one request in flight the loop is never saturated and nothing changes; with 64 sessions of one,
// where the proxy itself is the bottleneck, perhaps 1-2% fewer (docs/benchmarks.md, the eleventh session's runs).
//
// After any empty turn, if the operator asks (poll_before_sleep_us), the loop looks for a while, yielding the core
// between looks so that a peer sharing it runs rather than waits behind the proxy; a look that runs out stops the
// looking until the stream is busy again. Measured with one request in flight: 1.6 times the requests per second
// for 1.4 times the CPU per request, a trade for the operator (haproxy's busy-polling is off by default too).
#include "proxy/event_loop.h"

#include <event2/event.h>
#include <sched.h>

#include <algorithm>

#include "proxy/clocks.h"

namespace zkwire {
namespace {

// One turn of the loop: true to stop the loop (exit, break, nothing left, or an error, which `status` then holds).
bool turn(event_base* base, int flags, int& status) {
  int rc = event_base_loop(base, flags);
  status = rc < 0 ? -1 : 0;
  return rc != 0 || event_base_got_exit(base) || event_base_got_break(base);
}

// Counts how a spin ended.
void count(LoopStats& stats, const Spin& spin) {
  switch (spin.end()) {
    case SpinEnd::found:
      ++stats.spins_found;
      break;
    case SpinEnd::ran_out:
      ++stats.spins_ran_out;
      break;
    case SpinEnd::gave_way:
      ++stats.spins_gave_way;
      break;
  }
  stats.spin_ns += static_cast<uint64_t>(spin.spun_ns());
}

}  // namespace

int run_event_loop(event_base* base, LoopHooks hooks) {
  LoopStats& stats = *hooks.stats;
  const uint64_t& callbacks = *hooks.io_callbacks;
  int status = 0;
  LookPolicy look_policy;
  SpinPolicy spin_policy;
  for (;;) {
    const int64_t look_window_ns = int64_t{*hooks.poll_before_sleep_us} * 1000;
    const int64_t spin_window_ns = int64_t{*hooks.spin_when_saturated_us} * 1000;
    const uint64_t before = callbacks;
    // Whether the turns since `before` moved bytes; if they did, the spin policy hears how many callbacks did.
    auto moved = [&] {
      if (callbacks == before) return false;
      spin_policy.served(callbacks - before, spin_window_ns);
      return true;
    };
    // Saturated: look again at once, and keep looking without yielding the core, so that the peers' next bytes find
    // the proxy awake, not asleep on a core that has to be woken.
    if (const int64_t allowance = std::min(spin_policy.allowance(), spin_window_ns); allowance > 0) {
      if (turn(base, EVLOOP_NONBLOCK, status)) return status;
      if (callbacks == before) {
        int64_t began = monotonic_ns();
        Spin spin(began, allowance);
        for (bool again = true; again;) {
          if (turn(base, EVLOOP_NONBLOCK, status)) return status;
          const int64_t ended = monotonic_ns();
          again = spin.looked(began, ended, callbacks != before);
          began = ended;
        }
        spin_policy.spun(spin.spun_ns());
        count(stats, spin);
      }
      if (moved()) continue;
    }
    if (look_window_ns == 0) {
      ++stats.sleeps;
      if (turn(base, EVLOOP_ONCE, status)) return status;  // one turn of event_base_dispatch
      moved();
      continue;
    }
    if (turn(base, EVLOOP_NONBLOCK, status)) return status;
    if (moved()) continue;
    if (look_policy.should_look()) {
      const int64_t start = monotonic_ns();
      int64_t now = start;
      while (callbacks == before && now - start < look_window_ns) {
        sched_yield();
        if (turn(base, EVLOOP_NONBLOCK, status)) return status;
        now = monotonic_ns();
      }
      stats.look_ns += static_cast<uint64_t>(now - start);
      if (moved()) {
        ++stats.looks_found;
        continue;
      }
      ++stats.looks_ran_out;
      look_policy.look_ran_out();
    }
    ++stats.sleeps;
    const int64_t slept_from = monotonic_ns();
    if (turn(base, EVLOOP_ONCE, status)) return status;
    look_policy.slept(monotonic_ns() - slept_from, moved(), look_window_ns);
  }
}

}  // namespace zkwire
