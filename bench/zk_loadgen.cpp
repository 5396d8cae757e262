// The proxy benchmark's load generator: N ZooKeeper sessions of raw frames on one epoll loop, D requests in flight each.
//
//   zk_loadgen --target HOST:PORT [--sessions N] [--depth D] [--duration SECONDS | --requests COUNT]
//              [--mix getData:8,exists:1,setData:1] [--nodes K] [--value-size BYTES]
//   zk_loadgen --target HOST:PORT --idle N [--hold SECONDS]
//
// Load: a setup session creates /zkwire-bench/n0..n(K-1) (NodeExists is fine) and closes; then N sessions
// handshake, the clock starts, and each keeps D requests in flight (a ping-pong latency run is --depth 1) until
// the duration or the request count is reached; the last replies are awaited and every session is closed with
// closeSession. Idle: N sessions handshake and stay quiet for --hold seconds, then each must answer one ping.
// Frames are built by the project's encoder (the frame builder); every reply's xid must match the oldest request
// in flight and its err must be 0. Any error or missing reply: no figures, "REFUSED", exit status 1.
// The result is one line of key=value pairs, for scripts.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/wire_socket.h"
#include "decoder/opcodes.h"
#include "decoder/records.h"
#include "proxy/socket_address.h"
#include "tests/support/frame_builder.h"

namespace zkwire::bench {
namespace {

using testing::Bytes;
using testing::FrameBuilder;

constexpr uint32_t kMaxFrame = 0xfffff;
constexpr int32_t kNodeExists = -110;
constexpr size_t kMaxHandshakesInFlight = 256;  // connects are paced so no listen backlog overflows
constexpr uint64_t kDrainTimeoutNs = 10'000'000'000;
constexpr uint64_t kHandshakeTimeoutNs = 60'000'000'000;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000 + uint64_t(ts.tv_nsec);
}

struct Options {
  std::string target;
  size_t sessions = 8;
  size_t depth = 16;
  double duration_s = 5;
  uint64_t requests = 0;  // when set, a request count instead of a duration
  std::vector<std::pair<OpCode, unsigned>> mix{{OpCode::getData, 8}, {OpCode::exists, 1}, {OpCode::setData, 1}};
  size_t nodes = 100;
  size_t value_size = 32;
  size_t idle = 0;  // idle mode: this many sessions
  double hold_s = 2;
};

struct Inflight {
  int32_t xid;
  int32_t op;
  uint64_t sent_ns;
};

struct Session {
  enum class State : uint8_t { connecting, handshaking, open, closing, done } state = State::connecting;
  WireSocket socket;
  size_t index = 0;
  int32_t next_xid = 1;
  std::vector<Inflight> inflight;  // oldest first, from `head`
  size_t head = 0;
  bool setup = false;  // the setup session: creates the nodes, then closes
  size_t pending() const { return inflight.size() - head; }
};

class LoadGenerator {
 public:
  explicit LoadGenerator(Options options) : o_(std::move(options)), epoll_fd_(epoll_create1(0)) {}

  int run() {
    std::string error;
    auto address = resolve_address(o_.target, error);
    if (!address) return refuse("target " + error);
    address_ = *address;
    build_requests();
    if (o_.idle == 0) {
      // Setup: one session creates the nodes, pipelined (ZooKeeper applies them in order), and closes.
      open_sessions(1, true);
      if (!loop_until([&] { return live_ == 0; }, now_ns() + kHandshakeTimeoutNs)) return refuse("setup timed out");
      if (errors_) return refuse_errors();
    }
    size_t count = o_.idle ? o_.idle : o_.sessions;
    open_sessions(count, false);
    if (!loop_until([&] { return open_ == count || errors_; }, now_ns() + kHandshakeTimeoutNs))
      return refuse("handshakes timed out: " + std::to_string(open_) + " of " + std::to_string(count));
    if (errors_) return refuse_errors();
    return o_.idle ? run_idle() : run_load();
  }

 private:
  int run_load() {
    latencies_.reserve(1 << 20);
    start_ns_ = now_ns();
    uint64_t stop_ns = o_.requests ? UINT64_MAX : start_ns_ + uint64_t(o_.duration_s * 1e9);
    issuing_ = true;
    for (auto& s : sessions_)
      if (!s->setup) {
        for (size_t i = 0; i < o_.depth && issuing_; ++i) issue(*s);
        send(*s);
      }
    loop_until([&] { return !issuing_ || errors_; }, stop_ns);
    issuing_ = false;
    uint64_t drain_deadline = now_ns() + kDrainTimeoutNs;
    if (!loop_until([&] { return total_pending() == 0 || errors_; }, drain_deadline))
      note_error("replies missing after 10 s: " + std::to_string(total_pending()));
    uint64_t end_ns = last_reply_ns_;
    close_all();
    if (errors_) return refuse_errors();
    double seconds = double(end_ns - start_ns_) / 1e9;
    std::sort(latencies_.begin(), latencies_.end());
    std::printf(
        "zk_loadgen: target=%s sessions=%zu depth=%zu requests=%llu seconds=%.3f rps=%.0f p50_us=%.1f p90_us=%.1f "
        "p99_us=%.1f max_us=%.1f errors=0 missing=0\n",
        address_.text.c_str(), o_.sessions, o_.depth, static_cast<unsigned long long>(completed_), seconds,
        double(completed_) / seconds, percentile(0.50), percentile(0.90), percentile(0.99), percentile(1.0));
    return 0;
  }

