#!/usr/bin/python3
"""The same frames on both sides of the proxy: kazoo's CRUD workload runs through the proxy while tcpdump records
both legs on lo; `zkwire analyze` decodes the capture, and the client<->proxy leg, the proxy<->server leg and the
proxy's own traffic log must list the same frames (kind, op, xid, err, len) in the same order, each direction.
Usage: same_bytes_test.py ZKWIRE ENSEMBLE_DIR"""
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from proxy_harness import ROOT, Proxy, ensemble, log, read_log, server_ports

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
ports = server_ports(ensemble(ensemble_dir))
work = tempfile.mkdtemp(prefix="zkwire-proxy-bytes-")
FIELDS = ("kind", "op", "xid", "err", "len")


def frames(records):
    """{dir: [(kind, op, xid, err, len), ...]} of the records that are frames, in order."""
    out = collections.defaultdict(list)
    for r in records:
        if "len" in r:
            out[r["dir"]].append(tuple(r.get(f) for f in FIELDS))
    return out


def by_connection(records):
    conns = collections.defaultdict(list)
    for r in records:
        conns[(r["client"], r["server"])].append(r)
    return conns


def session_of(records):
    return next((r["session"] for r in records if r["kind"] == "connect_response"), None)


def main():
    traffic = os.path.join(work, "traffic.jsonl")
    pcap = os.path.join(work, "both-legs.pcap")
    with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports], log_traffic=traffic) as proxy:
        bpf = " or ".join("tcp port %d" % p for p in [proxy.port] + ports)
        err = open(os.path.join(work, "tcpdump.err"), "w+")
        tcpdump = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-s", "0", "-U", "-B", "65536", "--immediate-mode",
                                    "-w", pcap, bpf], stderr=err)
        try:
            for _ in range(100):
                if "listening on" in open(err.name).read():
                    break
                time.sleep(0.05)
            time.sleep(0.3)
            env = dict(os.environ, ZK_CONNECT=proxy.connect)
            subprocess.run(["/usr/bin/python3", "kazoo_crud.py"], cwd=os.path.join(ROOT, "captures", "drivers"),
                           env=env, check=True, timeout=60)
            time.sleep(0.5)
        finally:
            tcpdump.send_signal(signal.SIGINT)
            tcpdump.wait(10)
    # The proxy has exited (and flushed its log) on leaving the with block.

    analyzed = subprocess.run([zkwire, "analyze", "--format", "jsonl", "--port",
                               ",".join(str(p) for p in [proxy.port] + ports), pcap],
                              check=True, capture_output=True, text=True).stdout
    records = [json.loads(line) for line in analyzed.splitlines() if line.strip()]
    conns = by_connection(records)
    front = {k: v for k, v in conns.items() if k[1] == "127.0.0.1:%d" % proxy.port}
    back = {session_of(v): (k, v) for k, v in conns.items() if k[1] != "127.0.0.1:%d" % proxy.port}
    assert front, "no client<->proxy connection in the capture"
    logged = by_connection(read_log(traffic))
    compared = 0
    for (client, _), front_records in front.items():
        session = session_of(front_records)
        assert session in back, "session %s: no proxy<->server leg with it in the capture" % session
        (_, upstream), back_records = back[session]
        mine = logged.get((client, upstream))
        assert mine, "the traffic log has no records for %s -> %s" % (client, upstream)
        a, b, c = frames(front_records), frames(back_records), frames(mine)
        for d in ("c2s", "s2c"):
            assert a[d] == b[d], "session %s %s: client leg and server leg differ: %s" % (
                session, d, first_difference(a[d], b[d]))
            assert a[d] == c[d], "session %s %s: capture and traffic log differ: %s" % (
                session, d, first_difference(a[d], c[d]))
        compared += len(a["c2s"]) + len(a["s2c"])
        log("session %s via %s: %d requests and %d replies/events identical on both legs and in the log" %
            (session, upstream, len(a["c2s"]), len(a["s2c"])))
    assert compared > 50, "only %d frames compared" % compared


def first_difference(x, y):
    for i, (p, q) in enumerate(zip(x, y)):
        if p != q:
            return "frame %d: %s vs %s" % (i, p, q)
    return "lengths %d vs %d" % (len(x), len(y))


try:
    main()
finally:
    shutil.rmtree(work, ignore_errors=True)
print("same_bytes: ok")
