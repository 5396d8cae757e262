#!/usr/bin/python3
"""Empties the fixture ensemble's tree (all but /zookeeper), so a driver that creates fixed paths can run
again on the same ensemble. Usage: clear_tree.py CONNECT"""
import logging
import sys

from kazoo.client import KazooClient

logging.basicConfig(level=logging.CRITICAL)
zk = KazooClient(hosts=sys.argv[1], timeout=10.0)
zk.start(timeout=20)
for child in zk.get_children("/"):
    if child != "zookeeper":
        zk.delete("/" + child, recursive=True)
zk.stop()
zk.close()
