"""any_interface.pcap: a short kazoo session, recorded with `tcpdump -i any` (Linux cooked capture, SLL2)."""
from zkdriver_common import client

zk = client()
zk.start()
zk.create("/any", b"cooked")
zk.get("/any")
zk.delete("/any")
zk.stop()
zk.close()
