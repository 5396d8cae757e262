// A non-blocking TCP socket for the benchmark programs: whole frames out of each read, an output queue, epoll.
#pragma once
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <span>
#include <vector>

#include "decoder/byte_reader.h"

namespace zkwire::bench {

inline void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

struct WireSocket {
  int fd = -1;
  std::vector<uint8_t> partial;  // the start of a frame carried over from the previous read
  std::vector<uint8_t> out;      // queued bytes not yet written, from out_pos
  size_t out_pos = 0;
  bool polling_out = false;      // EPOLLOUT is in the epoll set

  bool has_output() const { return out_pos < out.size(); }
};

enum class ReadStatus { ok, again, closed, failed };

// One read() into `scratch`, then `on_frame(payload)` for every whole frame; a partial frame is kept for the
// next read. A frame length outside [0, max_frame] is reported as failed.
template <class OnFrame>
ReadStatus read_frames(WireSocket& s, std::span<uint8_t> scratch, uint32_t max_frame, OnFrame&& on_frame) {
  ssize_t n = ::read(s.fd, scratch.data(), scratch.size());
  if (n == 0) return ReadStatus::closed;
  if (n < 0) return errno == EAGAIN || errno == EINTR ? ReadStatus::again : ReadStatus::failed;
  std::span<const uint8_t> data(scratch.data(), static_cast<size_t>(n));
  if (!s.partial.empty()) {
    s.partial.insert(s.partial.end(), data.begin(), data.end());
    data = s.partial;
  }
  size_t pos = 0;
  while (data.size() - pos >= 4) {
    int32_t length = peek_i32(data.data() + pos);
    if (length < 0 || static_cast<uint32_t>(length) > max_frame) return ReadStatus::failed;
    if (data.size() - pos < 4u + static_cast<size_t>(length)) break;
    on_frame(data.subspan(pos + 4, static_cast<size_t>(length)));
    pos += 4u + static_cast<size_t>(length);
  }
  if (s.partial.empty()) {
    s.partial.assign(data.begin() + static_cast<std::ptrdiff_t>(pos), data.end());
  } else {
    s.partial.erase(s.partial.begin(), s.partial.begin() + static_cast<std::ptrdiff_t>(pos));
  }
  return ReadStatus::ok;
}

// Writes what is queued; EPOLLOUT is watched only while something is left. False on a write error.
inline bool flush(WireSocket& s, int epoll_fd, void* tag) {
  while (s.has_output()) {
    ssize_t n = ::write(s.fd, s.out.data() + s.out_pos, s.out.size() - s.out_pos);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return false;
      break;
    }
    s.out_pos += static_cast<size_t>(n);
  }
  if (!s.has_output()) {
    s.out.clear();
    s.out_pos = 0;
  }
  bool want_out = s.has_output();
  if (want_out != s.polling_out) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want_out ? EPOLLOUT : 0u);
    ev.data.ptr = tag;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, s.fd, &ev);
    s.polling_out = want_out;
  }
  return true;
}

}  // namespace zkwire::bench
