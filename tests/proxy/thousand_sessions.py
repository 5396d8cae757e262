#!/usr/bin/python3
"""1,000 concurrent sessions through one proxy, each doing a few requests, all answered; the proxy's gauge sees
them all at once. Raw asyncio sockets speak the handshake and the requests (a kazoo client per session would
cost a thread each). Run by thousand_sessions_test.sh, which raises the descriptor limit first."""
import asyncio
import struct
import sys
import time

from proxy_harness import Proxy, ensemble, log, server_ports

SESSIONS = 1000
zkwire, ensemble_dir = sys.argv[1], sys.argv[2]
ports = server_ports(ensemble(ensemble_dir))


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def path(p):
    return struct.pack(">i", len(p)) + p.encode()


async def read_frame(reader):
    (n,) = struct.unpack(">i", await reader.readexactly(4))
    return await reader.readexactly(n)


async def session(n, port, handshakes, all_open, results):
    async with handshakes:  # the servers' accept backlogs are small: not all 1,000 handshakes at once
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(frame(struct.pack(">iqiq", 0, 0, 30000, 0) + struct.pack(">i", 16) + b"\0" * 16 + b"\0"))
        reply = await read_frame(reader)
        _, timeout, session_id = struct.unpack_from(">iiq", reply)
        assert session_id != 0 and timeout > 0, "session %d refused" % n
        # exists("/"), getChildren("/"), a ping: pipelined, answered in order.
        writer.write(frame(struct.pack(">ii", 1, 3) + path("/") + b"\0") +
                     frame(struct.pack(">ii", 2, 8) + path("/") + b"\0") +
                     frame(struct.pack(">ii", -2, 11)))
        for expected in (1, 2, -2):
            xid, _, err = struct.unpack_from(">iqi", await read_frame(reader))
            assert (xid, err) == (expected, 0), "session %d: xid %d err %d, expected xid %d" % (n, xid, err, expected)
    results.append(session_id)
    await all_open.wait()
    writer.write(frame(struct.pack(">ii", 3, -11)))  # closeSession
    xid, _, err = struct.unpack_from(">iqi", await read_frame(reader))
    assert (xid, err) == (3, 0), (n, xid, err)
    writer.close()
    await writer.wait_closed()


async def main(proxy):
    handshakes = asyncio.Semaphore(100)
    all_open = asyncio.Event()
    results = []
    t = time.time()
    tasks = [asyncio.create_task(session(n, proxy.port, handshakes, all_open, results)) for n in range(SESSIONS)]
    while len(results) < SESSIONS:
        failed = [task for task in tasks if task.done() and task.exception()]
        if failed:
            raise failed[0].exception()
        assert time.time() - t < 45, "only %d sessions after 45 s" % len(results)
        await asyncio.sleep(0.1)
    log("%d sessions open, each with 3 answered requests, in %.1f s" % (SESSIONS, time.time() - t))
    assert len(set(results)) == SESSIONS, "duplicate session ids"
    gauge = await asyncio.get_running_loop().run_in_executor(None, proxy.metric, "zkwire_connections")
    by_server = await asyncio.get_running_loop().run_in_executor(None, proxy.metrics)
    log("zkwire_connections %d; per server %s" % (gauge, {k: v for k, v in by_server.items()
                                                         if k.startswith("zkwire_upstream_connections")}))
    assert gauge == SESSIONS, "the connections gauge says %d" % gauge
    # least_connections counts a connection from its first attempt, so even a burst spreads evenly.
    spread = [v for k, v in by_server.items() if k.startswith("zkwire_upstream_connections")]
    assert max(spread) - min(spread) <= 1, "least_connections spread %s is not even" % spread
    all_open.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    log("all closed %.1f s after the start" % (time.time() - t))


with Proxy(zkwire, ["127.0.0.1:%d" % p for p in ports]) as proxy:
    asyncio.run(main(proxy))
    deadline = time.time() + 10
    while proxy.metric("zkwire_connections") > 0 and time.time() < deadline:
        time.sleep(0.1)
    assert proxy.metric("zkwire_connections") == 0, "connections left open after every client closed"
    requests = proxy.metrics()
    assert requests.get('zkwire_requests_total{op="closeSession"}') == SESSIONS, requests
print("thousand_sessions: ok")
