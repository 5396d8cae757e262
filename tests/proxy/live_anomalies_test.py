#!/usr/bin/python3
"""Session moved, expiry and ping gap scenarios, reported live by the proxy: real kazoo clients through the proxy,
driven as captures/anomalies/record.sh drives them (captures/drivers/anomalies.py), and the anomalies must appear
in the proxy's traffic log (kind "anomaly") and in /metrics while the proxy runs.

- ping_gap, expiry_risk, session_expired: a kazoo client in its own process (anomalies.py child, session timeout
  4 s) is frozen with SIGSTOP for 7 s: silent past 2/3 of its timeout, then past all of it; the server expires the
  session and closes the connection; resumed, the client learns of the expiry and opens a new session.
- session_moved (while the first client is frozen): client A (anomalies.py sm_owner) owns a global session through
  the proxy; client B attaches the same session id and password through the proxy on a second connection, which
  least_connections sends to the other follower; A's next write is closed by its server. avoid_leader keeps both
  on followers, where (unlike on the leader) the stale connection still answers reads, as the driver expects.
Usage: live_anomalies_test.py ZKWIRE ENSEMBLE_DIR"""
import os
import subprocess
import sys
import tempfile
import time

from kazoo.client import KazooClient

from proxy_harness import ROOT, Proxy, ensemble, log, read_log, server_ports, wait_until

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
env = ensemble(ensemble_dir)
ports = server_ports(env)
os.environ["ZK_CONNECT"] = env["ZK_CONNECT"]  # the drivers' module reads it on import
DRIVERS = os.path.join(ROOT, "captures", "drivers")
sys.path.insert(0, DRIVERS)
import anomalies  # noqa: E402  (captures/drivers: the same clients the anomaly captures were recorded with)

traffic = tempfile.NamedTemporaryFile(prefix="zkwire-proxy-anomalies-", suffix=".jsonl", delete=False).name
FREEZE = 7.0  # seconds: past 2/3 of the 4 s timeout (ping_gap), past all of it (expiry_risk), and expired


def flagged(anomaly, session):
    return [r for r in read_log(traffic) if r["kind"] == "anomaly" and r["anomaly"] == anomaly and
            r.get("session") == "0x%x" % session]


def session_moved(proxy, setup):
    if setup.exists("/moved"):  # the driver's fixed path, left over by an interrupted run
        setup.delete("/moved", recursive=True)
    a = subprocess.Popen([sys.executable, os.path.join(DRIVERS, "anomalies.py"), "sm_owner", proxy.connect],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1, cwd=DRIVERS)
    try:
        words = a.stdout.readline().split()
        assert words and words[0] == "session", words
        sid, pwd = int(words[1], 16), bytes.fromhex(words[2])
        a_server = {c["server"] for c in proxy.json("/connections")["connections"] if c["session"] == "0x%x" % sid}
        b = KazooClient(hosts=proxy.connect, timeout=4.0, client_id=(sid, pwd))
        b.start(timeout=10)
        assert b.client_id[0] == sid
        b.get("/moved")
        b.set("/moved", b"from B")
        on = [c["server"] for c in proxy.json("/connections")["connections"] if c["session"] == "0x%x" % sid]
        log("session 0x%x: A on %s, now on %s" % (sid, sorted(a_server), sorted(on)))
        assert len(set(on)) == 2, on  # two connections of one session, on two servers
        a.stdin.write("go\n")  # A: a read, then a write on its stale connection
        a.stdin.flush()
        for line in a.stdout:
            log("A: " + line.strip())
        a.wait(20)
        b.get("/moved")
        b.delete("/moved", recursive=True)
        b.stop()
        b.close()
    finally:
        if a.poll() is None:
            a.kill()
            a.wait()
    return sid


def main():
    proxy_args = ["--avoid-leader", "--health-check-interval-ms", "250"]
    with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports], *proxy_args, log_traffic=traffic) as proxy:
        wait_until(lambda: sum(u["mode"] == "follower" for u in proxy.json("/upstreams")["upstreams"]) == 2, 5,
                   "both followers known to the proxy")
        setup = KazooClient(hosts=env["ZK_CONNECT"], timeout=10.0)
        setup.start(timeout=10)

        child = anomalies.Child(proxy.connect, "4")
        path = "/zkwire-proxy-expiring-%d" % os.getpid()
        child.cmd("mkeph " + path)  # a global session, as in the capture
        child.cmd("op")
        frozen_sid = next(int(c["session"], 16) for c in proxy.json("/connections")["connections"])  # its only one
        log("child session 0x%x; SIGSTOP for %.0f s (timeout 4 s)" % (frozen_sid, FREEZE))
        t_stop = time.time()
        child.stop()
        try:
            moved_sid = session_moved(proxy, setup)
            wait_until(lambda: flagged("session_moved", moved_sid), 5, "session_moved in the traffic log")
            log("session_moved flagged for 0x%x, %.1f s into the freeze" % (moved_sid, time.time() - t_stop))

            gap = wait_until(lambda: flagged("ping_gap", frozen_sid), FREEZE, "ping_gap")[0]
            log("ping_gap after %.1f s of freeze: %s" % (gap["ts"] - t_stop, gap["detail"]))
            risk = wait_until(lambda: flagged("expiry_risk", frozen_sid), FREEZE, "expiry_risk")[0]
            log("expiry_risk after %.1f s of freeze: %s" % (risk["ts"] - t_stop, risk["detail"]))
            assert gap["ts"] < risk["ts"]
            time.sleep(max(0.0, FREEZE - (time.time() - t_stop)))
        finally:
            child.cont()
        log("SIGCONT")
        log("child: " + child.cmd("wait_new_session"))
        expired = wait_until(lambda: flagged("session_expired", frozen_sid), 5, "session_expired")
        log("session_expired: %s" % expired[0]["detail"])
        child.finish()
        time.sleep(0.6)  # the tick flushes the traffic log every 250 ms
        counters = {a: proxy.metric("zkwire_anomalies_total", anomaly=a)
                    for a in ("session_moved", "ping_gap", "expiry_risk", "session_expired")}
        log("/metrics: %s" % counters)
        assert all(v >= 1 for v in counters.values()), counters
        if setup.exists(path):
            setup.delete(path)
        setup.stop()
        setup.close()


try:
    main()
finally:
    os.unlink(traffic)
print("live_anomalies: ok")
