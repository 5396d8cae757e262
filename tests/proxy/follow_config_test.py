#!/usr/bin/python3
"""The proxy follows the ensemble's own member list: /zookeeper/config, read over a session of its own and watched.

Started with one server to ask and --follow-ensemble-config, the proxy must list all five members. Ten kazoo
sessions work through it. A follower is then removed with a real dynamic reconfig (kazoo's reconfig, as an
operator would): the proxy must follow, drain that server by moving exactly the sessions it held, and keep the
spread even; added back, it gets exactly its share. No session expires or changes; the membership is restored.
Usage: follow_config_test.py ZKWIRE ENSEMBLE_DIR (an ensemble started with reconfigEnabled=true)"""
import os
import sys
import time

from kazoo.client import KazooClient
from kazoo.exceptions import ConnectionLoss

from proxy_harness import Proxy, SessionWorker, ensemble, log, server_ports, wait_until

CLIENTS = 10
zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
env = ensemble(ensemble_dir)
ports = server_ports(env)
addresses = ["127.0.0.1:%d" % p for p in ports]


def view(proxy):
    return proxy.json("/servers")


def takers(proxy):
    return {s["address"]: s["sessions"] for s in view(proxy)["servers"] if s["takes_clients"]}


def settle(proxy, servers, what):
    def even():
        v = view(proxy)
        sessions = {s["address"]: s["sessions"] for s in v["servers"] if s["takes_clients"]}
        on = [sessions.get(a, 0) for a in servers]
        return (v["moves_under_way"] == 0 and set(sessions) == set(servers) and sum(sessions.values()) == CLIENTS
                and max(on) - min(on) <= 1)
    try:
        wait_until(even, 60, "an even spread after " + what, interval=0.2)
    except AssertionError:
        log("last /servers: " + proxy.get("/servers"))
        raise
    moves = view(proxy)["moves_total"]
    log("%s: %s, %d moves so far" % (what, sorted(takers(proxy).values()), moves))
    return moves


def member_line(n):
    return "server.%d=127.0.0.1:%s:%s:participant;127.0.0.1:%d" % (
        n, env["ZK_QUORUM_PORT_%d" % n], env["ZK_ELECTION_PORT_%d" % n], ports[n - 1])


def reconfig(admin, **change):
    """kazoo's reconfig, retried once if the connection drops under it (the change may have been applied)."""
    for attempt in range(2):
        try:
            return admin.reconfig(new_members=None, **change)[0].decode()
        except ConnectionLoss:
            time.sleep(1)
    return admin.get("/zookeeper/config")[0].decode()


def main():
    admin = KazooClient(hosts=",".join(addresses), timeout=20.0)
    admin.start(timeout=15)
    restore = None
    try:
        with Proxy(zkwire, addresses[:1], "--follow-ensemble-config", "--rebalance", "--moves-per-second", "50",
                   log_traffic=os.devnull) as proxy:
            wait_until(lambda: set(takers(proxy)) == set(addresses), 20, "all five members from /zookeeper/config")
            log("the proxy follows /zookeeper/config: %d members" % len(takers(proxy)))
            workers = [SessionWorker(proxy.connect, "follow-%d" % n) for n in range(CLIENTS)]
            for w in workers:
                w.start()
            start = settle(proxy, addresses, "ten sessions")

            # Remove a follower (removing the leader would start an election: a different test).
            wait_until(lambda: all(s["mode"] != "unknown" for s in view(proxy)["servers"]), 10, "every mode checked")
            modes = {s["address"]: s["mode"] for s in view(proxy)["servers"]}
            victim = next(a for a in reversed(addresses) if modes.get(a) == "follower")
            n = addresses.index(victim) + 1
            on_victim = takers(proxy)[victim]
            restore = n
            text = reconfig(admin, joining=None, leaving=str(n))
            assert ("server.%d=" % n) not in text, text
            log("reconfig removed server.%d (%s), which held %d sessions" % (n, victim, on_victim))
            rest = [a for a in addresses if a != victim]
            removed = settle(proxy, rest, "server.%d removed" % n)
            assert removed - start == on_victim, (removed - start, on_victim)
            states = {s["address"]: s["state"] for s in view(proxy)["servers"]}
            assert states.get(victim, "removed") in ("draining", "removed"), states

            text = reconfig(admin, joining=member_line(n), leaving=None)
            assert ("server.%d=" % n) in text, text
            restore = None
            log("reconfig added server.%d back" % n)
            back = settle(proxy, addresses, "server.%d back" % n)
            assert back - removed == CLIENTS // len(addresses), back - removed

            for w in workers:
                w.stop.set()
            for w in workers:
                w.join(10)
                assert not w.errors, w.errors  # every request answered, or failed with ConnectionLoss
                w.finish()
    finally:
        if restore:  # put the member back for whoever uses the ensemble next
            reconfig(admin, joining=member_line(restore), leaving=None)
        admin.stop()
        admin.close()


main()
print("follow_config: ok")
