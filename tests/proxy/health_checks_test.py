#!/usr/bin/python3
"""Health checks against the real ensemble: the proxy's srvr checks see each node's mode (as the nodes themselves
say it), avoid_leader keeps every client off the leader, and a follower that is paused (SIGSTOP) or killed is
marked down and ejected by the checks alone, then back once it answers again.
Usage: health_checks_test.py ZKWIRE ENSEMBLE_DIR"""
import os
import re
import signal
import socket
import subprocess
import sys
import time

from kazoo.client import KazooClient

from proxy_harness import ROOT, Proxy, ensemble, log, server_ports, wait_until

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
env = ensemble(ensemble_dir)
ports = server_ports(env)
script = os.path.join(ROOT, "scripts", "zk-ensemble.sh")
addresses = ["127.0.0.1:%d" % p for p in ports]


def srvr_mode(port):
    """The node's own word on its mode, asked directly."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(b"srvr")
        reply = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            reply += d
    m = re.search(rb"Mode: (\S+)", reply)
    return m.group(1).decode() if m else None


def upstream(proxy, address):
    return next(u for u in proxy.json("/upstreams")["upstreams"] if u["server"] == address)


def clients_on(proxy):
    return sorted(c["server"] for c in proxy.json("/connections")["connections"])


def connect_clients(proxy, n):
    clients = []
    for _ in range(n):
        zk = KazooClient(hosts=proxy.connect, timeout=10.0)
        zk.start(timeout=10)
        zk.exists("/")
        clients.append(zk)
    return clients


def close_all(clients):
    for zk in clients:
        zk.stop()
        zk.close()


def main(state):
    with Proxy(zkwire, addresses, "--health-check-interval-ms", "250", "--health-check-timeout-ms", "300",
               "--failure-limit", "2", "--retry-timeout-ms", "60000", "--avoid-leader") as proxy:
        # 1. Every node's mode, as srvr tells it to us and to the proxy.
        modes = {a: srvr_mode(p) for a, p in zip(addresses, ports)}
        log("the nodes say: %s" % modes)
        assert sorted(modes.values()) == ["follower", "follower", "leader"], modes
        wait_until(lambda: all(upstream(proxy, a)["mode"] == m for a, m in modes.items()), 5, "the proxy's modes")
        leader = next(a for a, m in modes.items() if m == "leader")
        followers = [a for a in addresses if a != leader]
        for a, m in modes.items():
            assert proxy.metric("zkwire_upstream_mode", server=a, mode=m) == 1, (a, m)
            assert proxy.metric("zkwire_upstream_serving", server=a) == 1, a
        assert proxy.metric("zkwire_upstream_zxid", server=leader) > 0
        log("the proxy agrees; leader %s" % leader)

        # 2. avoid_leader: six clients, none on the leader, spread over both followers.
        clients = connect_clients(proxy, 6)
        on = clients_on(proxy)
        log("six clients on %s" % on)
        assert leader not in on and sorted(set(on)) == sorted(followers), on
        close_all(clients)
        # Their connections end when the servers answer the closeSession and close: before a server is paused.
        wait_until(lambda: not clients_on(proxy), 10, "the six connections closed")

        # 3. A paused follower: the kernel still accepts, srvr gets no answer: down and ejected by the checks.
        victim = followers[0]
        node = addresses.index(victim) + 1
        state["paused"] = pid = int(env["ZK_PID_%d" % node])
        t = time.time()
        os.kill(pid, signal.SIGSTOP)
        wait_until(lambda: upstream(proxy, victim)["state"] == "ejected", 5, "the paused node ejected")
        u = upstream(proxy, victim)
        log("paused %s: %s after %.2f s (%s)" % (victim, u["health"], time.time() - t, u["detail"]))
        assert u["health"] == "unreachable" and "no whole answer" in u["detail"], u
        assert proxy.metric("zkwire_upstream_up", server=victim) == 0
        assert proxy.get("/healthz").startswith('{"status":"ok"')  # the other two still serve
        clients = connect_clients(proxy, 2)
        assert clients_on(proxy) == [followers[1]] * 2, clients_on(proxy)  # neither the paused one nor the leader
        close_all(clients)
        os.kill(pid, signal.SIGCONT)
        state["paused"] = None
        t = time.time()
        wait_until(lambda: upstream(proxy, victim)["state"] == "up", 5, "the resumed node back")
        log("resumed %s: up again after %.2f s" % (victim, time.time() - t))

        # 4. A killed follower: refused, down, ejected; restarted, serving again.
        t = time.time()
        state["killed"] = node
        subprocess.run([script, "kill", ensemble_dir, str(node)], check=True)
        wait_until(lambda: upstream(proxy, victim)["state"] == "ejected", 5, "the killed node ejected")
        u = upstream(proxy, victim)
        log("killed %s: %s after %.2f s (%s)" % (victim, u["health"], time.time() - t, u["detail"]))
        assert u["health"] == "unreachable", u
        subprocess.run([script, "restart", ensemble_dir, str(node)], check=True)
        state["killed"] = None
        wait_until(lambda: upstream(proxy, victim)["health"] == "serving" and upstream(proxy, victim)["state"] == "up",
                   10, "the restarted node serving")
        u = upstream(proxy, victim)
        log("restarted %s: %s %s, %d checks, %d failed" % (victim, u["health"], u["mode"], u["health_checks_total"],
                                                         u["health_check_failures_total"]))
        assert u["mode"] == "follower", u
        assert proxy.metric("zkwire_upstream_health_check_failures_total", server=victim) >= 4


state = {"paused": None, "killed": None}
try:
    main(state)
finally:
    if state["paused"]:
        os.kill(state["paused"], signal.SIGCONT)
    if state["killed"]:
        subprocess.run([script, "restart", ensemble_dir, str(state["killed"])], check=True)
print("health_checks: ok")
