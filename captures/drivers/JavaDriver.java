// Capture driver using the real Java client (Debian's zookeeper 3.8.0 jar). Compiled and run by
// captures/record.sh:  java -cp classes:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar
//                      JavaDriver extended|sasl
// Environment: ZK_CONNECT (host:port,...), ZK_CLIENT_PORTS (space-separated, for `ss -K`).
// Everything is sequential and uses fixed paths and data; progress goes to stderr.

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.GetDataResponse;

public class JavaDriver {
    static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    static void step(String s) {
        System.err.println("driver: " + s);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Tries the servers strictly in the order of the connect string (StaticHostProvider shuffles). */
    static final class OrderedHosts implements HostProvider {
        private final List<InetSocketAddress> hosts = new ArrayList<>();
        private int i = -1;

        OrderedHosts(String connect) {
            for (String hp : connect.split(",")) {
                int c = hp.lastIndexOf(':');
                hosts.add(new InetSocketAddress(hp.substring(0, c), Integer.parseInt(hp.substring(c + 1))));
            }
        }

        public int size() { return hosts.size(); }
        public InetSocketAddress next(long spinDelay) { i = (i + 1) % hosts.size(); return hosts.get(i); }
        public void onConnected() { }
        public boolean updateServerList(Collection<InetSocketAddress> s, InetSocketAddress cur) { return false; }
    }

    /** A watcher that queues its events so the driver can wait for a given one. */
    static final class Events implements Watcher {
        final String name;
        final BlockingQueue<WatchedEvent> q = new LinkedBlockingQueue<>();

        Events(String name) { this.name = name; }

        public void process(WatchedEvent e) {
            step(name + " <- " + e.getType() + " " + e.getState() + " " + e.getPath());
            q.add(e);
        }

        WatchedEvent await(EventType type, KeeperState state, String path) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 20000;
            while (true) {
                long left = deadline - System.currentTimeMillis();
                WatchedEvent e = left > 0 ? q.poll(left, TimeUnit.MILLISECONDS) : null;
                if (e == null) {
                    throw new IllegalStateException(name + ": no " + type + "/" + state + " " + path);
                }
                if (e.getType() == type && (state == null || e.getState() == state)
                        && (path == null || path.equals(e.getPath()))) {
                    return e;
                }
            }
        }
    }

    /** ZooKeeper with an ordered host list and a raw reconfig call (ZooKeeperAdmin has no HostProvider ctor). */
    static final class Zk extends ZooKeeper {
        Zk(String connect, int timeout, Watcher w) throws java.io.IOException {
            super(connect, timeout, w, false, new OrderedHosts(connect));
        }

        int reconfigRaw() throws InterruptedException {
            RequestHeader h = new RequestHeader();
            h.setType(ZooDefs.OpCode.reconfig);
            ReconfigRequest req = new ReconfigRequest(null, null, null, -1);
            ReplyHeader r = cnxn.submitRequest(h, req, new GetDataResponse(), null);
            return r.getErr();
        }
    }

    static Events connected(Events def) throws InterruptedException {
        def.await(EventType.None, KeeperState.SyncConnected, null);
        return def;
    }

