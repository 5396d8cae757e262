// The proxy's event loop: what event_base_dispatch does (I/O, timers, loopexit) whatever poll_before_sleep_us and
// spin_when_saturated_us say, looking before sleeping only while the stream is busy, spinning only while saturated.
#include "proxy/event_loop.h"

#include <event2/event.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>

namespace zkwire {
namespace {

using std::chrono::microseconds;
using std::chrono::steady_clock;

// A socketpair with the loop reading one end: what arrives is kept, and every read counts as I/O for the loop.
struct Reader {
  event_base* base = event_base_new();
  int fds[2] = {-1, -1};
  event* readable = nullptr;
  uint64_t io_callbacks = 0;
  uint32_t poll_us = 0;
  uint32_t spin_us = 0;
  LoopStats stats;
  std::string received;
  std::atomic<size_t> read_count{0};  // received.size(), for a peer thread
  size_t stop_after = 0;              // exit the loop once this many bytes have arrived (0: never)

  explicit Reader(uint32_t poll_before_sleep_us, uint32_t spin_when_saturated_us = 0)
      : poll_us(poll_before_sleep_us), spin_us(spin_when_saturated_us) {
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds);
    readable = event_new(base, fds[0], EV_READ | EV_PERSIST, on_readable, this);
    event_add(readable, nullptr);
  }
  ~Reader() {
    event_free(readable);
    close(fds[0]);
    close(fds[1]);
    event_base_free(base);
  }
  static void on_readable(evutil_socket_t fd, short, void* arg) {
    auto* self = static_cast<Reader*>(arg);
    ++self->io_callbacks;
    char chunk[256];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) self->received.append(chunk, static_cast<size_t>(n));
    self->read_count.store(self->received.size());
    if (self->stop_after != 0 && self->received.size() >= self->stop_after) event_base_loopexit(self->base, nullptr);
  }
  int run() { return run_event_loop(base, {&io_callbacks, &poll_us, &spin_us, &stats}); }
  // Runs `f` once, `ms` from now, from the loop itself.
  template <class F>
  void after(int ms, F f) {
    auto* call = new F(std::move(f));
    timeval delay{0, ms * 1000};
    event_base_once(
        base, -1, EV_TIMEOUT,
        [](evutil_socket_t, short, void* arg) {
          auto* g = static_cast<F*>(arg);
          (*g)();
          delete g;
        },
        call, &delay);
  }
  // Runs the loop while a peer in a thread of its own sends `count` single bytes, each `gap` after the loop read the
  // one before (as a client sends its next request once the reply came), until all arrive.
  int run_with_peer(size_t count, microseconds gap) {
    stop_after = count;
    std::thread peer([this, count, gap] {
      for (size_t i = 0; i < count; ++i) {
        while (read_count.load() < i) std::this_thread::yield();
        if (gap >= microseconds(1000)) {
          std::this_thread::sleep_for(gap);
        } else {
          for (auto until = steady_clock::now() + gap; steady_clock::now() < until;) {
          }
        }
        while (write(fds[1], "x", 1) != 1 && errno == EAGAIN) std::this_thread::yield();
      }
    });
    int status = run();
    peer.join();
    return status;
  }
};

// A loop reading two socketpairs, so that one turn can serve two callbacks.
struct TwoReaders {
  Reader reader{0, 50};
  Reader second{0, 0};  // only its socketpair: its read end is watched by the first reader's loop
  event* second_readable = event_new(reader.base, second.fds[0], EV_READ | EV_PERSIST, Reader::on_readable, &reader);
  TwoReaders() { event_add(second_readable, nullptr); }
  ~TwoReaders() { event_free(second_readable); }
  void write_both() {
    ASSERT_EQ(write(reader.fds[1], "a", 1), 1);
    ASSERT_EQ(write(second.fds[1], "b", 1), 1);
  }
};

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct LoopSettings {
  uint32_t poll_before_sleep_us;
  uint32_t spin_when_saturated_us;
};

class EventLoop : public testing::TestWithParam<LoopSettings> {
 protected:
  Reader reader{GetParam().poll_before_sleep_us, GetParam().spin_when_saturated_us};
};

TEST_P(EventLoop, DeliversBytesThatArriveWhileItSleepsAndStopsOnLoopexit) {
  reader.stop_after = 11;
  reader.after(20, [&] { ASSERT_EQ(write(reader.fds[1], "hello, ", 7), 7); });
  reader.after(40, [&] { ASSERT_EQ(write(reader.fds[1], "loop", 4), 4); });
  EXPECT_EQ(reader.run(), 0);
  EXPECT_EQ(reader.received, "hello, loop");
  EXPECT_GE(reader.io_callbacks, 2u);
}

