// The proxy's event loop: libevent's, except that on a busy stream it looks again for a moment before it sleeps.
#pragma once
#include <cstdint>

struct event_base;

namespace zkwire {

// What the loop did when it had nothing to do: for /metrics, and to see what looking costs and saves.
struct LoopStats {
  uint64_t sleeps = 0;         // turns free to sleep in epoll_wait (they did, unless bytes were there by then)
  uint64_t looks_found = 0;    // looks before sleeping that found bytes (a sleep and a wakeup saved)
  uint64_t looks_ran_out = 0;  // looks that found nothing and ended in a sleep after all
  uint64_t look_ns = 0;        // time spent looking
};

// Whether to look before sleeping: yes until a look runs out empty-handed, then no until a sleep that bytes ended
// within `kBusyAgainFactor` looks' length (the stream is busy again). On a VM a sleep also holds the time the core took
// to come back from idle, so "soon" is longer than one look.
class LookPolicy {
 public:
  static constexpr int64_t kBusyAgainFactor = 4;
  bool should_look() const { return looking_; }
  void look_ran_out() { looking_ = false; }
  void slept(int64_t slept_ns, bool bytes_came, int64_t window_ns) {
    if (bytes_came && slept_ns <= kBusyAgainFactor * window_ns) looking_ = true;
  }

 private:
  bool looking_ = true;
};

// What the loop reads each time it has nothing to do, and where it counts. They live in the proxy, so a reload takes
// effect at once.
struct LoopHooks {
  const uint64_t* io_callbacks;  // counts the callbacks that moved bytes: unchanged over a turn means it found nothing
  const uint32_t* poll_before_sleep_us;  // the longest look before sleeping; 0: sleep at once, as libevent does
  LoopStats* stats;
};

// Runs `base` until event_base_loopexit or event_base_loopbreak, or until no event is left (event_base_dispatch's
// contract). When a turn finds nothing to do, the loop keeps looking, yielding the core between looks, for up to
// `poll_before_sleep_us` before it sleeps in epoll_wait. A look that runs out empty-handed stops the looking until a
// sleep ends soon again, so a quiet proxy sleeps at once and spends nothing. Returns 0, or -1 on a libevent error.
int run_event_loop(event_base* base, LoopHooks hooks);

}  // namespace zkwire
