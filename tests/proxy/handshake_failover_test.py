#!/usr/bin/python3
"""An upstream that accepts and never answers: clients still get a session through the proxy within the handshake
timeout and a little more, never knowing; the proxy counts each timeout against that server and ejects it.

The hostile peer is a socket server listed FIRST (least_connections ties go to the first listed server), which
records what it receives. Health checks are off so that only the handshake path can find it out. kazoo clients
connect one after another; a raw client also sends a request right behind its ConnectRequest, so the replay must
carry both. Usage: handshake_failover_test.py ZKWIRE ENSEMBLE_DIR"""
import os
import struct
import sys
import tempfile
import time

from kazoo.client import KazooClient

from proxy_harness import Proxy, SilentUpstream, ensemble, log, read_log, server_ports
import zkraw

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
ports = server_ports(ensemble(ensemble_dir))
traffic = tempfile.NamedTemporaryFile(prefix="zkwire-proxy-failover-", suffix=".jsonl", delete=False).name
HANDSHAKE_MS = 500
# libevent times its timers by its fast clock, CLOCK_MONOTONIC_COARSE, which moves once a scheduler tick (4 ms at
# HZ=250): measured by a finer clock, a timeout can end up to a tick early. A first CI run saw 497 ms.
TIMER_TICK_S = 0.010


def main():
    silent = SilentUpstream()
    silent.start()
    silent_address = "127.0.0.1:%d" % silent.port
    upstreams = [silent_address] + ["127.0.0.1:%d" % p for p in ports]
    sent = b""
    with Proxy(zkwire, upstreams, "--health-check", "off", "--handshake-timeout-ms", str(HANDSHAKE_MS),
               "--failure-limit", "3", "--retry-timeout-ms", "60000", log_traffic=traffic) as proxy:
        # 1. A raw client pipelines a request behind its ConnectRequest: both must reach the real server.
        t = time.time()
        raw = zkraw.RawConn(proxy.port, timeout=5)
        connect = struct.pack(">iqiqi", 0, 0, 10000, 0, 16) + zkraw.ZERO_PASSWD + b"\0"
        exists = struct.pack(">ii", 1, 3) + zkraw.path_body("/", False)
        sent = b"".join(struct.pack(">i", len(f)) + f for f in (connect, exists))
        raw.sock.sendall(sent)
        xid = raw.xid = 1
        body = raw.recv_frame()
        session = int.from_bytes(body[8:16], "big")
        rxid, _, err, _ = raw.read_reply()
        elapsed = time.time() - t
        log("raw client: session 0x%x and its pipelined exists answered %.2f s after connecting" % (session, elapsed))
        assert session != 0 and (rxid, err) == (xid, 0), (session, rxid, err)
        assert HANDSHAKE_MS / 1000 - TIMER_TICK_S <= elapsed < HANDSHAKE_MS / 1000 + 1.5, elapsed
        raw.close()

        # 2. kazoo clients, one after another: the silent server is first in line until it is ejected.
        clients, times = [], []
        for n in range(4):
            t = time.time()
            zk = KazooClient(hosts=proxy.connect, timeout=10.0)
            zk.start(timeout=HANDSHAKE_MS / 1000 + 3)
            times.append(round(time.time() - t, 2))
            zk.create("/zkwire-proxy-failover-%d-%d" % (os.getpid(), n), b"x", ephemeral=True)
            clients.append(zk)
        log("kazoo sessions through the proxy in %s s" % times)
        assert all(t < HANDSHAKE_MS / 1000 + 1.5 for t in times), times

        timeouts = proxy.metric("zkwire_upstream_handshake_timeouts_total", server=silent_address)
        failures = proxy.metric("zkwire_upstream_failures_total", server=silent_address)
        up = proxy.metric("zkwire_upstream_up", server=silent_address)
        log("silent upstream: %d handshake timeouts, %d failures, up=%d; it received %d connection(s)" %
            (timeouts, failures, up, len(silent.received)))
        assert timeouts == 3 and failures == 3 and up == 0, (timeouts, failures, up)
        assert len(silent.received) == 3, len(silent.received)
        # Every relayed connection ended up on a real server, and says it failed over once or not at all.
        connections = proxy.json("/connections")["connections"]
        assert all(c["server"] != silent_address for c in connections), connections
        # The raw client took the first timeout, the first two kazoo clients the next two; then it was ejected.
        assert [c["handshake_failovers"] for c in sorted(connections, key=lambda c: c["id"])] == [1, 1, 0, 0], \
            connections
        for zk in clients:
            zk.stop()
            zk.close()
        time.sleep(0.6)  # the tick flushes the traffic log every 250 ms

    # The silent server got exactly what the real one got: the raw client's ConnectRequest and its exists.
    assert bytes(silent.received[0]) == sent, bytes(silent.received[0]).hex()
    records = read_log(traffic)
    closes = [r for r in records if r["kind"] == "connection_close" and r["server"] == silent_address]
    unanswered = [r for r in records if r["kind"] == "anomaly" and r["anomaly"] == "handshake_unanswered"]
    requests = [r for r in records if r["kind"] == "connect_request"]
    log("traffic log: %d closes by handshake timeout, %d handshake_unanswered, %d ConnectRequests" %
        (len(closes), len(unanswered), len(requests)))
    assert len(closes) == 3 and all(r["detail"].startswith("handshake timeout") for r in closes), closes
    assert len(unanswered) == 3 and all(r["server"] == silent_address for r in unanswered), unanswered
    assert len(requests) == 3 + 5, len(requests)  # each failed-over handshake is seen on both of its legs


try:
    main()
finally:
    os.unlink(traffic)
print("handshake_failover: ok")