TEST_P(EventLoop, ReturnsWhenNothingIsLeftToWaitFor) {
  event_del(reader.readable);
  EXPECT_EQ(reader.run(), 0);
}

TEST_P(EventLoop, StopsOnLoopbreakFromACallback) {
  reader.after(10, [&] { event_base_loopbreak(reader.base); });
  EXPECT_EQ(reader.run(), 0);
}

// Looking before sleeping is for busy streams: a quiet loop sleeps until its timer instead of looking until it.
TEST_P(EventLoop, SleepsRatherThanLooksWhileNothingArrives) {
  reader.after(300, [&] { event_base_loopexit(reader.base, nullptr); });
  const double cpu_before = process_cpu_ms();
  EXPECT_EQ(reader.run(), 0);
  EXPECT_LT(process_cpu_ms() - cpu_before, 30.0);
  EXPECT_LE(reader.stats.looks_ran_out, 1u);
  EXPECT_EQ(reader.stats.spins_found + reader.stats.spins_ran_out + reader.stats.spins_gave_way, 0u);
}

INSTANTIATE_TEST_SUITE_P(PollAndSpin, EventLoop,
                         testing::Values(LoopSettings{0, 0}, LoopSettings{50, 0}, LoopSettings{1000, 0},
                                         LoopSettings{0, 50}, LoopSettings{50, 50}),
                         [](const testing::TestParamInfo<LoopSettings>& info) {
                           return "poll" + std::to_string(info.param.poll_before_sleep_us) + "_spin" +
                                  std::to_string(info.param.spin_when_saturated_us);
                         });

