"""session_events.pcapng: an auth failure (-115) on one session, a session resumed after `ss -K` on another."""
import threading

from kazoo.exceptions import AuthFailedError
from kazoo.protocol.states import KazooState

from zkdriver_common import client, kill_client_connections, step

step("session A: auth with an unknown scheme")
a = client()
a.start()
try:
    a.add_auth("bogus", "whatever")
except AuthFailedError:
    step("  AuthFailedError")
a.stop()
a.close()

step("session B: ephemeral node, connection killed, session resumed")
b = client()
states = []
reconnected = threading.Event()


def listener(state):
    states.append(state)
    if state == KazooState.CONNECTED and KazooState.SUSPENDED in states:
        reconnected.set()


b.add_listener(listener)
b.start()
b.create("/resume", b"eph", ephemeral=True)
sid = b.client_id[0]
kill_client_connections()
if not reconnected.wait(15):
    raise RuntimeError("no reconnect")
assert b.client_id[0] == sid, "session changed"
step("  resumed session 0x%x" % sid)
b.get("/resume")
b.stop()
b.close()
