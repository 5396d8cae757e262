// The least a TCP relay can do, as a floor for the proxy benchmarks: one epoll loop, each read sent on at once.
//
// usage: floor_relay LISTEN_PORT UPSTREAM_PORT   (both on 127.0.0.1)
//
// No decoding, no libevent, no limits, no backpressure: what any proxy pays for relaying on this machine and nothing
// else, so a proxy's throughput can be read against it as well as against haproxy. Not for real traffic.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// One socket of a relayed pair; `pending` holds what its socket did not take at once.
struct End {
  int fd;
  End* peer;
  std::string pending;
  bool closed = false;
};

int epoll_fd = -1;
std::vector<End*> closed_ends;  // freed after the epoll batch that closed them, which may still name them

void watch(End* end, uint32_t events, int op) {
  epoll_event event{};
  event.events = events;
  event.data.ptr = end;
  epoll_ctl(epoll_fd, op, end->fd, &event);
}

void close_pair(End* end) {
  for (End* e : {end, end->peer}) {
    close(e->fd);
    e->closed = true;
    closed_ends.push_back(e);
  }
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

void accept_all(int listener, const sockaddr_in& upstream) {
  int client;
  while ((client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
    // A blocking connect: on loopback it completes at once, and this relay is for benchmarks only.
    int server = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(server, reinterpret_cast<const sockaddr*>(&upstream), sizeof upstream) != 0) {
      close(server);
      close(client);
      continue;
    }
    fcntl(server, F_SETFL, O_NONBLOCK);
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    End* a = new End{client, nullptr, {}};
    End* b = new End{server, a, {}};
    a->peer = b;
    watch(a, EPOLLIN, EPOLL_CTL_ADD);
    watch(b, EPOLLIN, EPOLL_CTL_ADD);
  }
}

void on_writable(End* end) {
  ssize_t n = send(end->fd, end->pending.data(), end->pending.size(), MSG_NOSIGNAL);
  if (n > 0) end->pending.erase(0, static_cast<size_t>(n));
  if (end->pending.empty()) watch(end, EPOLLIN, EPOLL_CTL_MOD);
}

void on_readable(End* end, std::vector<char>& buffer) {
  ssize_t n = recv(end->fd, buffer.data(), buffer.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) return close_pair(end);
  End* to = end->peer;
  ssize_t sent = to->pending.empty() ? send(to->fd, buffer.data(), static_cast<size_t>(n), MSG_NOSIGNAL) : 0;
  if (sent < 0) sent = 0;  // a dead peer shows as a read of 0 or an error on its own side
  if (sent < n) {
    to->pending.append(buffer.data() + sent, static_cast<size_t>(n - sent));
    watch(to, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: floor_relay LISTEN_PORT UPSTREAM_PORT\n");
    return 2;
  }
  sockaddr_in listen_address = loopback(std::atoi(argv[1]));
  sockaddr_in upstream = loopback(std::atoi(argv[2]));
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listener, reinterpret_cast<const sockaddr*>(&listen_address), sizeof listen_address) != 0 ||
      listen(listener, 1024) != 0) {
    std::perror("floor_relay: listen");
    return 1;
  }
  epoll_fd = epoll_create1(0);
  epoll_event listening{};
  listening.events = EPOLLIN;
  listening.data.ptr = nullptr;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listening);

  std::vector<char> buffer(64u << 10);
  std::vector<epoll_event> ready(256);
  for (;;) {
    int n = epoll_wait(epoll_fd, ready.data(), static_cast<int>(ready.size()), -1);
    for (int i = 0; i < n; ++i) {
      auto* end = static_cast<End*>(ready[i].data.ptr);
      if (!end) {
        accept_all(listener, upstream);
        continue;
      }
      if (end->closed) continue;
      if (ready[i].events & EPOLLOUT) on_writable(end);
      if (ready[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(end, buffer);
    }
    for (End* end : closed_ends) delete end;
    closed_ends.clear();
  }
}
