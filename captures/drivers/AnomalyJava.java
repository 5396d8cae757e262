// Java-client driver for captures/anomalies/ (Debian's zookeeper 3.8.0 jar), run by anomalies.py:
//   java -cp classes:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar AnomalyJava server_killed
// Environment: ZK_CONNECT (host:port,... tried strictly in this order). Progress on stderr; the lines READY,
// FIRING and DONE on stdout tell anomalies.py when to act (it kills the server after FIRING).

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;

public class AnomalyJava {
    static void step(String s) { System.err.println("driver: " + s); }
    static void say(String s) { System.out.println(s); System.out.flush(); }
    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

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

    static final class Events implements Watcher {
        final String name;
        final BlockingQueue<WatchedEvent> q = new LinkedBlockingQueue<>();
        Events(String name) { this.name = name; }
        public void process(WatchedEvent e) {
            step(name + " <- " + e.getType() + " " + e.getState() + " " + e.getPath());
            q.add(e);
        }
        void await(EventType type, String path) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 20000;
            while (true) {
                WatchedEvent e = q.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                if (e == null) throw new IllegalStateException(name + ": no " + type + " " + path);
                if (e.getType() == type && path.equals(e.getPath())) return;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (!"server_killed".equals(args[0])) throw new IllegalArgumentException(args[0]);
        String connect = System.getenv("ZK_CONNECT");
        final CountDownLatch disconnected = new CountDownLatch(1);
        final BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        Watcher def = e -> {
            if (e.getType() == EventType.None) {
                step("state " + e.getState());
                states.add(e.getState());
                if (e.getState() == KeeperState.Disconnected) disconnected.countDown();
            }
        };
        ZooKeeper zk = new ZooKeeper(connect, 4000, def, false, new OrderedHosts(connect));
        while (states.poll(20, TimeUnit.SECONDS) != KeeperState.SyncConnected) { }
        long sid = zk.getSessionId();
        step(String.format("session 0x%x", sid));
        List<org.apache.zookeeper.data.ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        zk.create("/sk", b("root"), open, CreateMode.PERSISTENT);
        zk.create("/sk/a", b("a"), open, CreateMode.PERSISTENT);
        zk.create("/sk/p", b("p"), open, CreateMode.PERSISTENT);
        zk.create("/sk/load", b("0"), open, CreateMode.PERSISTENT);
        zk.create("/sk/eph", b("e"), open, CreateMode.EPHEMERAL);   // a global session, so it survives a move
        Events data = new Events("data"), child = new Events("child"), exist = new Events("exist"),
               pers = new Events("persistent");
        zk.getData("/sk/a", data, null);
        zk.getChildren("/sk", child);
        zk.exists("/sk/later", exist);
        zk.addWatch("/sk/p", pers, AddWatchMode.PERSISTENT);
        say("READY");

        // Pipelined async writes (at most 64 outstanding) until the connection drops: some are in flight when
        // anomalies.py kills the server, and are never answered.
        final Semaphore window = new Semaphore(64);
        final AtomicInteger ok = new AtomicInteger(), lost = new AtomicInteger(), other = new AtomicInteger();
        int sent = 0;
        boolean announced = false;
        while (disconnected.getCount() > 0) {
            if (!window.tryAcquire(5, TimeUnit.MILLISECONDS)) continue;
            zk.setData("/sk/load", b("v" + sent), -1, (rc, path, ctx, stat) -> {
                if (rc == 0) ok.incrementAndGet();
                else if (rc == KeeperException.Code.CONNECTIONLOSS.intValue()) lost.incrementAndGet();
                else other.incrementAndGet();
                window.release();
            }, null);
            sent++;
            if (!announced && sent >= 64) { say("FIRING"); announced = true; }
        }
        KeeperState s;
        while ((s = states.poll(20, TimeUnit.SECONDS)) != KeeperState.SyncConnected) {
            if (s == null) throw new IllegalStateException("no reconnect");
        }
        if (zk.getSessionId() != sid) throw new IllegalStateException("session changed");
        window.acquire(64);
        step(String.format("reconnected, same session 0x%x; async setData: %d sent, %d ok, %d CONNECTIONLOSS, %d other",
                           sid, sent, ok.get(), lost.get(), other.get()));
        say("RECONNECTED sent=" + sent + " ok=" + ok.get() + " lost=" + lost.get());
        Thread.sleep(300);
        zk.setData("/sk/a", b("a2"), -1);                               // data watch
        zk.create("/sk/later", b("l"), open, CreateMode.PERSISTENT);    // exist watch + child watch
        zk.setData("/sk/p", b("p2"), -1);                               // persistent watch
        data.await(EventType.NodeDataChanged, "/sk/a");
        exist.await(EventType.NodeCreated, "/sk/later");
        child.await(EventType.NodeChildrenChanged, "/sk");
        pers.await(EventType.NodeDataChanged, "/sk/p");
        zk.getData("/sk/load", false, null);
        zk.close();
        say("DONE");
    }
}
