#!/usr/bin/python3
"""--close-oversized: the proxy resets a connection that sends a frame above max_frame, and counts that frame
once: one decode error and one oversized_frame anomaly per frame, whether its length is just over the limit
(skippable) or far past it (2 GB: its body is held as unframed bytes). Usage: close_oversized_test.py ZKWIRE DIR"""
import os
import struct
import sys
import tempfile
import time

from proxy_harness import Proxy, ensemble, log, read_log, server_ports
import zkraw

zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
ports = server_ports(ensemble(ensemble_dir))
traffic = tempfile.NamedTemporaryFile(prefix="zkwire-proxy-oversized-", suffix=".jsonl", delete=False).name


def send_oversized(proxy, length, body_bytes):
    c = zkraw.RawConn(proxy.port)
    c.connect(timeout_ms=10000)
    try:
        c.sock.sendall(struct.pack(">i", length) + os.urandom(body_bytes))
    except (BrokenPipeError, ConnectionResetError):
        pass  # closed by the proxy while we were still sending: what we asked for
    assert c.closed_by_server(5), "the proxy did not close a connection that sent a %d-byte frame" % length
    c.close()


def main():
    with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports], "--close-oversized", log_traffic=traffic) as proxy:
        send_oversized(proxy, 0x7FFFFFFF, 100_000)  # past the skip limit: the framing is lost on it
        send_oversized(proxy, 1_100_024, 40_000)  # just over jute.maxbuffer: skippable
        time.sleep(0.6)  # the tick flushes the traffic log every 250 ms
        errors = proxy.metric("zkwire_decode_errors_total")
        oversized = proxy.metric("zkwire_anomalies_total", anomaly="oversized_frame")
    records = read_log(traffic)
    decode_errors = [r for r in records if r["kind"] == "decode_error"]
    closes = [r for r in records if r["kind"] == "connection_close"]
    log("decode errors %s, oversized_frame anomalies %d, closes %s" %
        ([r["error"] for r in decode_errors], oversized, [r["detail"] for r in closes]))
    assert [r["error"] for r in decode_errors] == ["frame_too_large", "frame_too_large"], decode_errors
    assert errors == 2, "zkwire_decode_errors_total %d for two oversized frames" % errors
    assert oversized == 2, oversized
    assert all("closed by the proxy: oversized frame" in r["detail"] for r in closes), closes


try:
    main()
finally:
    os.unlink(traffic)
print("close_oversized: ok")
