#!/usr/bin/python3
"""A server SIGKILLed under load: every session behind the proxy moves to another server and lives on.

Several kazoo sessions loop on set/get through the proxy; the server holding most of their connections is
killed. Each client must reconnect through the proxy with the same session id, never see its session expire,
and go on answering; the proxy must count the dead server's failures and log the closes (and their unanswered
requests). The node is restarted at the end. Usage: server_killed_test.py ZKWIRE ENSEMBLE_DIR"""
import collections
import os
import subprocess
import sys
import tempfile
import time

from proxy_harness import ROOT, Proxy, SessionWorker, ensemble, log, read_log, server_ports, wait_until

CLIENTS = 6
zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
env = ensemble(ensemble_dir)
ports = server_ports(env)
script = os.path.join(ROOT, "scripts", "zk-ensemble.sh")
traffic = tempfile.NamedTemporaryFile(prefix="zkwire-proxy-kill-", suffix=".jsonl", delete=False).name


def main():
    killed = None
    with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports], "--connect-timeout-ms", "300",
               log_traffic=traffic) as proxy:
        workers = [SessionWorker(proxy.connect, "proxy-kill-%d" % n) for n in range(CLIENTS)]
        for w in workers:
            w.start()
        wait_until(lambda: all(w.done >= 20 for w in workers), 20, "every worker under way")

        by_server = collections.Counter(c["server"] for c in proxy.json("/connections")["connections"])
        victim_address, count = by_server.most_common(1)[0]
        victim = ports.index(int(victim_address.rsplit(":", 1)[1])) + 1
        log("killing node %d (%s), which holds %d of %d connections" % (victim, victim_address, count, CLIENTS))
        before = {id(w): w.done for w in workers}
        killed = victim
        subprocess.run([script, "kill", ensemble_dir, str(victim)], check=True)
        t_kill = time.time()

        # Every worker must make real progress again, through another server.
        wait_until(lambda: all(w.done >= before[id(w)] + 20 for w in workers), 40, "every worker resumed")
        log("all %d sessions resumed %.1f s after the kill" % (CLIENTS, time.time() - t_kill))
        servers_now = {c["server"] for c in proxy.json("/connections")["connections"]}
        assert victim_address not in servers_now, "a client is still relayed to the dead server"

        # The death is counted by whichever notices first: a reconnect tried on the dead server (least connections
        # offers it while it holds none) is refused, or a health check finds nothing listening. After failure_limit
        # of them, together, the server is ejected.
        def failures():
            return (proxy.metric("zkwire_upstream_failures_total", server=victim_address) +
                    proxy.metric("zkwire_upstream_health_check_failures_total", server=victim_address))
        wait_until(lambda: failures() >= 1, 10, "the dead server's failures counted")
        wait_until(lambda: failures() < 3 or proxy.metric("zkwire_upstream_up", server=victim_address) == 0, 10,
                   "the dead server ejected after failure_limit failures")
        log("metrics for the dead server: connect failures %d, failed health checks %d, up %d" % (
            proxy.metric("zkwire_upstream_failures_total", server=victim_address),
            proxy.metric("zkwire_upstream_health_check_failures_total", server=victim_address),
            proxy.metric("zkwire_upstream_up", server=victim_address)))

        for w in workers:
            w.stop.set()
        for w in workers:
            w.join(10)
            # kazoo raises its own errors while it reconnects: tolerated, but never an expired session.
            assert not w.errors or all("Expired" not in e for e in w.errors), w.errors
            w.finish()
        losses = sum(w.losses for w in workers)
        time.sleep(0.5)  # the tick flushes the traffic log every 250 ms

    records = read_log(traffic)
    closes = [r for r in records if r["kind"] == "connection_close" and r["server"] == victim_address]
    assert len(closes) >= count, "expected %d closes on %s, got %d" % (count, victim_address, len(closes))
    with_pending = [r for r in closes if r.get("pending", 0) > 0]
    anomalies = [r for r in records if r["kind"] == "anomaly" and r.get("anomaly") == "unanswered_requests"
                 and r["server"] == victim_address]
    log("%d closes on the dead server, %d with requests in flight, %d unanswered_requests anomalies, "
        "%d ConnectionLoss seen by clients" % (len(closes), len(with_pending), len(anomalies), losses))
    assert len(anomalies) == len(with_pending), (with_pending, anomalies)
    # The converse does not hold: kazoo also fails requests still queued in the client, never written, with
    # ConnectionLoss, and killing the leader makes the followers drop their clients too, so ConnectionLoss
    # can come with no request in flight on the dead server.
    return killed


killed = None
try:
    killed = main()
finally:
    if killed is None:  # killed inside main() but it failed before returning: still restart
        e = ensemble(ensemble_dir)
        killed = next((n for n in range(1, 4) if not e.get("ZK_PID_%d" % n)), None)
    if killed:
        subprocess.run([script, "restart", ensemble_dir, str(killed)], check=True)
        log("node %d restarted" % killed)
    os.unlink(traffic)
print("server_killed: ok")
