#!/usr/bin/python3
"""Rebalancing under load on a real 5-node ensemble: the proxy starts with 3 of its servers.

Thirty kazoo sessions loop on writes and reads through the proxy. The server list, from a config file, grows to 5
(POST /servers), shrinks back to 3 (the file edited, then SIGHUP), then one server is killed and restarted. After each step the proxy must reach an even spread (within one
session) with the fewest moves: each server's excess over its fair share, which is never more than the Java
client's own ZOOKEEPER-1355 algorithm would move on the same numbers (simulated below). Throughout: no session
expires or changes, no SessionMoved, and every request is answered or failed with ConnectionLoss.
Usage: rebalance_test.py ZKWIRE ENSEMBLE_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from proxy_harness import ROOT, Proxy, SessionWorker, ensemble, log, progress, server_ports, wait_until

CLIENTS = 30
zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
env = ensemble(ensemble_dir)
ports = server_ports(env)
assert len(ports) == 5, "the rebalance test needs the 5-node fixture"
addresses = ["127.0.0.1:%d" % p for p in ports]
script = os.path.join(ROOT, "scripts", "zk-ensemble.sh")


def client_side_expected_moves(old, new, sessions_by_server):
    """The Java client's expected reconnects when its list changes from `old` to `new` (StaticHostProvider):
    clients of a removed server all move; if the list grew, each other client moves with probability 1-|old|/|new|."""
    moves = 0.0
    for server, n in sessions_by_server.items():
        if server not in new:
            moves += n
        elif len(new) > len(old):
            moves += n * (1 - len(old) / len(new))
    return moves


def write_config(path, servers, reason="the first list"):
    with open(path, "w") as f:
        f.write("# %s\nproxy:\n  rebalance: true\n  moves_per_second: 50\n  upstreams:\n" % reason)
        for s in servers:
            f.write("    - %s\n" % s)


def post_servers(proxy, servers):
    body = json.dumps({"servers": servers}).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/servers" % proxy.admin, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as r:
        return json.loads(r.read().decode())


def spread(proxy):
    """{address: sessions} of the servers taking clients, the moves counted so far and those under way."""
    view = proxy.json("/servers")
    sessions = {s["address"]: s["sessions"] for s in view["servers"] if s["takes_clients"]}
    return sessions, view["moves_total"], view["moves_under_way"]


def settle(proxy, servers, what, timeout=60):
    """Waits for an even spread over exactly `servers` with no move under way; returns the move count."""
    def even():
        sessions, moves, under_way = spread(proxy)
        total = sum(sessions.values())
        on_listed = [sessions.get(a, 0) for a in servers]
        return (under_way == 0 and set(sessions) == set(servers) and total == CLIENTS and
                max(on_listed) - min(on_listed) <= 1) and moves
    try:
        wait_until(lambda: even() is not False, timeout, "an even spread after " + what, interval=0.2)
    except AssertionError:
        log("last /servers: " + proxy.get("/servers"))
        log("last /connections: " + proxy.get("/connections"))
        raise
    sessions, moves, _ = spread(proxy)
    log("%s: spread %s, %d moves so far" % (what, sorted(sessions.values()), moves))
    return moves


def main():
    killed = None
    # The list starts in a config file: it grows by POST /servers and shrinks back by SIGHUP on the file.
    config = tempfile.NamedTemporaryFile("w", prefix="zkwire-rebalance-", suffix=".yaml", delete=False)
    write_config(config.name, addresses[:3])
    with Proxy(zkwire, None, "-c", config.name, log_traffic=os.devnull) as proxy:
        workers = [SessionWorker(proxy.connect, "rebalance-%d" % n) for n in range(CLIENTS)]
        for w in workers:
            w.start()
        progress(workers, 5, 40)
        moves = settle(proxy, addresses[:3], "start")
        assert moves == 0, "an even start needs no move"

        # Grow to 5: 10/10/10 becomes 6 each; the minimum is 3 x 4 = 12 moves.
        before, _, _ = spread(proxy)
        post_servers(proxy, addresses)
        grown = settle(proxy, addresses, "grown to 5")
        expected_client_side = client_side_expected_moves(addresses[:3], addresses, before)
        log("grow: %d moves; minimum 12; the Java clients would expect %.1f" % (grown - moves, expected_client_side))
        assert grown - moves == 12, grown - moves
        assert grown - moves <= expected_client_side + 1e-9
        progress(workers, 5, 40)

        # Shrink back to 3 by editing the file and SIGHUP: the 12 sessions of servers 4 and 5 move, nobody else.
        before, _, _ = spread(proxy)
        write_config(config.name, addresses[:3], reason="shrunk by a reload")
        proxy.reload()
        shrunk = settle(proxy, addresses[:3], "shrunk to 3")
        expected_client_side = client_side_expected_moves(addresses, addresses[:3], before)
        log("shrink: %d moves; the Java clients would expect %.1f" % (shrunk - grown, expected_client_side))
        assert shrunk - grown == sum(before.get(a, 0) for a in addresses[3:])
        assert shrunk - grown <= expected_client_side + 1e-9
        progress(workers, 5, 40)

        # Kill server 1: its clients reconnect by themselves (not moves) to the two others; when it is back it
        # gets its share from them, and nothing else moves.
        victim = 1
        subprocess.run([script, "kill", ensemble_dir, str(victim)], check=True)
        killed = victim
        progress(workers, 5, 40)
        before_back = settle(proxy, addresses[1:3], "server 1 down")
        subprocess.run([script, "restart", ensemble_dir, str(victim)], check=True)
        killed = None
        log("node %d restarted" % victim)
        back = settle(proxy, addresses[:3], "server 1 back")
        log("server back: %d moves (its fair share is 10)" % (back - before_back))
        assert back - before_back == 10, back - before_back
        progress(workers, 5, 40)

        for w in workers:
            w.stop.set()
        metrics = proxy.metrics()
        moved_anomalies = metrics.get('zkwire_anomalies_total{anomaly="session_moved"}', 0)
        expired_anomalies = metrics.get('zkwire_anomalies_total{anomaly="session_expired"}', 0)
        log("done: %d requests, %d ConnectionLoss seen by clients, %d session_moved, %d session_expired" %
            (sum(w.done for w in workers), sum(w.losses for w in workers), moved_anomalies, expired_anomalies))
        for w in workers:
            w.join(10)
            assert not w.errors, w.errors  # every request answered, or failed with ConnectionLoss
            w.finish()
        assert moved_anomalies == 0, "a move caused SessionMoved"
        assert expired_anomalies == 0, "a session expired"
    os.unlink(config.name)
    return killed


killed = None
try:
    killed = main()
finally:
    if killed:
        subprocess.run([script, "restart", ensemble_dir, str(killed)], check=True)
print("rebalance: ok")
