"""pings_idle.pcap: a kazoo session with the minimum timeout (4 s) idling so that pings (xid -2) go out."""
import time

from zkdriver_common import client, step

zk = client(timeout=4.0)
zk.start()
step("idle 9 s")
time.sleep(9)
zk.get_children("/")
zk.stop()
zk.close()