    static void expect(KeeperException.Code code, ThrowingRunnable r) throws Exception {
        try {
            r.run();
        } catch (KeeperException e) {
            if (e.code() != code) {
                throw e;
            }
            step("  got expected " + e.code());
            return;
        }
        throw new IllegalStateException("expected " + code);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void killConnections() throws Exception {
        StringBuilder expr = new StringBuilder("(");
        for (String p : System.getenv("ZK_CLIENT_PORTS").trim().split("\\s+")) {
            expr.append(expr.length() > 1 ? " or " : " ").append("dport = :").append(p);
        }
        expr.append(" )");
        Process pr = new ProcessBuilder("ss", "-K", "state", "established", "dst", "127.0.0.1", expr.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        if (pr.waitFor() != 0) {
            throw new IllegalStateException("ss -K failed");
        }
    }

    static void extended(String connect) throws Exception {
        Events def = new Events("default");
        Zk zk = new Zk(connect, 10000, def);
        connected(def);

        step("whoAmI (107)");
        step("  " + zk.whoAmI());

        step("creates: 1 with null data, 19 container, 21 TTL, 15 with Stat");
        zk.create("/java", b("java"), OPEN, CreateMode.PERSISTENT);
        zk.create("/java/nodata", null, OPEN, CreateMode.PERSISTENT);           // data buffer length -1
        Stat st = new Stat();
        byte[] got = zk.getData("/java/nodata", false, st);                        // null buffer in the reply
        step("  /java/nodata data=" + (got == null ? "null" : got.length + " bytes"));
        zk.create("/java/container", b("c"), OPEN, CreateMode.CONTAINER);       // op 19
        zk.create("/java/container/child", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create("/java/ttl", b("t"), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 600000);   // op 21
        zk.create("/java/ttlseq-", b("ts"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, new Stat(), 600000);
        zk.create("/java/c2", b("v0"), OPEN, CreateMode.PERSISTENT, st);         // op 15
        zk.create("/java/eph-a", b("a"), OPEN, CreateMode.EPHEMERAL);
        zk.create("/java/eph-b", b("b"), OPEN, CreateMode.EPHEMERAL, new Stat()); // op 15 with flags 1

        step("getEphemerals (103), getAllChildrenNumber (104)");
        step("  " + zk.getEphemerals("/java"));
        step("  " + zk.getEphemerals());
        step("  " + zk.getAllChildrenNumber("/java"));

        step("multiRead (22) with one failing op");
        List<OpResult> rr = zk.multi(Arrays.asList(Op.getData("/java/c2"), Op.getChildren("/java/missing"),
                Op.getChildren("/java")));
        for (OpResult r : rr) {
            step("  " + r.getClass().getSimpleName() + " type " + r.getType());
        }

        step("multi (14): failing, then succeeding");
        expect(KeeperException.Code.BADVERSION, () -> zk.multi(Arrays.asList(
                Op.create("/java/m-never", b(""), OPEN, CreateMode.PERSISTENT),
                Op.check("/java/c2", 7))));
        zk.multi(Arrays.asList(
                Op.create("/java/m1", b("m"), OPEN, CreateMode.PERSISTENT),
                Op.create("/java/mseq-", b(""), OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                Op.create("/java/mcontainer", b(""), OPEN, CreateMode.CONTAINER),
                Op.create("/java/mttl", b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, 600000),
                Op.check("/java/c2", 0),
                Op.setData("/java/c2", b("v1"), 0),
                Op.delete("/java/m1", -1)));

        step("getConfig (getData /zookeeper/config)");
        String cfg = new String(zk.getConfig(false, new Stat()), StandardCharsets.UTF_8);
        step("  " + cfg.replace("\n", " | "));
        step("reconfig (16) on an ensemble without reconfigEnabled");
        step("  err " + zk.reconfigRaw());

        step("removeWatches(path, watcher, Data, false) for a specific watcher");
        Events w1 = new Events("w1");
        zk.getData("/java/c2", w1, null);
        zk.removeWatches("/java/c2", w1, Watcher.WatcherType.Data, false);
        step("removeAllWatches(path, Children, false)");
        Events w2 = new Events("w2");
        zk.getChildren("/java", w2);
        zk.removeAllWatches("/java", Watcher.WatcherType.Children, false);
        step("removeAllWatches on a path without watches -> NOWATCHER");
        expect(KeeperException.Code.NOWATCHER,
                () -> zk.removeAllWatches("/java/nodata", Watcher.WatcherType.Any, false));
        step("removeWatches for a watcher that is not registered -> NOWATCHER");
        expect(KeeperException.Code.NOWATCHER,
                () -> zk.removeWatches("/java/c2", w1, Watcher.WatcherType.Data, false));

        step("addWatch (106) PERSISTENT and PERSISTENT_RECURSIVE");
        Events pw = new Events("persistent");
        Events rw = new Events("recursive");
        zk.addWatch("/java/pw", pw, AddWatchMode.PERSISTENT);
        zk.addWatch("/java/tree", rw, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.create("/java/pw", b("p"), OPEN, CreateMode.PERSISTENT);
        pw.await(EventType.NodeCreated, null, "/java/pw");
        zk.setData("/java/pw", b("p1"), -1);
        pw.await(EventType.NodeDataChanged, null, "/java/pw");
        zk.create("/java/tree", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create("/java/tree/a", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create("/java/tree/a/b", b(""), OPEN, CreateMode.PERSISTENT);
        rw.await(EventType.NodeCreated, null, "/java/tree/a/b");

        step("one-shot watches held across the reconnect: data, exists, child (x2)");
        Events od = new Events("data");
        Events oe = new Events("exists");
        Events oc = new Events("child /java");
        Events ot = new Events("child /java/tree");
        zk.getData("/java/c2", od, null);
        zk.exists("/java/later", oe);
        zk.getChildren("/java", oc);
        // Same path as the PERSISTENT_RECURSIVE watch: 3.8.0 loses this one after setWatches2 (README).
        zk.getChildren("/java/tree", ot);

        step("kill the TCP connection from outside (ss -K); expect a resume and setWatches2 (105)");
        killConnections();
        def.await(EventType.None, KeeperState.Disconnected, null);
        def.await(EventType.None, KeeperState.SyncConnected, null);
        step("  reconnected, session 0x" + Long.toHexString(zk.getSessionId()));

        step("fire the re-registered watches");
        zk.setData("/java/c2", b("v2"), -1);
        od.await(EventType.NodeDataChanged, null, "/java/c2");
        zk.create("/java/later", b(""), OPEN, CreateMode.PERSISTENT);
        oe.await(EventType.NodeCreated, null, "/java/later");
        oc.await(EventType.NodeChildrenChanged, null, "/java");
        zk.create("/java/tree/c", b(""), OPEN, CreateMode.PERSISTENT);
        rw.await(EventType.NodeCreated, null, "/java/tree/c");
        zk.setData("/java/pw", b("p2"), -1);
        pw.await(EventType.NodeDataChanged, null, "/java/pw");

        Thread.sleep(300);
        step("  child watch on /java/tree fired after the reconnect: "
                + ot.q.stream().anyMatch(e -> e.getType() == EventType.NodeChildrenChanged));
        step("close (-11)");
        zk.close();
    }

    static void sasl(String connect) throws Exception {
        Events def = new Events("default");
        Zk zk = new Zk(connect, 10000, def);
        connected(def);
        step("whoAmI after SASL");
        step("  " + zk.whoAmI());
        List<ACL> saslAcl = new ArrayList<>(Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "bob"))));
        zk.create("/sasl", b("only bob"), saslAcl, CreateMode.PERSISTENT);
        step("  " + zk.getACL("/sasl", new Stat()));
        zk.getData("/sasl", false, null);
        zk.close();
    }

    public static void main(String[] args) throws Exception {
        String connect = System.getenv("ZK_CONNECT");
        String mode = args.length > 0 ? args[0] : "extended";
        if (mode.equals("extended")) {
            extended(connect);
        } else if (mode.equals("sasl")) {
            sasl(connect);
        } else {
            throw new IllegalArgumentException(mode);
        }
        step("done");
        System.exit(0);
    }
}
