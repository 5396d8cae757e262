"""Drivers for captures/anomalies/: production problems on a real ZooKeeper 3.8.0 ensemble, driven by kazoo
(and, only where no stock client can do it, raw sockets from zkraw.py).

  anomalies.py SCENARIO            run a scenario (tcpdump is already running; see captures/anomalies/record.sh)
  anomalies.py prepare_SCENARIO    setup that must not appear in the capture (run before tcpdump starts)
  anomalies.py child               a kazoo client in its own process, driven by lines on stdin (so it can be frozen
                                   with SIGSTOP while the driver goes on)

Environment (from record.sh): ZK_CONNECT, ZK_CLIENT_PORTS, ZK_DIR (the ensemble, see scripts/zk-ensemble.sh),
ZK_ENSEMBLE_SH (path of zk-ensemble.sh). Every step is logged on stderr."""
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError, ConnectionLoss, NotReadOnlyCallError
from kazoo.protocol.states import KazooState

from zkdriver_common import CONNECT, Fired, client, step
import zkraw

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable


# ---------------------------------------------------------------- ensemble helpers

def ens_env():
    env = {}
    with open(os.path.join(os.environ["ZK_DIR"], "ensemble.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    return env


def port(n):
    return int(ens_env()["ZK_PORT_%d" % n])


def pid(n):
    return int(ens_env()["ZK_PID_%d" % n])


def hosts(*nodes):
    return ",".join("127.0.0.1:%d" % port(n) for n in nodes)


def roles():
    """{node: 'leader'|'follower'} from the nodes' own logs (no traffic on the client ports, so nothing in
    the capture). The last role line of each log wins."""
    out = {}
    d = os.environ["ZK_DIR"]
    for n in range(1, int(ens_env()["ZK_NODES"]) + 1):
        role = None
        with open(os.path.join(d, "node%d" % n, "zk.log"), errors="replace") as f:
            for line in f:
                if "LEADING - LEADER ELECTION TOOK" in line:
                    role = "leader"
                elif "FOLLOWING - LEADER ELECTION TOOK" in line:
                    role = "follower"
        out[n] = role
    return out


def srvr_mode(p):
    """The Mode line of `srvr` (only in prepare steps: this is traffic on the client port)."""
    try:
        s = socket.create_connection(("127.0.0.1", p), timeout=2)
        s.sendall(b"srvr")
        buf = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            buf += d
        m = re.search(rb"Mode: (\S+)", buf)
        return m.group(1).decode() if m else None
    except OSError:
        return None


def ensemble(*args):
    subprocess.run(["bash", os.environ["ZK_ENSEMBLE_SH"]] + list(args), check=True)


def ss_kill(p):
    subprocess.run(["ss", "-K", "state", "established", "dst", "127.0.0.1", "( dport = :%d )" % p],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def followers_and_leader():
    r = roles()
    fol = sorted(n for n, v in r.items() if v == "follower")
    lead = [n for n, v in r.items() if v == "leader"]
    assert len(fol) == 2 and len(lead) == 1, "roles: %r" % r
    return fol, lead[0]


def wait_state(zk, want, timeout=15.0):
    deadline = time.time() + timeout
    while zk.state != want:
        if time.time() > deadline:
            raise RuntimeError("state %s, wanted %s" % (zk.state, want))
        time.sleep(0.02)


# ---------------------------------------------------------------- a kazoo client in a child process

class Child:
    """A kazoo client in its own process (`anomalies.py child`), so that it can be frozen with SIGSTOP."""

    def __init__(self, *args):
        self.p = subprocess.Popen([PY, os.path.join(HERE, "anomalies.py"), "child"] + list(args),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.expect("ready")

    def expect(self, prefix, timeout=30.0):
        line = self.p.stdout.readline().strip()
        if not line.startswith(prefix):
            raise RuntimeError("child said %r, wanted %r" % (line, prefix))
        return line

    def cmd(self, c, reply="ok"):
        self.p.stdin.write(c + "\n")
        self.p.stdin.flush()
        return self.expect(reply)

    def stop(self):
        self.p.send_signal(signal.SIGSTOP)

    def cont(self):
        self.p.send_signal(signal.SIGCONT)

    def finish(self):
        self.cmd("quit", "bye")
        self.p.wait(20)


def child_main(argv):
    """Commands: op (exists+get), mkeph PATH, set PATH, wait_new_session, quit. Replies one line each."""
    hosts_arg = argv[0] if argv else CONNECT
    timeout = float(argv[1]) if len(argv) > 1 else 4.0
    if hosts_arg == "-":
        zk = client(timeout=timeout)
    else:
        zk = KazooClient(hosts=hosts_arg, timeout=timeout, randomize_hosts=False)
    states = []
    zk.add_listener(lambda s: states.append(s))
    zk.start()
    first_sid = zk.client_id[0]
    print("ready 0x%x" % first_sid, flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        c = words[0]
        try:
            if c == "op":
                zk.exists("/")
                zk.get("/")
                print("ok", flush=True)
            elif c == "mkeph":
                zk.create(words[1], b"eph", ephemeral=True, makepath=True)
                print("ok", flush=True)
            elif c == "wait_new_session":
                deadline = time.time() + 20
                while not (zk.state == KazooState.CONNECTED and zk.client_id[0] != first_sid):
                    if time.time() > deadline:
                        raise RuntimeError("no new session (states %r)" % states)
                    time.sleep(0.05)
                zk.exists("/")
                print("ok new session 0x%x, states %s" % (zk.client_id[0], [str(s) for s in states]), flush=True)
            elif c == "same_session":
                wait_state(zk, KazooState.CONNECTED)
                zk.get("/")
                assert zk.client_id[0] == first_sid, "session changed"
                print("ok session 0x%x kept, states %s" % (first_sid, [str(s) for s in states]), flush=True)
            elif c == "quit":
                zk.stop()
                zk.close()
                print("bye", flush=True)
                return
        except Exception as e:  # report, keep the protocol going
            print("err %r" % e, flush=True)


# ---------------------------------------------------------------- scenarios

def prepare_3nodes():
    """Before the capture: confirm with srvr that the roles read from the logs are right."""
    r = roles()
    for n, role in r.items():
        mode = srvr_mode(port(n))
        step("node %d port %d: log says %s, srvr says %s" % (n, port(n), role, mode))
        assert mode == role, "role mismatch"


def session_moved():
    (f1, f2), lead = followers_and_leader()
    step("followers %d (%d) and %d (%d), leader %d" % (f1, port(f1), f2, port(f2), lead))
    # Client A on F1 only, in its own process: after its socket is dropped it is ended at once, so it does not
    # come back and take the session over again.
    a = subprocess.Popen([PY, os.path.join(HERE, "anomalies.py"), "sm_owner", hosts(f1)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    line = a.stdout.readline().split()
    assert line[0] == "session", line
    sid, pwd = int(line[1], 16), bytes.fromhex(line[2])
    step("A: session 0x%x on F1 (made global by an ephemeral create)" % sid)
    time.sleep(0.5)
    step("B: kazoo with A's session id and password, on F2 only")
    b = KazooClient(hosts=hosts(f2), timeout=4.0, client_id=(sid, pwd),
                                                      randomize_hosts=False)
    b.start()
    assert b.client_id[0] == sid
    b.get("/moved")
    b.set("/moved", b"from B on F2")
    time.sleep(0.5)
    step("A: a read then a write on the old F1 socket")
    a.stdin.write("go\n")
    a.stdin.flush()
    for line in a.stdout:
        step("A: " + line.strip())
    a.wait(20)
    time.sleep(0.5)
    step("B: still works on F2")
    b.get("/moved")
    b.set("/moved", b"B again")
    b.stop()
    b.close()


def sm_owner(hosts_arg):
    zk = KazooClient(hosts=hosts_arg, timeout=4.0, randomize_hosts=False)
    zk.start()
    zk.create("/moved", b"A")
    zk.create("/moved/eph", b"A", ephemeral=True)   # upgrades the local session to a global one
    sid, pwd = zk.client_id
    print("session 0x%x %s" % (sid, pwd.hex()), flush=True)
    sys.stdin.readline()
    data, _ = zk.get("/moved")
    print("read on F1 ok: %r" % data, flush=True)
    try:
        zk.set("/moved", b"A writes on F1")
        print("write on F1 answered (unexpected)", flush=True)
    except ConnectionLoss as e:
        print("write on F1: %r (connection closed by the server)" % e, flush=True)
    sys.stdout.flush()
    os._exit(0)   # no reconnect, no closeSession: B owns the session now


def session_expired():
    c = Child("-", "4")
    c.cmd("mkeph /expiring")
    c.cmd("op")
    step("freeze the kazoo process (SIGSTOP) for 9 s; session timeout 4000")
    c.stop()
    time.sleep(9)
    c.cont()
    step("SIGCONT")
    step("child: " + c.cmd("wait_new_session"))
    c.finish()


def ping_gap():
    c = Child("-", "4")
    c.cmd("op")
    c.cmd("op")
    # After SIGCONT kazoo's select() is restarted by the kernel with its whole timeout (0.93-1.33 s at a 4 s
    # session), so the client's silence is the freeze + about 1.2 s: 2.0 s frozen = about 3.2 s silent (0.8 x).
    step("freeze the kazoo process (SIGSTOP) for 2.0 s (silence about 3.2 s = 0.8 x the 4000 ms timeout)")
    c.stop()
    time.sleep(2.0)
    c.cont()
    step("SIGCONT")
    time.sleep(1.5)
    step("child: " + c.cmd("same_session"))
    c.cmd("op")
    c.finish()


def server_killed():
    (f1, f2), lead = followers_and_leader()
    order = [f1, lead, f2]
    env = dict(os.environ, ZK_CONNECT=hosts(*order))
    step("Java client on follower %d first (hosts in order %s)" % (f1, env["ZK_CONNECT"]))
    j = subprocess.Popen(["java", "-Xmx128m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                          "-cp", os.environ["JAVA_CP"], "AnomalyJava", "server_killed"],
                         stdout=subprocess.PIPE, text=True, bufsize=1, env=env)
    for line in j.stdout:
        line = line.strip()
        step("java: " + line)
        if line == "FIRING":
            time.sleep(0.1)
            step("SIGKILL node %d (the client's server)" % f1)
            ensemble("kill", os.environ["ZK_DIR"], str(f1))
    if j.wait(60) != 0:
        raise RuntimeError("java driver failed")


def prepare_read_only():
    zk = client()
    zk.start()
    zk.create("/ro", b"written before the quorum was lost")
    zk.stop()
    zk.close()
    step("kill nodes 1 and 2; node 3 alone")
    ensemble("kill", os.environ["ZK_DIR"], "1")
    ensemble("kill", os.environ["ZK_DIR"], "2")
    deadline = time.time() + 60
    while srvr_mode(port(3)) != "read-only":
        if time.time() > deadline:
            raise RuntimeError("node 3 not read-only")
        time.sleep(0.3)
    step("node 3: Mode: read-only")


def read_only():
    step("kazoo read_only=True, all three hosts (1 and 2 refuse)")
    zk = client(timeout=4.0, read_only=True)
    zk.start()
    step("state %s" % zk.state)
    data, _ = zk.get("/ro")
    zk.get_children("/")
    zk.exists("/missing")
    try:
        zk.set("/ro", b"nope")
        raise RuntimeError("write accepted")
    except NotReadOnlyCallError as e:
        step("set: %r" % e)
    try:
        zk.create("/ro2", b"x")
    except NotReadOnlyCallError as e:
        step("create: %r" % e)
    zk.get("/ro")
    time.sleep(1.0)
    zk.stop()
    zk.close()
    step("kazoo without read_only, node 3 only: closed without a ConnectResponse")
    zk = KazooClient(hosts=hosts(3), timeout=4.0, randomize_hosts=False)
    try:
        zk.start(timeout=1.5)
        raise RuntimeError("connected?")
    except Exception as e:
        step("start: %r" % e)
    zk.stop()
    zk.close()


def auth_failed():
    zk = client(timeout=4.0)
    zk.start()
    zk.create("/auth", b"x")
    try:
        zk.add_auth("bogus", "whatever")
    except AuthFailedError as e:
        step("add_auth: %r" % e)
    time.sleep(2.0)
    step("state %s" % zk.state)
    zk.stop()
    zk.close()


def wrong_password():
    zk = client(timeout=4.0)
    states = []
    zk.add_listener(lambda s: states.append(s))
    zk.start()
    zk.create("/owned", b"x")
    zk.create("/owned/eph", b"x", ephemeral=True)
    sid, pwd = zk.client_id
    time.sleep(0.5)
    bad = bytes(b ^ 0x5a for b in pwd)
    step("raw ConnectRequest: session 0x%x with a wrong password" % sid)
    r = zkraw.RawConn(port(1))
    to, rsid, rpwd, ro = r.connect(session_id=sid, passwd=bad, last_zxid=0, timeout_ms=4000)
    step("  answer: timeout %d session 0x%x passwd %s" % (to, rsid, rpwd.hex()))
    closed, t = zkraw.wait_port_closed_by_peer(r)
    step("  then closed by the server: %s (%.3f s)" % (closed, t))
    r.close()
    time.sleep(1.5)
    wait_state(zk, KazooState.CONNECTED)
    assert zk.client_id[0] == sid
    zk.get("/owned/eph")
    step("owner: states %s, session 0x%x kept" % ([str(s) for s in states], sid))
    zk.set("/owned", b"y")
    zk.stop()
    zk.close()


def stale_reconnect():
    (f1, f2), lead = followers_and_leader()
    step("kazoo, hosts in order F1 %d, F2 %d, leader %d" % (f1, f2, lead))
    zk = KazooClient(hosts=hosts(f1, f2, lead), timeout=10.0,
                                                      randomize_hosts=False)
    zk.start()
    zk.create("/stale", b"0")
    zk.create("/stale/eph", b"x", ephemeral=True)   # global session, so it can move
    # Another session, on F2: its replies show F2's zxid (it stays connected through the freeze; with a 10 s
    # timeout kazoo pings it only every ~3 s, so no ping falls inside the freeze of under a second).
    obs = KazooClient(hosts=hosts(f2), timeout=10.0, randomize_hosts=False)
    obs.start()
    obs.get("/stale")
    step("freeze F2 (SIGSTOP): it stops applying the leader's transactions")
    os.kill(pid(f2), signal.SIGSTOP)
    try:
        for i in range(40):
            zk.set("/stale", b"%d" % i)
        zk.get("/stale")
        step("last zxid seen 0x%x" % zk.last_zxid)
        step("drop the F1 connection (ss -K): kazoo moves on to F2 (frozen; the kernel accepts)")
        ss_kill(port(f1))
        time.sleep(0.6)
    finally:
        os.kill(pid(f2), signal.SIGCONT)
    step("SIGCONT F2: it reads the ConnectRequest before catching up")
    wait_state(zk, KazooState.CONNECTED)
    zk.get("/stale")
    peer = zk._connection._socket.getpeername()
    step("reconnected to port %d" % peer[1])
    assert peer[1] == port(lead), "did not end up on the leader"
    zk.set("/stale", b"after")
    time.sleep(0.5)
    with open(os.path.join(os.environ["ZK_DIR"], "node%d" % f2, "zk.log"), errors="replace") as f:
        refused = [l.strip() for l in f if "client must try another server" in l]
    assert refused, "F2 did not refuse the resume for its zxid"
    step("F2's log: " + refused[-1][-160:])
    obs.get("/stale")
    obs.stop()
    obs.close()
    zk.stop()
    zk.close()


def reconnect_storm():
    zk = client(timeout=4.0)
    zk.start()
    zk.create("/storm", b"x")
    sid = zk.client_id[0]
    t0 = time.time()
    for i in range(8):
        ss_kill(port(1))
        time.sleep(0.2)
        wait_state(zk, KazooState.CONNECTED)
        zk.get("/storm")
        assert zk.client_id[0] == sid
        time.sleep(0.25)
    step("8 drops and resumes of session 0x%x in %.1f s" % (sid, time.time() - t0))
    zk.stop()
    zk.close()


def unsafe_check():
    step("raw session (no stock client sends a top-level check)")
    r = zkraw.RawConn(port(1))
    to, sid, pwd, ro = r.connect(timeout_ms=4000)
    step("session 0x%x" % sid)
    xid, zxid, err, _ = r.request(1, zkraw.create_body("/uc", b"x"))
    step("create /uc: err %d zxid 0x%x" % (err, zxid))
    xid = r.send_request(13, zkraw.check_body("/uc", 0))
    step("check /uc version 0 (op 13) sent with xid %d" % xid)
    r.sock.settimeout(2.0)
    try:
        got = r.read_reply()
        step("  reply (unexpected): %r" % (got[:3],))
    except socket.timeout:
        step("  no reply within 2 s")
    r.sock.settimeout(5.0)
    xid, zxid, err, _ = r.request(4, zkraw.path_body("/uc", False))
    step("getData /uc afterwards: xid %d err %d zxid 0x%x" % (xid, err, zxid))
    xid, zxid, err, _ = r.request(-11)
    step("closeSession: err %d" % err)
    r.close()


def large_frames():
    zk = client(timeout=4.0)
    zk.start()
    zk.create("/big", b"")
    step("kazoo: setData of 960,000 bytes (a 960,024-byte frame: 92% of jute.maxbuffer 0xfffff), accepted")
    zk.set("/big", b"v" * 960000)
    zk.exists("/big")
    # The oversized frame is sent from a raw socket: kazoo would send all of it (1.1 MB more in the capture:
    # on loopback the whole frame is in the server's socket before it reads the length), and the server
    # decides on the 4-byte length alone. So: the length prefix of a 1,100,024-byte setData, its header and
    # the first 32 KB of the value; the server resets the connection after reading the length.
    step("raw: a new session sends a setData frame of 1,100,024 bytes (only the first 32 KB of it)")
    r = zkraw.RawConn(port(1))
    to, sid, pwd, ro = r.connect(timeout_ms=4000)
    body = struct.pack(">ii", 1, 5) + zkraw._string("/big") + struct.pack(">i", 1100000)
    total = len(body) + 1100000 + 4
    r.sock.sendall(struct.pack(">i", total) + body + b"w" * 32768)
    closed, t = zkraw.wait_port_closed_by_peer(r)
    step("  frame length %d (0x%x): closed by the server: %s after %.3f s" % (total, total, closed, t))
    assert closed
    r.close()
    step("kazoo: still fine")
    stat = zk.exists("/big")   # not getData: its 960 KB reply would double the file
    assert stat.dataLength == 960000
    zk.delete("/big")
    zk.stop()
    zk.close()


def watch_storm():
    a = client(timeout=4.0)
    a.start()
    b = client(timeout=4.0)
    b.start()
    names = ["c%03d" % i for i in range(300)]
    t = b.transaction()
    t.create("/ws", b"")
    for n in names:
        t.create("/ws/" + n, b"x")
    t.commit()
    fired = Fired("storm")
    step("A: a data watch (exists) on each of 300 children and a child watch on /ws")
    for n in names:
        a.exists("/ws/" + n, watch=fired)
    a.get_children("/ws", watch=fired)
    time.sleep(0.3)
    step("B: one multi deletes all 300 children")
    t = b.transaction()
    for n in names:
        t.delete("/ws/" + n)
    t.commit()
    fired.wait(301, timeout=10)
    step("A: %d notifications" % len(fired.events))
    b.delete("/ws")
    b.stop()
    b.close()
    a.stop()
    a.close()


def clean_crud():
    zk = client(timeout=4.0)
    zk.start()
    zk.ensure_path("/clean")
    zk.create("/clean/a", b"alpha")
    zk.create("/clean/b", b"beta", ephemeral=True)
    zk.create("/clean/seq-", b"s", sequence=True)
    zk.create("/clean/c", b"gamma", include_data=True)
    zk.exists("/clean/a")
    zk.exists("/clean/nope")
    zk.get("/clean/a")
    zk.get_children("/clean")
    zk.get_children("/clean", include_data=True)
    zk.set("/clean/a", b"alpha2")
    zk.get_acls("/clean/a")
    zk.sync("/clean")
    fired = Fired("data")
    zk.get("/clean/c", watch=fired)
    zk.set("/clean/c", b"gamma2")
    fired.wait(1)
    t = zk.transaction()
    t.create("/clean/t1", b"1")
    t.set_data("/clean/a", b"alpha3")
    t.check("/clean/t1", 0)
    t.commit()
    for i in range(5):
        zk.set("/clean/a", b"v%d" % i)
        zk.get("/clean/a")
    step("idle 3.5 s: kazoo pings")
    time.sleep(3.5)
    for p in zk.get_children("/clean"):
        zk.delete("/clean/" + p)
    zk.delete("/clean")
    zk.stop()
    zk.close()


SCENARIOS = {f.__name__: f for f in (session_moved, session_expired, ping_gap, server_killed, read_only,
                                     auth_failed, wrong_password, stale_reconnect, reconnect_storm,
                                     unsafe_check, large_frames, watch_storm, clean_crud, prepare_3nodes,
                                     prepare_read_only)}

if __name__ == "__main__":
    what = sys.argv[1]
    if what == "child":
        child_main(sys.argv[2:])
    elif what == "sm_owner":
        sm_owner(sys.argv[2])
    else:
        step("== " + what)
        SCENARIOS[what]()
        step("== %s done" % what)
