#!/usr/bin/env python3
"""Writes the awkward inputs the CLI tests need into DIR: a capture of an unsupported link type and a capture
of HTTP on port 2181 (not ZooKeeper). Real captures cover the rest; this only needs a minimal pcap writer."""
import struct
import sys

out = sys.argv[1]


def pcap(path, linktype, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, data in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(data), len(data)))
            f.write(data)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f">{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def raw_ipv4_tcp(src_port, dst_port, seq, ack, flags, payload=b""):
    tcp = struct.pack(">HHIIBBHHH", src_port, dst_port, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    total = 20 + len(tcp)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, 6, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    return ip + tcp


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
request = b"GET / HTTP/1.1\r\nHost: localhost:2181\r\n\r\n"
response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
http = [
    raw_ipv4_tcp(40000, 2181, 100, 0, SYN),
    raw_ipv4_tcp(2181, 40000, 500, 101, SYN | ACK),
    raw_ipv4_tcp(40000, 2181, 101, 501, PSH | ACK, request),
    raw_ipv4_tcp(2181, 40000, 501, 101 + len(request), PSH | ACK, response),
    raw_ipv4_tcp(40000, 2181, 101 + len(request), 501 + len(response), FIN | ACK),
    raw_ipv4_tcp(2181, 40000, 501 + len(response), 102 + len(request), FIN | ACK),
]
pcap(f"{out}/http_on_2181.pcap", 228, http)  # LINKTYPE_IPV4
pcap(f"{out}/ieee80211.pcap", 105, [b"\x08\x00" + b"\0" * 30])  # 802.11 frames: not something we decode
