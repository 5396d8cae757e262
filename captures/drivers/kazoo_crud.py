"""kazoo_crud.pcap: every request kazoo 2.8 sends through its public API, on a 1-node server."""
from kazoo.exceptions import BadVersionError, NoNodeError
from kazoo.security import OPEN_ACL_UNSAFE, make_acl, make_digest_acl

from zkdriver_common import Fired, client, step

zk = client()
zk.start()

step("auth")
zk.add_auth("digest", "user:secret")                                   # op 100, xid -4

step("create modes")
zk.create("/crud", b"root")                                             # op 1, persistent
zk.create("/crud/persistent", b"p")
zk.create("/crud/ephemeral", b"e", ephemeral=True)                     # flags 1
zk.create("/crud/seq-", b"s", sequence=True)                           # flags 2
zk.create("/crud/eseq-", b"es", ephemeral=True, sequence=True)         # flags 3
zk.create("/crud/with-stat", b"c2", include_data=True)                 # op 15 create2
zk.create("/crud/empty")                                                # empty (not null) data

step("exists / get / set")
zk.exists("/crud/persistent")                                           # op 3 hit
zk.exists("/crud/missing")                                              # op 3 miss, -101
zk.get("/crud/persistent")                                              # op 4
zk.get("/crud/empty")
zk.set("/crud/persistent", b"p2")                                       # op 5
try:
    zk.set("/crud/persistent", b"p3", version=42)                       # op 5, -103 BADVERSION
except BadVersionError:
    pass
try:
    zk.get("/crud/missing")                                             # op 4, -101
except NoNodeError:
    pass

step("acls")
zk.get_acls("/crud/persistent")                                         # op 6
digest = make_digest_acl("user", "secret", all=True)
world_read = make_acl("world", "anyone", read=True)
zk.set_acls("/crud/persistent", [digest, world_read])                  # op 7
zk.get_acls("/crud/persistent")                                         # digest id visible (we are user)
zk.set_acls("/crud/persistent", OPEN_ACL_UNSAFE)

step("children")
zk.get_children("/crud")                                                # op 8
zk.get_children("/crud", include_data=True)                            # op 12 getChildren2
zk.sync("/crud")                                                        # op 9

step("watches")
data_w = Fired("data")
child_w = Fired("child")
zk.get("/crud/persistent", watch=data_w)                                # op 4, watch=1
zk.get_children("/crud", watch=child_w)                                 # op 8, watch=1
zk.set("/crud/persistent", b"p4")                                       # -> NodeDataChanged, xid -1
data_w.wait()
zk.create("/crud/child-trigger", b"")                                   # -> NodeChildrenChanged
child_w.wait()
exists_w = Fired("exists")
zk.exists("/crud/will-exist", watch=exists_w)                          # exists watch on a missing node
zk.create("/crud/will-exist", b"x")                                     # -> NodeCreated
exists_w.wait()

step("multi")
t = zk.transaction()                                                    # op 14, all succeed
t.create("/crud/tx", b"tx")
t.create("/crud/tx-seq-", b"", sequence=True)                          # sequential node inside multi
t.check("/crud/persistent", 2)
t.set_data("/crud/tx", b"tx2")
t.delete("/crud/will-exist")
t.commit()
t = zk.transaction()                                                    # op 14, fails on the check
t.create("/crud/tx-never", b"")
t.check("/crud/persistent", 99)
t.delete("/crud/tx")
t.commit()

step("delete")
zk.delete("/crud/with-stat")                                            # op 2
zk.delete("/crud/tx", version=1)
try:
    zk.delete("/crud/missing")                                          # op 2, -101
except NoNodeError:
    pass

step("close")
zk.stop()                                                               # op -11
zk.close()
