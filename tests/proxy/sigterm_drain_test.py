#!/usr/bin/python3
"""SIGTERM drains the proxy: no new clients, the reply in flight still arrives, then every connection closes and
the proxy exits 0 within its drain timeout (5 s).

To hold a request in flight for as long as the test needs, the server the client is relayed to is paused with
SIGSTOP while a sync is sent, and resumed (SIGCONT) after the SIGTERM. Usage: sigterm_drain_test.py ZKWIRE DIR"""
import os
import signal
import socket
import sys
import time

from proxy_harness import Proxy, ensemble, log, server_ports, wait_until
import zkraw

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
env = ensemble(ensemble_dir)
ports = server_ports(env)


def closed_within(sock, seconds):
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def main():
    paused = None
    with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports]) as proxy:
        try:
            busy = zkraw.RawConn(proxy.port)
            busy.connect(timeout_ms=20000)
            idle = zkraw.RawConn(proxy.port)
            idle.connect(timeout_ms=20000)
            server = next(c["server"] for c in proxy.json("/connections")["connections"] if c["session"] != "0x0" and
                          c["client"].endswith(":%d" % busy.sock.getsockname()[1]))
            node = ports.index(int(server.rsplit(":", 1)[1])) + 1
            paused = int(env["ZK_PID_%d" % node])
            os.kill(paused, signal.SIGSTOP)
            xid = busy.send_request(9, zkraw.path_body("/"))  # sync: answered only once the server runs again
            wait_until(lambda: any(c["pending"] for c in proxy.json("/connections")["connections"]), 5,
                       "the sync seen by the proxy")
            log("node %d paused with a sync in flight; SIGTERM to the proxy" % node)
            t_term = time.time()
            proxy.process.send_signal(signal.SIGTERM)

            # The idle connection has nothing pending: it is closed at once.
            assert closed_within(idle.sock, 2), "the idle client was not closed by the drain"
            # New clients are turned away while the drain goes on (refused, or closed without a reply).
            try:
                late = socket.create_connection(("127.0.0.1", proxy.port), timeout=1)
                late.sendall(b"\0\0\0\x2c" + b"\0" * 44)
                assert closed_within(late, 1), "a new client was left hanging during the drain"
                log("a new client during the drain: accepted by the kernel, then closed")
            except ConnectionRefusedError:
                log("a new client during the drain: refused")
            time.sleep(1.0)  # the drain must wait for the paused server, not give up on the request
            assert proxy.alive(), "the proxy exited with a request in flight"

            os.kill(paused, signal.SIGCONT)
            paused = None
            busy.sock.settimeout(5)
            rxid, _, err, _ = busy.read_reply()
            assert (rxid, err) == (xid, 0), "expected the sync's reply, got xid %d err %d" % (rxid, err)
            log("the in-flight reply arrived %.2f s after SIGTERM" % (time.time() - t_term))
            assert closed_within(busy.sock, 2), "the connection stayed open after its last reply"
            proxy.process.wait(6 - (time.time() - t_term))
            log("proxy exited %d, %.2f s after SIGTERM" % (proxy.process.returncode, time.time() - t_term))
            assert proxy.process.returncode == 0, proxy.process.returncode
            assert time.time() - t_term < 5.5, "the drain overran its 5 s"
        finally:
            if paused:
                os.kill(paused, signal.SIGCONT)


main()
print("sigterm_drain: ok")