// The policy alone, step by step: looking stops when a look runs out and comes back after a sleep that bytes ended
// soon.
TEST(LookPolicy, StopsAfterALookRunsOutAndResumesWhenBytesEndASleepSoon) {
  constexpr int64_t kWindow = 50'000;
  LookPolicy policy;
  EXPECT_TRUE(policy.should_look());  // a new loop looks
  policy.look_ran_out();
  EXPECT_FALSE(policy.should_look());
  policy.slept(10'000'000, true, kWindow);  // bytes after 10 ms: the stream is quiet
  EXPECT_FALSE(policy.should_look());
  policy.slept(100'000, false, kWindow);  // a timer, not bytes, ended the sleep
  EXPECT_FALSE(policy.should_look());
  policy.slept(LookPolicy::kBusyAgainFactor * kWindow, true, kWindow);  // bytes soon enough: busy again
  EXPECT_TRUE(policy.should_look());
  policy.slept(10'000'000, true, kWindow);  // only a look that runs out stops the looking
  EXPECT_TRUE(policy.should_look());
}

// A byte every 3 ms, far apart for a 50 us look: after the first looks run out, the loop sleeps between bytes.
TEST(EventLoopLooking, StopsLookingOnASparseStream) {
  Reader reader(50);
  EXPECT_EQ(reader.run_with_peer(40, microseconds(3000)), 0);
  EXPECT_EQ(reader.received, std::string(40, 'x'));
  EXPECT_LT(reader.stats.looks_ran_out, 20u);  // looking on regardless: one per byte
}

// The next byte 20 us after each read, well within a 5 ms look: the looks find the bytes and the loop rarely sleeps.
TEST(EventLoopLooking, FindsTheNextBytesOnABusyStream) {
  Reader reader(5000);
  EXPECT_EQ(reader.run_with_peer(200, microseconds(20)), 0);
  EXPECT_EQ(reader.received.size(), 200u);
  EXPECT_GT(reader.stats.looks_found, 100u);
  EXPECT_LT(reader.stats.sleeps, 100u);
}

// The spin policy alone: saturated only after a turn that served two callbacks or more, for as long as the credit that
// callbacks earned, at most one window; a spin spends the credit and ends the saturation until the next such turn.
TEST(SpinPolicy, SpinsOnlyWhileSaturatedAndOnlyOnCreditEarnedByWork) {
  constexpr int64_t kWindow = 50'000;
  constexpr int64_t kCredit = SpinPolicy::kCreditPerCallbackNs;
  SpinPolicy policy;
  EXPECT_EQ(policy.allowance(), 0);  // a new loop has earned nothing
  policy.served(1, kWindow);         // one socket a turn: one stream, its next bytes a round trip away
  EXPECT_EQ(policy.allowance(), 0);
  policy.served(2, kWindow);  // two sockets in one turn: saturated, with what three callbacks earned
  EXPECT_EQ(policy.allowance(), 3 * kCredit);
  policy.served(1000, kWindow);  // credit is kept up to one window
  EXPECT_EQ(policy.allowance(), kWindow);
  policy.spun(20'000);  // a spin spends credit and ends the saturation
  EXPECT_EQ(policy.allowance(), 0);
  policy.served(1, kWindow);
  EXPECT_EQ(policy.allowance(), 0);
  policy.served(2, kWindow);
  EXPECT_EQ(policy.allowance(), kWindow - 20'000 + 3 * kCredit);
  policy.spun(10 * kWindow);  // a spin longer than the credit (its last look) leaves none, not less than none
  policy.served(2, kWindow);
  EXPECT_EQ(policy.allowance(), 2 * kCredit);
  policy.served(2, 0);  // the window set to 0 by a reload: no credit kept
  EXPECT_EQ(policy.allowance(), 0);
}

// Two sockets made readable together, then nothing: the turn that reads both leaves the loop saturated, so it spins,
// for the little that two callbacks earned, finds nothing, and sleeps. Three bursts: a spin after each of the first
// two (the third ends the loop), each run out, or given way if the test itself was preempted just then.
TEST(EventLoopSpinning, SpinsAfterATurnThatServedTwoSocketsAndThenSleeps) {
  TwoReaders loop;
  Reader& reader = loop.reader;
  reader.stop_after = 6;
  for (int burst = 1; burst <= 3; ++burst) reader.after(10 * burst, [&] { loop.write_both(); });
  EXPECT_EQ(reader.run(), 0);
  EXPECT_EQ(reader.received.size(), 6u);
  EXPECT_EQ(reader.stats.spins_ran_out + reader.stats.spins_gave_way, 2u);
  EXPECT_EQ(reader.stats.spins_found, 0u);
  EXPECT_LE(reader.stats.spin_ns, 2u * 1'000'000u);  // two callbacks' credit each time, and one look past it
}

// One spin, look by look: it ends at the first look that finds bytes, at a look that took so long the core must have
// been taken from it, or when its allowance is spent; its time ends where the look that found bytes began.
TEST(Spin, EndsWhenALookFindsBytesComesBackLateOrTheAllowanceIsSpent) {
  constexpr int64_t kStart = 1'000'000, kAllowance = 20'000, kLook = 500;
  Spin found(kStart, kAllowance);
  EXPECT_TRUE(found.looked(kStart, kStart + kLook, false));
  EXPECT_FALSE(found.looked(kStart + kLook, kStart + 2 * kLook + 3'000'000, true));  // 3 ms of work for those bytes
  EXPECT_EQ(found.end(), SpinEnd::found);
  EXPECT_EQ(found.spun_ns(), kLook);  // the work is not spinning

  Spin preempted(kStart, kAllowance);
  EXPECT_TRUE(preempted.looked(kStart, kStart + kLook, false));
  EXPECT_FALSE(preempted.looked(kStart + kLook, kStart + kLook + Spin::kGaveWayNs + 1, false));
  EXPECT_EQ(preempted.end(), SpinEnd::gave_way);
  EXPECT_EQ(preempted.spun_ns(), kLook + Spin::kGaveWayNs + 1);

  Spin empty(kStart, kAllowance);
  int looks = 0;
  for (int64_t t = kStart; empty.looked(t, t + kLook, false); t += kLook) ++looks;
  EXPECT_EQ(looks + 1, kAllowance / kLook);  // looks until the allowance is spent, then no more
  EXPECT_EQ(empty.end(), SpinEnd::ran_out);
  EXPECT_EQ(empty.spun_ns(), kAllowance);
}

// One socket, however busy, never saturates the loop: a stream waits on its peer's round trip, and spinning through
// it would cost the CPU that looking costs (poll_before_sleep_us, the operator's choice).
TEST(EventLoopSpinning, NeverSpinsOnASingleStream) {
  Reader reader(0, 5000);
  EXPECT_EQ(reader.run_with_peer(200, microseconds(20)), 0);
  EXPECT_EQ(reader.received.size(), 200u);
  EXPECT_EQ(reader.stats.spins_found + reader.stats.spins_ran_out + reader.stats.spins_gave_way, 0u);
  EXPECT_EQ(reader.stats.spin_ns, 0u);
}

// A reload may change the settings while the loop runs; both directions take effect at the next turn.
TEST(EventLoopReload, ChangingTheSettingsWhileRunningKeepsTheLoopWorking) {
  Reader reader(50, 50);
  reader.stop_after = 3;
  reader.after(10, [&] {
    reader.poll_us = 0;
    ASSERT_EQ(write(reader.fds[1], "a", 1), 1);
  });
  reader.after(30, [&] {
    reader.poll_us = 1000;
    reader.spin_us = 0;
    ASSERT_EQ(write(reader.fds[1], "b", 1), 1);
  });
  reader.after(50, [&] { ASSERT_EQ(write(reader.fds[1], "c", 1), 1); });
  EXPECT_EQ(reader.run(), 0);
  EXPECT_EQ(reader.received, "abc");
}

}  // namespace
}  // namespace zkwire
