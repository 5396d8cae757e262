#!/usr/bin/python3
"""The demo's client workload: a few kazoo sessions through the proxy doing what applications do (ephemeral
registrations, config reads with watches, counters, child lists), riding out a server failure.
Usage: demo_workload.py CONNECT SECONDS [WORKERS [FIRST]]   (workers FIRST.. FIRST+WORKERS-1; default 3 from 0)"""
import logging
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NodeExistsError, NoNodeError

logging.basicConfig(level=logging.CRITICAL)
connect, seconds = sys.argv[1], float(sys.argv[2])
workers = int(sys.argv[3]) if len(sys.argv) > 3 else 3
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
stop = time.time() + seconds


def worker(n):
    zk = KazooClient(hosts=connect, timeout=6.0)
    zk.start(timeout=15)
    zk.ensure_path("/demo/config")
    zk.ensure_path("/demo/members")
    try:
        zk.create(f"/demo/members/worker-{n}", b"alive", ephemeral=True)
    except NodeExistsError:
        pass
    i = 0
    while time.time() < stop:
        try:
            zk.get("/demo/config", watch=lambda event: None)
            zk.set("/demo/config", f"v{i} from {n}".encode())
            zk.get_children("/demo/members")
            path = zk.create(f"/demo/jobs-{n}-", b"job", sequence=True, ephemeral=True)
            zk.delete(path)
            zk.exists(f"/demo/missing-{n}")
        except (KazooException, Exception):
            time.sleep(0.5)  # a server went away: kazoo reconnects through the proxy
        i += 1
        time.sleep(0.3)
    zk.stop()
    zk.close()


threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(first, first + workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
