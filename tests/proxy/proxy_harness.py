"""Shared by the proxy tests: the fixture's ensemble, a `zkwire proxy` process on free ports, its admin endpoint."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "captures", "drivers"))  # zkraw: a raw client for what kazoo cannot send


T0 = time.time()


def log(msg):
    print("proxy-test: %6.2f s: %s" % (time.time() - T0, msg), file=sys.stderr, flush=True)


def ensemble(directory):
    """ensemble.env of the fixture, as a dict (ZK_PORT_1, ZK_PID_1, ZK_CONNECT...)."""
    env = {}
    with open(os.path.join(directory, "ensemble.env")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if key:
                env[key] = value
    return env


def server_ports(env):
    return [int(env["ZK_PORT_%d" % n]) for n in range(1, int(env["ZK_NODES"]) + 1)]


def free_port():
    # Bound and released: a small race with other tests, acceptable on loopback with random ports.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Proxy:
    """`zkwire proxy` in its own process group, listening and serving /metrics on free ports."""

    def __init__(self, zkwire, upstreams, *extra, log_traffic=None):
        self.port, self.admin = free_port(), free_port()
        self.log_traffic = log_traffic
        args = [zkwire, "proxy", "--listen", "127.0.0.1:%d" % self.port, "--admin", "127.0.0.1:%d" % self.admin]
        if upstreams is not None:  # None: they come from a config file among `extra` (-c FILE)
            args += ["--upstream", ",".join(upstreams)]
        if log_traffic:
            args += ["--log-traffic", log_traffic]
        args += list(extra)
        self.stderr_path = "/tmp/zkwire-proxy-%d.err" % self.port
        self.stderr = open(self.stderr_path, "w")
        self.args = args
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True)
        self.connect = "127.0.0.1:%d" % self.port
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.05)
        why = open(self.stderr_path).read()
        self.__exit__(None, None, None)  # a constructor that raises gets no __exit__ from `with`
        raise RuntimeError("the proxy did not start: " + why)

    def get(self, path, timeout=5):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.admin, path), timeout=timeout) as r:
                return r.read().decode()
        except urllib.error.HTTPError as e:  # /healthz says 503 with a body: still an answer
            return e.read().decode()

    def json(self, path):
        return json.loads(self.get(path))

    def metrics(self):
        """{'name{labels}': value} from /metrics."""
        out = {}
        for line in self.get("/metrics").splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                out[key] = float(value)
        return out

    def metric(self, name, **labels):
        key = name + ("{" + ",".join('%s="%s"' % kv for kv in labels.items()) + "}" if labels else "")
        return self.metrics().get(key, 0.0)

    def rss_kb(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def reload(self):
        self.process.send_signal(signal.SIGHUP)

    def alive(self):
        return self.process.poll() is None

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL if the drain overruns; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.stderr.close()
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if exc[0] is not None:
            sys.stderr.write("----- proxy stderr -----\n" + open(self.stderr_path).read())
        os.unlink(self.stderr_path)


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_until(predicate, timeout, what, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))


class SessionWorker(threading.Thread):
    """One kazoo session through `connect`, looping on a write and a read of its own ephemeral node (which makes the
    session global: the ensemble runs local sessions, which die with their server). What each request ends in is
    counted: `done`, `losses` (ConnectionLoss, which the client sees and retries), anything else in `errors`."""

    def __init__(self, connect, name):
        from kazoo.client import KazooClient  # only the tests that drive sessions need kazoo
        super().__init__(daemon=True)
        self.zk = KazooClient(hosts=connect, timeout=20.0)
        self.states = []
        self.zk.add_listener(self.states.append)
        self.zk.start(timeout=15)
        self.path = "/zkwire-%s-%d" % (name, os.getpid())
        self.zk.create(self.path, b"0", ephemeral=True)
        self.session = self.zk.client_id[0]
        self.done = self.losses = 0
        self.errors = []
        self.stop = threading.Event()

    def run(self):
        from kazoo.exceptions import ConnectionLoss, SessionExpiredError
        while not self.stop.is_set():
            try:
                self.zk.set(self.path, str(self.done).encode())
                self.zk.get(self.path)
                self.done += 1
            except ConnectionLoss:
                self.losses += 1  # in flight or still queued in kazoo when its connection ended
                time.sleep(0.02)
            except SessionExpiredError as e:
                self.errors.append(repr(e))
                return
            except Exception as e:  # note it and go on: each test says which errors it tolerates
                self.errors.append(repr(e))
                time.sleep(0.05)
            time.sleep(0.01)

    def finish(self):
        """Stops the loop, then checks the session survived: connected again with the same id (a busy machine can
        make a client reconnect once more), never LOST, its ephemeral still there. Closes the client."""
        from kazoo.client import KazooState
        self.stop.set()
        self.join(10)
        client_id = wait_until(lambda: self.zk.client_id, 20, "the client of %s connected" % self.path)
        assert KazooState.LOST not in self.states, "session of %s expired: %s" % (self.path, self.states)
        assert client_id[0] == self.session, "session changed from %x to %x" % (self.session, client_id[0])
        assert self.zk.exists(self.path) is not None, "the ephemeral of a live session vanished"
        self.zk.stop()
        self.zk.close()


def progress(workers, steps, timeout, what="every session at work"):
    """Waits until every worker has done `steps` more loops."""
    before = [w.done for w in workers]
    wait_until(lambda: all(w.done >= b + steps for w, b in zip(workers, before)), timeout, what)


class SilentUpstream(threading.Thread):
    """A hostile peer, not a stand-in for ZooKeeper: accepts, keeps every byte each connection sends, never answers.
    `received` has one bytearray per accepted connection."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.received = []

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            got = bytearray()
            self.received.append(got)
            threading.Thread(target=self.keep, args=(conn, got), daemon=True).start()

    @staticmethod
    def keep(conn, got):
        try:
            while True:
                d = conn.recv(65536)
                if not d:
                    return
                got += d
        except OSError:
            return
