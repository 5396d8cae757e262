"""four_letter_words.pcap: four-letter words on the client port, one connection each, reply read to EOF."""
import os
import socket

from zkdriver_common import step

port = int(os.environ["ZK_CONNECT"].split(",")[0].rsplit(":", 1)[1])


def send(word):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(word)
    reply = b""
    while True:
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            break
        if not d:
            break
        reply += d
    s.close()
    step("%r -> %d bytes" % (word, len(reply)))


for w in (b"ruok", b"srvr", b"stat", b"mntr", b"conf", b"envi", b"isro", b"wchs", b"dump", b"cons"):
    send(w)
send(b"zzzz")   # looks like a 4lw but is none: read as a frame length (0x7a7a7a7a), connection closed
