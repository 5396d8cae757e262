"""A minimal raw ZooKeeper client over a plain socket, for the few anomaly captures that no stock client can
produce (a resume with a wrong password or a lastZxidSeen far ahead, a top-level check, an oversized frame).
Only ever talks to 127.0.0.1."""
import socket
import struct
import time

ZERO_PASSWD = b"\0" * 16


def _string(s):
    b = s.encode()
    return struct.pack(">i", len(b)) + b


def _buffer(b):
    if b is None:
        return struct.pack(">i", -1)
    return struct.pack(">i", len(b)) + b


OPEN_ACL = struct.pack(">i", 1) + struct.pack(">i", 31) + _string("world") + _string("anyone")


class RawConn:
    """One TCP connection. connect() sends a ConnectRequest; request() sends one framed request."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0):
        assert host in ("127.0.0.1", "::1")
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.xid = 0

    def send_frame(self, payload):
        self.sock.sendall(struct.pack(">i", len(payload)) + payload)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            d = self.sock.recv(n - len(buf))
            if not d:
                raise EOFError("server closed the connection after %d/%d bytes" % (len(buf), n))
            buf += d
        return buf

    def recv_frame(self):
        (n,) = struct.unpack(">i", self.recv_exact(4))
        return self.recv_exact(n)

    def connect(self, session_id=0, passwd=ZERO_PASSWD, last_zxid=0, timeout_ms=4000, read_only=False):
        """Sends a ConnectRequest; returns (timeout, session_id, passwd, read_only) or raises EOFError."""
        self.send_frame(struct.pack(">iqiq", 0, last_zxid, timeout_ms, session_id) + _buffer(passwd) +
                        (b"\1" if read_only else b"\0"))
        body = self.recv_frame()
        _, to, sid = struct.unpack_from(">iiq", body, 0)
        (plen,) = struct.unpack_from(">i", body, 16)
        pwd = body[20:20 + plen]
        ro = len(body) > 20 + plen and body[20 + plen] == 1
        return to, sid, pwd, ro

    def send_request(self, op, body=b"", xid=None):
        if xid is None:
            self.xid += 1
            xid = self.xid
        self.send_frame(struct.pack(">ii", xid, op) + body)
        return xid

    def read_reply(self):
        """Returns (xid, zxid, err, body)."""
        f = self.recv_frame()
        xid, zxid, err = struct.unpack_from(">iqi", f, 0)
        return xid, zxid, err, f[16:]

    def request(self, op, body=b""):
        """Sends a request and returns its reply (notifications before it are skipped)."""
        xid = self.send_request(op, body)
        while True:
            r = self.read_reply()
            if r[0] == xid:
                return r

    def closed_by_server(self, wait=3.0):
        """True if the server closes the connection (EOF or reset) within `wait` s without sending anything."""
        self.sock.settimeout(wait)
        try:
            d = self.sock.recv(1)
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
        return d == b""

    def close(self):
        self.sock.close()


def create_body(path, data=b"", flags=0):
    return _string(path) + _buffer(data) + OPEN_ACL + struct.pack(">i", flags)


def path_body(path, watch=None):
    return _string(path) + (b"" if watch is None else (b"\1" if watch else b"\0"))


def set_data_body(path, data, version=-1):
    return _string(path) + _buffer(data) + struct.pack(">i", version)


def check_body(path, version):
    return _string(path) + struct.pack(">i", version)


def wait_port_closed_by_peer(conn, wait=3.0):
    t = time.time()
    closed = conn.closed_by_server(wait)
    return closed, time.time() - t
