#!/usr/bin/python3
"""An IPv6 listener (--listen [::1]:PORT, next to an IPv4 one) carries a kazoo session end to end to the IPv4
ensemble: create, read, a watch that fires, close; the traffic log and /connections name the client by its IPv6
address. Skipped (exit 77) only when the machine has no IPv6 loopback. Usage: ipv6_listener_test.py ZKWIRE DIR"""
import os
import socket
import sys
import tempfile
import threading
import time

from kazoo.client import KazooClient

from proxy_harness import Proxy, ensemble, log, read_log, server_ports

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
ports = server_ports(ensemble(ensemble_dir))
traffic = tempfile.NamedTemporaryFile(prefix="zkwire-proxy-ipv6-", suffix=".jsonl", delete=False).name


def ipv6_loopback_port():
    """A free port on ::1, or None when there is no IPv6 loopback."""
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
    except OSError as e:
        print("ipv6_listener: SKIPPED, no IPv6 loopback on this machine (%s)" % e)
        return None
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    port6 = ipv6_loopback_port()
    if port6 is None:
        sys.exit(77)
    # The harness listens on 127.0.0.1; a second --listen adds the IPv6 one.
    with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports], "--listen", "[::1]:%d" % port6,
               log_traffic=traffic) as proxy:
        zk = KazooClient(hosts="[::1]:%d" % port6, timeout=10.0)
        zk.start(timeout=10)
        path = "/zkwire-proxy-ipv6-%d" % os.getpid()
        fired = threading.Event()
        zk.create(path, b"over ipv6", ephemeral=True)
        data, _ = zk.get(path, watch=lambda event: fired.set())
        assert data == b"over ipv6", data
        zk.set(path, b"changed")
        assert fired.wait(5), "the watch did not fire"
        clients = [c["client"] for c in proxy.json("/connections")["connections"]]
        log("client over IPv6 seen by the proxy as %s" % clients)
        assert len(clients) == 1 and clients[0].startswith("[::1]:"), clients
        session = zk.client_id[0]
        zk.stop()
        zk.close()
        time.sleep(0.6)  # the tick flushes the traffic log every 250 ms
    records = [r for r in read_log(traffic) if r.get("client", "").startswith("[::1]:")]
    kinds = [r["kind"] for r in records]
    log("%d records for the IPv6 client: %s" % (len(records), sorted(set(kinds))))
    assert kinds[0] == "connection_open" and kinds[-1] == "connection_close", kinds
    assert "connect_response" in kinds and "event" in kinds, kinds
    assert any(r.get("session") == "0x%x" % session for r in records)
    closes = [r for r in records if r["kind"] == "connection_close"]
    assert closes[0]["pending"] == 0, closes


try:
    main()
finally:
    os.unlink(traffic)
print("ipv6_listener: ok")
