// The proxy's event loop: libevent's, except that while saturated or on a busy stream it looks again before it sleeps.
#pragma once
#include <cstdint>

struct event_base;

namespace zkwire {

// What the loop did when it had nothing to do: for /metrics, and to see what looking costs and saves.
struct LoopStats {
  uint64_t sleeps = 0;          // turns free to sleep in epoll_wait (they did, unless bytes were there by then)
  uint64_t looks_found = 0;     // looks before sleeping that found bytes (a sleep and a wakeup saved)
  uint64_t looks_ran_out = 0;   // looks that found nothing and ended in a sleep after all
  uint64_t look_ns = 0;         // time spent looking
  uint64_t spins_found = 0;     // spins while saturated that found bytes after at least one empty look
  uint64_t spins_ran_out = 0;   // spins while saturated that found nothing (the loop then went on to sleep)
  uint64_t spins_gave_way = 0;  // spins that ended because the core was taken from them (then a sleep, too)
  uint64_t spin_ns = 0;         // time spent spinning
};

// Whether to spin before sleeping, and for how long. Only while saturated: the last turn that moved bytes served two
// callbacks or more, so several streams are in flight at once and the next bytes are most likely microseconds away.
// And only on credit that work earned: each callback that moved bytes buys `kCreditPerCallbackNs` of spinning, kept
// up to one window, so spins that find nothing cost at most that much per callback, however the load comes.
class SpinPolicy {
 public:
  static constexpr uint64_t kSaturatedCallbacks = 2;
  static constexpr int64_t kCreditPerCallbackNs = 500;
  // How long the loop may spin now.
  int64_t allowance() const { return saturated_ ? credit_ns_ : 0; }
  // A turn moved bytes through `callbacks` callbacks.
  void served(uint64_t callbacks, int64_t window_ns) {
    saturated_ = callbacks >= kSaturatedCallbacks;
    credit_ns_ = credit_ns_ + static_cast<int64_t>(callbacks) * kCreditPerCallbackNs;
    if (credit_ns_ > window_ns) credit_ns_ = window_ns;
  }
  // The loop spun for `ns`, and found bytes or not; what it found is then `served`.
  void spun(int64_t ns) {
    credit_ns_ = ns < credit_ns_ ? credit_ns_ - ns : 0;
    saturated_ = false;
  }

 private:
  bool saturated_ = false;
  int64_t credit_ns_ = 0;
};

// One spin, look by look: whether to look again, how it ended, and how long it spun.
enum class SpinEnd { found, ran_out, gave_way };
class Spin {
 public:
  // A look that takes this long is taken to have been preempted: another task wanted the core, and a spin that held
  // the core would take it from the very peers whose bytes it waits for, so the spin ends.
  static constexpr int64_t kGaveWayNs = 10'000;
  Spin(int64_t start_ns, int64_t allowance_ns)
      : start_ns_(start_ns), allowance_ns_(allowance_ns), until_ns_(start_ns) {}
  // A look began at `began_ns`, ended at `ended_ns` and found bytes or not: true to look again.
  bool looked(int64_t began_ns, int64_t ended_ns, bool found) {
    if (found) {
      end_ = SpinEnd::found;
      until_ns_ = began_ns;  // the look that found bytes did their work: that is not spinning
      return false;
    }
    until_ns_ = ended_ns;
    if (ended_ns - began_ns > kGaveWayNs) {
      end_ = SpinEnd::gave_way;
      return false;
    }
    return ended_ns - start_ns_ < allowance_ns_;  // ran out otherwise, as `end_` already says
  }
  SpinEnd end() const { return end_; }
  int64_t spun_ns() const { return until_ns_ - start_ns_; }

 private:
  int64_t start_ns_;
  int64_t allowance_ns_;
  int64_t until_ns_;
  SpinEnd end_ = SpinEnd::ran_out;
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
  const uint32_t* poll_before_sleep_us;    // the longest look before sleeping; 0: sleep at once, as libevent does
  const uint32_t* spin_when_saturated_us;  // the longest spin while saturated; 0: never spin
  LoopStats* stats;
};

// Runs `base` until event_base_loopexit or event_base_loopbreak, or until no event is left (event_base_dispatch's
// contract). While saturated (SpinPolicy), a turn that finds nothing is followed by non-blocking turns, without
// yielding the core, for up to `spin_when_saturated_us`. Then, or otherwise, the loop keeps looking, yielding the core
// between looks, for up to `poll_before_sleep_us` before it sleeps in epoll_wait. A look that runs out empty-handed
// stops the looking until a sleep ends soon again. A quiet proxy sleeps at once and spends nothing: with neither
// saturated nor looking, each turn is one turn of event_base_dispatch. Returns 0, or -1 on a libevent error.
int run_event_loop(event_base* base, LoopHooks hooks);

}  // namespace zkwire
