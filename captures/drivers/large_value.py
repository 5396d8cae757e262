"""large_value.pcap: a ~900 KB value written and read back (frames spanning many TCP segments)."""
from zkdriver_common import client, step

SIZE = 900000                                          # < jute.maxbuffer (1048575) with headers
value = bytes((i * 31 + i // 251) & 0xFF for i in range(SIZE))   # fixed, not compressible-looking

zk = client()
zk.start()
zk.create("/large", b"")
step("set %d bytes" % SIZE)
zk.set("/large", value)
data, stat = zk.get("/large")
assert data == value and stat.dataLength == SIZE
zk.delete("/large")
zk.stop()
zk.close()