  int run_idle() {
    std::printf("zk_loadgen: idle ready sessions=%zu\n", open_);
    std::fflush(stdout);
    loop_until([&] { return errors_ > 0; }, now_ns() + uint64_t(o_.hold_s * 1e9));
    if (errors_) return refuse_errors();
    // Every session must still be alive end to end: one ping each, all answered.
    for (auto& s : sessions_) {
      s->inflight.push_back({kPingXid, static_cast<int32_t>(OpCode::ping), now_ns()});
      append(*s, FrameBuilder::request(kPingXid, OpCode::ping));
      send(*s);
    }
    if (!loop_until([&] { return total_pending() == 0 || errors_; }, now_ns() + kDrainTimeoutNs))
      note_error("pings unanswered: " + std::to_string(total_pending()));
    size_t pinged = completed_;
    close_all();
    if (errors_) return refuse_errors();
    std::printf("zk_loadgen: target=%s idle_sessions=%zu pinged=%zu errors=0 missing=0\n", address_.text.c_str(),
                o_.idle, pinged);
    return 0;
  }

  void build_requests() {
    FrameBuilder fb;
    std::string value(o_.value_size, 'w');
    for (auto [op, weight] : o_.mix)
      for (unsigned w = 0; w < weight; ++w) op_table_.push_back(op);
    for (size_t n = 0; n < o_.nodes; ++n) {
      std::string path = "/zkwire-bench/n" + std::to_string(n);
      get_.push_back(FrameBuilder::request(0, OpCode::getData, PathWatchRequest{fb.str(path), false}));
      exists_.push_back(FrameBuilder::request(0, OpCode::exists, PathWatchRequest{fb.str(path), false}));
      set_.push_back(FrameBuilder::request(0, OpCode::setData, SetDataRequest{fb.str(path), fb.buf(value), -1}));
      creates_.push_back(FrameBuilder::request(
          0, OpCode::create, CreateRequest{fb.str(path), fb.buf(value), fb.acls({fb.open_acl()}), 0}));
    }
    creates_.insert(creates_.begin(), FrameBuilder::request(0, OpCode::create,
                                                            CreateRequest{fb.str("/zkwire-bench"), fb.buf(""),
                                                                          fb.acls({fb.open_acl()}), 0}));
    FrameBuilder session_fb;
    connect_request_ = FrameBuilder::connect_request(session_fb.new_session(30'000));
  }

  void open_sessions(size_t count, bool setup) {
    to_open_ = count;
    opening_setup_ = setup;
    open_ = 0;
    pace_connects();
  }

  // Starts connects while fewer than kMaxHandshakesInFlight are under way.
  void pace_connects() {
    while (to_open_ > 0 && handshaking_ < kMaxHandshakesInFlight) {
      --to_open_;
      auto s = std::make_unique<Session>();
      s->index = sessions_.size();
      s->setup = opening_setup_;
      int fd = socket(address_.get()->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) return note_error(std::string("socket: ") + std::strerror(errno));
      set_nodelay(fd);
      s->socket.fd = fd;
      if (connect(fd, address_.get(), address_.length) < 0 && errno != EINPROGRESS)
        return note_error(std::string("connect: ") + std::strerror(errno));
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.ptr = s.get();
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
      s->socket.polling_out = true;
      ++handshaking_;
      ++live_;
      sessions_.push_back(std::move(s));
    }
  }

  template <class Done>
  bool loop_until(Done done, uint64_t deadline_ns) {
    std::vector<epoll_event> events(1024);
    while (!done()) {
      uint64_t now = now_ns();
      if (now >= deadline_ns) return false;
      int timeout_ms = static_cast<int>(std::min<uint64_t>((deadline_ns - now) / 1'000'000 + 1, 50));
      int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
      if (n < 0 && errno != EINTR) {
        note_error("epoll_wait failed");
        return false;
      }
      for (int i = 0; i < n; ++i) on_event(*static_cast<Session*>(events[i].data.ptr), events[i].events);
    }
    return true;
  }

  void on_event(Session& s, uint32_t events) {
    if (s.state == Session::State::done) return;
    if (s.state == Session::State::connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(s.socket.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(s, std::string("connect: ") + std::strerror(err));
      s.state = Session::State::handshaking;
      append(s, connect_request_);
      send(s);
      return;
    }
    if ((events & EPOLLOUT) && !flush(s.socket, epoll_fd_, &s)) return fail(s, "write failed");
    if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
    ReadStatus status = read_frames(s.socket, scratch_, kMaxFrame, [&](std::span<const uint8_t> payload) {
      if (s.state != Session::State::done) on_frame(s, payload);
    });
    if (s.state == Session::State::done) return;
    if (status == ReadStatus::closed) {
      if (s.state == Session::State::closing && s.pending() == 0) return finish(s);
      return fail(s, "connection closed by the peer with " + std::to_string(s.pending()) + " replies missing");
    }
    if (status == ReadStatus::failed) return fail(s, "read failed or bad frame length");
    send(s);
  }

  void on_frame(Session& s, std::span<const uint8_t> payload) {
    uint64_t now = now_ns();
    if (s.state == Session::State::handshaking) {
      ByteReader r(payload);
      ConnectResponse response;
      read_field(r, response);
      if (!r.ok() || response.sessionId == 0 || response.timeOut <= 0) return fail(s, "handshake refused");
      s.state = Session::State::open;
      --handshaking_;
      ++open_;
      pace_connects();
      if (s.setup) {
        for (const Bytes& create : creates_) {
          s.inflight.push_back({s.next_xid, static_cast<int32_t>(OpCode::create), now});
          append(s, create, s.next_xid++);
        }
      }
      return;
    }
    if (payload.size() < 16) return fail(s, "reply shorter than its header");
    int32_t xid = peek_i32(payload.data());
    int32_t err = peek_i32(payload.data() + 12);
    if (s.pending() == 0) return fail(s, "a reply to no request (xid " + std::to_string(xid) + ")");
    Inflight request = s.inflight[s.head++];
    if (s.head == s.inflight.size()) s.inflight.clear(), s.head = 0;
    if (xid != request.xid) return fail(s, "reply xid " + std::to_string(xid) + ", expected " + std::to_string(request.xid));
    bool ok = err == 0 || (s.setup && err == kNodeExists);
    if (!ok) return fail(s, "error " + std::to_string(err) + " on op " + std::to_string(request.op));
    if (request.op == static_cast<int32_t>(OpCode::closeSession)) return;  // the server closes next
    if (s.setup) {
      if (s.pending() == 0) close_session(s);
      return;
    }
    ++completed_;
    last_reply_ns_ = now;
    if (o_.idle == 0) latencies_.push_back(static_cast<uint32_t>(std::min<uint64_t>(now - request.sent_ns, UINT32_MAX)));
    if (issuing_) issue(s);
  }

  // Queues the next request of the mix on `s` (sent by the next send()).
  void issue(Session& s) {
    if (o_.requests && issued_ >= o_.requests) {
      issuing_ = false;
      return;
    }
    ++issued_;
    rng_ ^= rng_ << 13, rng_ ^= rng_ >> 7, rng_ ^= rng_ << 17;
    OpCode op = op_table_[rng_ % op_table_.size()];
    size_t node = (rng_ >> 32) % o_.nodes;
    const Bytes& frame = op == OpCode::getData ? get_[node] : op == OpCode::exists ? exists_[node] : set_[node];
    s.inflight.push_back({s.next_xid, static_cast<int32_t>(op), now_ns()});
    append(s, frame, s.next_xid++);
  }

  void append(Session& s, const Bytes& frame, int32_t xid = 0) {
    size_t at = s.socket.out.size();
    s.socket.out.insert(s.socket.out.end(), frame.begin(), frame.end());
    if (at + 8 <= s.socket.out.size() && frame.size() >= 12 && xid != 0) {
      uint8_t* p = s.socket.out.data() + at + 4;
      auto u = static_cast<uint32_t>(xid);
      p[0] = uint8_t(u >> 24), p[1] = uint8_t(u >> 16), p[2] = uint8_t(u >> 8), p[3] = uint8_t(u);
    }
  }

  void send(Session& s) {
    if (s.state != Session::State::done && !flush(s.socket, epoll_fd_, &s)) fail(s, "write failed");
  }

  void close_session(Session& s) {
    s.state = Session::State::closing;
    s.inflight.push_back({s.next_xid, static_cast<int32_t>(OpCode::closeSession), now_ns()});
    append(s, FrameBuilder::request(s.next_xid++, OpCode::closeSession));
    send(s);
  }

  void close_all() {
    for (auto& s : sessions_)
      if (s->state == Session::State::open) close_session(*s);
    if (!loop_until([&] { return live_ == 0; }, now_ns() + kDrainTimeoutNs))
      note_error("sessions not closed by the server after closeSession: " + std::to_string(live_));
  }

  size_t total_pending() const {
    size_t n = 0;
    for (const auto& s : sessions_)
      if (s->state != Session::State::done) n += s->pending();
    return n;
  }

  void finish(Session& s) {
    close(s.socket.fd);
    s.state = Session::State::done;
    --live_;
  }

  void fail(Session& s, const std::string& why) {
    if (s.state == Session::State::handshaking || s.state == Session::State::connecting) --handshaking_;
    note_error("session " + std::to_string(s.index) + ": " + why);
    finish(s);
  }

  void note_error(const std::string& why) {
    if (errors_++ == 0) first_error_ = why;
  }

  double percentile(double q) const {
    if (latencies_.empty()) return 0;
    size_t i = std::min(latencies_.size() - 1, static_cast<size_t>(q * double(latencies_.size())));
    return latencies_[i] / 1000.0;
  }

  int refuse(const std::string& why) {
    std::printf("zk_loadgen: REFUSED (no figures): %s\n", why.c_str());
    return 1;
  }
  int refuse_errors() {
    return refuse(std::to_string(errors_) + " error(s), the first: " + first_error_ + " (" +
                  std::to_string(completed_) + " replies before)");
  }

  Options o_;
  int epoll_fd_;
  SocketAddress address_;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<Bytes> get_, exists_, set_, creates_;
  Bytes connect_request_;
  std::vector<OpCode> op_table_;
  size_t to_open_ = 0, handshaking_ = 0, open_ = 0, live_ = 0;
  bool opening_setup_ = false;
  bool issuing_ = false;
  uint64_t issued_ = 0, completed_ = 0;
  uint64_t start_ns_ = 0, last_reply_ns_ = 0;
  uint64_t rng_ = 0x9e3779b97f4a7c15;
  std::vector<uint32_t> latencies_;  // nanoseconds
  size_t errors_ = 0;
  std::string first_error_;
  std::vector<uint8_t> scratch_ = std::vector<uint8_t>(64 << 10);
};

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool parse_mix(std::string_view text, Options& o) {
  o.mix.clear();
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    size_t colon = item.find(':');
    unsigned weight = 1;
    if (colon != std::string_view::npos && !parse_number(item.substr(colon + 1), weight)) return false;
    std::string_view name = item.substr(0, colon);
    OpCode op;
    if (name == "getData") op = OpCode::getData;
    else if (name == "exists") op = OpCode::exists;
    else if (name == "setData") op = OpCode::setData;
    else return false;
    if (weight > 0) o.mix.emplace_back(op, weight);
  }
  return !o.mix.empty();
}

int usage(const char* why) {
  std::fprintf(stderr,
               "zk_loadgen: %s\nusage: zk_loadgen --target HOST:PORT [--sessions N] [--depth D] "
               "[--duration SECONDS | --requests COUNT] [--mix getData:8,exists:1,setData:1] [--nodes K] "
               "[--value-size BYTES]\n       zk_loadgen --target HOST:PORT --idle N [--hold SECONDS]\n",
               why);
  return 2;
}

}  // namespace
}  // namespace zkwire::bench

int main(int argc, char** argv) {
  using namespace zkwire::bench;
  Options o;
  for (int i = 1; i < argc; i += 2) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) return usage("every option takes a value");
    std::string_view v = argv[i + 1];
    bool ok = true;
    if (a == "--target") o.target = v;
    else if (a == "--sessions") ok = parse_number(v, o.sessions) && o.sessions > 0;
    else if (a == "--depth") ok = parse_number(v, o.depth) && o.depth > 0;
    else if (a == "--duration") ok = parse_number(v, o.duration_s) && o.duration_s > 0;
    else if (a == "--requests") ok = parse_number(v, o.requests) && o.requests > 0;
    else if (a == "--mix") ok = parse_mix(v, o);
    else if (a == "--nodes") ok = parse_number(v, o.nodes) && o.nodes > 0;
    else if (a == "--value-size") ok = parse_number(v, o.value_size);
    else if (a == "--idle") ok = parse_number(v, o.idle) && o.idle > 0;
    else if (a == "--hold") ok = parse_number(v, o.hold_s) && o.hold_s >= 0;
    else return usage(("unknown option " + std::string(a)).c_str());
    if (!ok) return usage(("bad value for " + std::string(a)).c_str());
  }
  if (o.target.empty()) return usage("--target is required");
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  signal(SIGPIPE, SIG_IGN);
  return LoadGenerator(std::move(o)).run();
}
