// A minimal fast ZooKeeper server for the proxy benchmark: one epoll thread answering handshakes, pings and small reads and writes.
//
// It exists so the benchmark measures the proxy, not the Java server: every reply is well formed (the proxy's decoder
// sees valid traffic) but comes from a template encoded once with the project's encoder, with the xid and zxid
// patched in. There is no tree: getData, exists and setData answer for any path; create echoes the path.
//
//   zk_responder --listen 127.0.0.1:PORT [--value-size BYTES]
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/wire_socket.h"
#include "decoder/byte_writer.h"
#include "decoder/opcodes.h"
#include "decoder/records.h"
#include "proxy/socket_address.h"
#include "tests/support/frame_builder.h"

namespace zkwire::bench {
namespace {

using testing::Bytes;
using testing::FrameBuilder;

constexpr uint32_t kMaxFrame = 0xfffff;

struct Connection {
  WireSocket socket;
  bool handshake_done = false;
  bool closing = false;  // closeSession answered: close once the output is written
};

// Reply frames encoded once; xid (bytes 4-7) and zxid (8-15) are patched per reply.
struct Templates {
  Bytes header_only, get_data, stat;
  Bytes connect_response;  // session id at bytes 12-19
};

Templates make_templates(size_t value_size) {
  FrameBuilder fb;
  Stat stat;
  stat.czxid = 2;
  stat.mzxid = 3;
  stat.ctime = 1'700'000'000'000;
  stat.mtime = 1'700'000'000'500;
  stat.version = 1;
  stat.dataLength = static_cast<int32_t>(value_size);
  stat.pzxid = 2;
  Templates t;
  t.header_only = FrameBuilder::reply(0, 0, 0);
  t.get_data = FrameBuilder::reply(0, 0, 0, GetDataResponse{fb.buf(std::string(value_size, 'v')), stat});
  t.stat = FrameBuilder::reply(0, 0, 0, StatResponse{stat});
  t.connect_response = FrameBuilder::connect_response(fb.session_granted(0, 30'000));
  return t;
}

void put_i32(uint8_t* p, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  p[0] = uint8_t(u >> 24), p[1] = uint8_t(u >> 16), p[2] = uint8_t(u >> 8), p[3] = uint8_t(u);
}
void put_i64(uint8_t* p, int64_t v) {
  put_i32(p, static_cast<int32_t>(static_cast<uint64_t>(v) >> 32));
  put_i32(p + 4, static_cast<int32_t>(static_cast<uint64_t>(v) & 0xffffffffu));
}

class Responder {
 public:
  Responder(int listen_fd, size_t value_size)
      : listen_fd_(listen_fd), epoll_fd_(epoll_create1(0)), templates_(make_templates(value_size)) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the listener
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  }

  void run() {
    std::vector<epoll_event> events(512);
    for (;;) {
      int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0 && errno != EINTR) return perror("epoll_wait");
      for (int i = 0; i < n; ++i) {
        auto* c = static_cast<Connection*>(events[i].data.ptr);
        if (!c) {
          accept_all();
          continue;
        }
        if (events[i].events & EPOLLOUT) {
          if (!flush(c->socket, epoll_fd_, c)) {
            drop(c);
            continue;
          }
          if (c->closing && !c->socket.has_output()) {
            drop(c);
            continue;
          }
        }
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
      }
    }
  }

 private:
  void accept_all() {
    for (;;) {
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      set_nodelay(fd);
      auto* c = new Connection;
      c->socket.fd = fd;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = c;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
  }

  void drop(Connection* c) {
    close(c->socket.fd);  // also leaves the epoll set
    delete c;
  }

  void on_readable(Connection* c) {
    if (c->closing) return;
    ReadStatus status = read_frames(c->socket, scratch_, kMaxFrame,
                                    [&](std::span<const uint8_t> payload) { on_frame(*c, payload); });
    if (status == ReadStatus::closed || status == ReadStatus::failed || !flush(c->socket, epoll_fd_, c) ||
        (c->closing && !c->socket.has_output()))
      drop(c);
  }

  void append(Connection& c, const Bytes& frame, int32_t xid) {
    size_t at = c.socket.out.size();
    c.socket.out.insert(c.socket.out.end(), frame.begin(), frame.end());
    put_i32(c.socket.out.data() + at + 4, xid);
    put_i64(c.socket.out.data() + at + 8, zxid_);
  }

  void on_frame(Connection& c, std::span<const uint8_t> payload) {
    if (c.closing) return;
    if (!c.handshake_done) {
      c.handshake_done = true;
      size_t at = c.socket.out.size();
      const Bytes& t = templates_.connect_response;
      c.socket.out.insert(c.socket.out.end(), t.begin(), t.end());
      put_i64(c.socket.out.data() + at + 12, next_session_++);
      return;
    }
    if (payload.size() < 8) {
      c.closing = true;  // not a request: ZooKeeper closes too
      return;
    }
    int32_t xid = peek_i32(payload.data());
    int32_t op = peek_i32(payload.data() + 4);
    switch (static_cast<OpCode>(op)) {
      case OpCode::getData: return append(c, templates_.get_data, xid);
      case OpCode::exists: return append(c, templates_.stat, xid);
      case OpCode::setData:
        ++zxid_;
        return append(c, templates_.stat, xid);
      case OpCode::ping: return append(c, templates_.header_only, kPingXid);
      case OpCode::closeSession:
        c.closing = true;
        return append(c, templates_.header_only, xid);
      case OpCode::create: {
        // The reply carries the request's path: encoded afresh, creates are rare.
        ByteReader r(payload.subspan(8));
        CreateRequest request;
        read_field(r, request);
        ++zxid_;
        Bytes frame = FrameBuilder::reply(xid, zxid_, 0, PathRecord{request.path});
        c.socket.out.insert(c.socket.out.end(), frame.begin(), frame.end());
        return;
      }
      default: {
        Bytes frame = FrameBuilder::reply(xid, zxid_, -6);  // ZUNIMPLEMENTED, as the server answers
        c.socket.out.insert(c.socket.out.end(), frame.begin(), frame.end());
        return;
      }
    }
  }

  int listen_fd_;
  int epoll_fd_;
  Templates templates_;
  int64_t zxid_ = 0x100000000;
  int64_t next_session_ = 0x7a6b00000001;
  std::vector<uint8_t> scratch_ = std::vector<uint8_t>(64 << 10);
};

int usage() {
  std::fputs("usage: zk_responder --listen HOST:PORT [--value-size BYTES]\n", stderr);
  return 2;
}

}  // namespace
}  // namespace zkwire::bench

int main(int argc, char** argv) {
  using namespace zkwire;
  std::string listen_text;
  size_t value_size = 32;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i], v = argv[i + 1];
    if (a == "--listen") listen_text = v;
    else if (a == "--value-size") std::from_chars(v.data(), v.data() + v.size(), value_size);
    else return bench::usage();
  }
  if (listen_text.empty() || argc % 2 == 0) return bench::usage();
  std::string error;
  auto address = resolve_address(listen_text, error);
  if (!address) {
    std::fprintf(stderr, "zk_responder: %s\n", error.c_str());
    return 1;
  }
  int fd = socket(address->get()->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, address->get(), address->length) < 0 || listen(fd, 4096) < 0) {
    std::fprintf(stderr, "zk_responder: cannot listen on %s: %s\n", listen_text.c_str(), std::strerror(errno));
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  std::printf("zk_responder: listening on %s\n", address->text.c_str());
  std::fflush(stdout);
  bench::Responder(fd, value_size).run();
  return 0;
}
