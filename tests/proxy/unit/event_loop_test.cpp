// The proxy's event loop: what event_base_dispatch does (I/O, timers, loopexit) whatever poll_before_sleep_us says,
// and looking before sleeping only while the stream is busy.
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
  LoopStats stats;
  std::string received;
  std::atomic<size_t> read_count{0};  // received.size(), for a peer thread
  size_t stop_after = 0;              // exit the loop once this many bytes have arrived (0: never)

  explicit Reader(uint32_t poll_before_sleep_us) : poll_us(poll_before_sleep_us) {
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
  int run() { return run_event_loop(base, {&io_callbacks, &poll_us, &stats}); }
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

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

class EventLoop : public testing::TestWithParam<uint32_t> {};

TEST_P(EventLoop, DeliversBytesThatArriveWhileItSleepsAndStopsOnLoopexit) {
  Reader reader(GetParam());
  reader.stop_after = 11;
  reader.after(20, [&] { ASSERT_EQ(write(reader.fds[1], "hello, ", 7), 7); });
  reader.after(40, [&] { ASSERT_EQ(write(reader.fds[1], "loop", 4), 4); });
  EXPECT_EQ(reader.run(), 0);
  EXPECT_EQ(reader.received, "hello, loop");
  EXPECT_GE(reader.io_callbacks, 2u);
}

TEST_P(EventLoop, ReturnsWhenNothingIsLeftToWaitFor) {
  Reader reader(GetParam());
  event_del(reader.readable);
  EXPECT_EQ(reader.run(), 0);
}

TEST_P(EventLoop, StopsOnLoopbreakFromACallback) {
  Reader reader(GetParam());
  reader.after(10, [&] { event_base_loopbreak(reader.base); });
  EXPECT_EQ(reader.run(), 0);
}

// Looking before sleeping is for busy streams: a quiet loop sleeps until its timer instead of looking until it.
TEST_P(EventLoop, SleepsRatherThanLooksWhileNothingArrives) {
  Reader reader(GetParam());
  reader.after(300, [&] { event_base_loopexit(reader.base, nullptr); });
  const double cpu_before = process_cpu_ms();
  EXPECT_EQ(reader.run(), 0);
  EXPECT_LT(process_cpu_ms() - cpu_before, 30.0);
  EXPECT_LE(reader.stats.looks_ran_out, 1u);
}

INSTANTIATE_TEST_SUITE_P(PollBeforeSleepUs, EventLoop, testing::Values(0u, 50u, 1000u));

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

// A reload may change the setting while the loop runs; both directions take effect at the next turn.
TEST(EventLoopReload, ChangingPollBeforeSleepWhileRunningKeepsTheLoopWorking) {
  Reader reader(50);
  reader.stop_after = 3;
  reader.after(10, [&] {
    reader.poll_us = 0;
    ASSERT_EQ(write(reader.fds[1], "a", 1), 1);
  });
  reader.after(30, [&] {
    reader.poll_us = 1000;
    ASSERT_EQ(write(reader.fds[1], "b", 1), 1);
  });
  reader.after(50, [&] { ASSERT_EQ(write(reader.fds[1], "c", 1), 1); });
  EXPECT_EQ(reader.run(), 0);
  EXPECT_EQ(reader.received, "abc");
}

}  // namespace
}  // namespace zkwire
