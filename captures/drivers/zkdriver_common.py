"""Shared helpers for the kazoo capture drivers (run with /usr/bin/python3 by captures/record.sh)."""
import logging
import os
import subprocess
import sys
import threading
import time

from kazoo.client import KazooClient

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

CONNECT = os.environ["ZK_CONNECT"]
CLIENT_PORTS = os.environ.get("ZK_CLIENT_PORTS", "").split()


def client(timeout=10.0, **kw):
    """A kazoo client on the ensemble; hosts are not shuffled so runs are repeatable."""
    return KazooClient(hosts=CONNECT, timeout=timeout, randomize_hosts=False, **kw)


def kill_client_connections():
    """Drops every TCP connection to the ensemble's client ports from outside (needs root)."""
    expr = " or ".join("dport = :%s" % p for p in CLIENT_PORTS)
    subprocess.run(["ss", "-K", "state", "established", "dst", "127.0.0.1", "( %s )" % expr],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Fired:
    """A watch callback that records its events and lets the driver wait for them."""

    def __init__(self, name):
        self.name = name
        self.events = []
        self.cond = threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait(self, n=1, timeout=10.0):
        deadline = time.time() + timeout
        with self.cond:
            while len(self.events) < n:
                left = deadline - time.time()
                if left <= 0:
                    raise RuntimeError("watch %s did not fire (%d/%d)" % (self.name, len(self.events), n))
                self.cond.wait(left)
        return self.events


def step(msg):
    print("driver: " + msg, file=sys.stderr, flush=True)
