#!/usr/bin/python3
"""Hostile clients and a hostile upstream: the proxy stays up, bounded, and a well-behaved session never notices.

A kazoo client does requests through the proxy the whole time while other clients send garbage, announce a
2 GB frame, or ask for ~900 KB values without ever reading them, and while two extra upstreams misbehave: one
accepts and never answers, one never even completes the TCP handshake (its backlog is full).
Usage: hostile_clients_test.py ZKWIRE ENSEMBLE_DIR"""
import os
import socket
import struct
import sys
import threading
import time

from kazoo.client import KazooClient

from proxy_harness import Proxy, SilentUpstream, ensemble, log, server_ports
import zkraw

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
ports = server_ports(ensemble(ensemble_dir))
BIG = 900_000
big_path = "/zkwire-proxy-hostile-big-%d" % os.getpid()


def syn_dropping_upstream():
    """A listener that never accepts, its one-slot backlog filled: further SYNs go unanswered."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(0)
    fillers = []
    for _ in range(3):  # Linux admits backlog+1 connections; more time out in connect, which is what we want
        f = socket.socket()
        f.setblocking(False)
        f.connect_ex(s.getsockname())
        fillers.append(f)
    time.sleep(0.2)
    return s, fillers


class Bystander(threading.Thread):
    """The well-behaved session: a request every 20 ms, each of which must be answered promptly."""

    def __init__(self, connect):
        super().__init__(daemon=True)
        self.zk = KazooClient(hosts=connect, timeout=10.0)
        self.zk.start(timeout=10)
        self.session = self.zk.client_id[0]
        self.path = "/zkwire-proxy-hostile-bystander-%d" % os.getpid()
        self.zk.create(self.path, b"0", ephemeral=True)
        self.done, self.slowest, self.errors = 0, 0.0, []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            t = time.time()
            try:
                self.zk.set(self.path, str(self.done).encode())
                assert self.zk.get(self.path)[0] == str(self.done).encode()
                self.done += 1
            except Exception as e:
                self.errors.append(repr(e))
            self.slowest = max(self.slowest, time.time() - t)
            time.sleep(0.02)


def closed_within(sock, seconds):
    """True once the proxy closes the connection (EOF or reset); data before that is read and dropped."""
    sock.settimeout(seconds)
    deadline = time.time() + seconds
    try:
        while time.time() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def handshake_through(proxy_port):
    c = zkraw.RawConn(proxy_port, timeout=2)  # more than both failovers take (500 + 200 ms)
    _, session, _, _ = c.connect(timeout_ms=30000)  # the slow reader sends nothing for a while
    return c, session


def main():
    silent = SilentUpstream()
    silent.start()
    syn_drop, fillers = syn_dropping_upstream()
    dead_port = syn_drop.getsockname()[1]
    # Round robin from the first server: the bystander's connection takes zk1; later clients go round all five.
    upstreams = ["127.0.0.1:%d" % p for p in ports] + ["127.0.0.1:%d" % silent.port, "127.0.0.1:%d" % dead_port]
    # Health checks off: they would find the two hostile upstreams out and keep every client away from them.
    with Proxy(zkwire, upstreams, "--policy", "round_robin", "--connect-timeout-ms", "200",
               "--handshake-timeout-ms", "500", "--failure-limit", "100", "--health-check", "off") as proxy:
        bystander = Bystander(proxy.connect)
        bystander.start()
        setup = KazooClient(hosts=",".join("127.0.0.1:%d" % p for p in ports), timeout=10.0)
        setup.start(timeout=10)
        setup.create(big_path, b"B" * BIG)
        rss_start = proxy.rss_kb()
        log("proxy RSS at start: %d kB" % rss_start)

        # 1. Garbage: not a frame at all (an HTTP request); the server reads a huge length and hangs up.
        g = socket.create_connection(("127.0.0.1", proxy.port))
        g.sendall(b"GET / HTTP/1.1\r\nHost: zk\r\n\r\n" + os.urandom(4000))
        assert closed_within(g, 10), "garbage: the connection was never closed"
        g.close()

        # 2. A 2 GB frame announced, then 20 MB of it sent: nothing may be buffered for it.
        h = socket.create_connection(("127.0.0.1", proxy.port))
        h.settimeout(10)
        try:
            h.sendall(struct.pack(">i", 0x7FFFFFFF))
            chunk = os.urandom(1 << 20)
            for _ in range(20):
                h.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server hung up on the length, as it should, and the proxy passed that on
        assert closed_within(h, 10), "2 GB frame: the connection was never closed"
        h.close()
        rss = proxy.rss_kb()
        log("after garbage and a 2 GB frame: RSS %d kB" % rss)
        assert rss < rss_start + 20_000, "RSS grew from %d to %d kB" % (rss_start, rss)

        # 3. A slow reader: asks for the ~900 KB node 60 times (54 MB of replies) and reads nothing.
        slow = None
        for _ in range(5):  # round robin: retry until the handshake lands on a real server
            try:
                slow, _ = handshake_through(proxy.port)
                break
            except (EOFError, socket.timeout, OSError):
                continue
        assert slow, "no handshake through the proxy in five tries"
        t = time.time()
        for _ in range(60):
            slow.send_request(4, zkraw.path_body(big_path, False))
        time.sleep(3)  # long enough for the replies to pile up wherever they are allowed to
        rss = proxy.rss_kb()
        pending = [c for c in proxy.json("/connections")["connections"] if c["pending"] > 0]
        log("slow reader: RSS %d kB, %d connection(s) with pending requests, bytes_s2c %s" %
            (rss, len(pending), [c["bytes_s2c"] for c in pending]))
        assert rss < rss_start + 20_000, "backpressure: RSS grew from %d to %d kB" % (rss_start, rss)
        # Reading now gets every reply, complete and in order: nothing was dropped to keep memory bounded.
        slow.sock.settimeout(30)
        for i in range(60):
            xid, _, err, body = slow.read_reply()
            assert err == 0 and xid == i + 1 and len(body) > BIG, (i, xid, err, len(body))
        slow.close()
        log("slow reader read its 60 replies %.1f s after asking" % (time.time() - t))

        # 4. Upstreams that never answer: a handshake that lands on the silent one is replayed on the next server
        # after 500 ms; one that lands on the SYN-dropping one is passed to the next server after 200 ms.
        outcomes = []
        for _ in range(10):
            t = time.time()
            try:
                c, session = handshake_through(proxy.port)
                outcomes.append(("session", round(time.time() - t, 2)))
                c.sock.close()
            except (EOFError, socket.timeout, OSError) as e:
                outcomes.append((type(e).__name__, round(time.time() - t, 2)))
        log("handshakes through five upstreams: %s" % outcomes)
        assert len(silent.received) >= 1, "the silent upstream was never tried"
        dead = proxy.metric("zkwire_upstream_failures_total", server="127.0.0.1:%d" % dead_port)
        assert dead >= 1, "the SYN-dropping upstream never timed out"
        assert all(o[0] == "session" for o in outcomes), outcomes
        silent_timeouts = proxy.metric("zkwire_upstream_handshake_timeouts_total", server="127.0.0.1:%d" % silent.port)
        assert silent_timeouts >= 1, "the silent upstream's handshakes never timed out"

        bystander.stop.set()
        bystander.join(10)
        log("bystander: %d round trips, slowest %.3f s, errors %s" % (bystander.done, bystander.slowest,
                                                                        bystander.errors))
        assert not bystander.errors, bystander.errors
        assert bystander.zk.client_id[0] == bystander.session, "the bystander lost its session"
        assert bystander.done >= 50, bystander.done
        assert bystander.slowest < 2.0, "a bystander request took %.1f s" % bystander.slowest
        assert proxy.alive(), "the proxy died"
        assert proxy.get("/healthz").startswith('{"status":"ok"')
        rss = proxy.rss_kb()
        log("proxy RSS at the end: %d kB" % rss)
        assert rss < rss_start + 20_000
        setup.delete(big_path)
        setup.stop()
        bystander.zk.stop()
    syn_drop.close()
    silent.sock.close()


main()
print("hostile_clients: ok")
