/* Capture driver using the Apache ZooKeeper C client (libzookeeper_mt 3.8.0).
 * Built and run by captures/record.sh:  cc -O2 -o cclient_driver cclient_driver.c -lzookeeper_mt
 * Environment: ZK_CONNECT (host:port,...), ZK_CLIENT_PORTS (space-separated, for `ss -K`).
 * Sequence: connect (4000 ms session), digest auth, sync and async requests, a watch that fires,
 * a multi, ~5 s idle (pings, xid -2), `ss -K` while holding watches (reconnect + SetWatches, xid -8),
 * a watch firing after the reconnect, zookeeper_close. Progress goes to stderr. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int session_state;       /* last session state seen by the global watcher */
static int connects;            /* how many times we reached ZOO_CONNECTED_STATE */
static int node_events;         /* watch events for nodes */
static int completions;         /* async completions */

static void step(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("driver: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void die(const char *what, int rc) {
    fprintf(stderr, "driver: %s failed: %d (%s)\n", what, rc, zerror(rc));
    exit(1);
}

#define CHECK(what, expr, want)         \
    do {                                \
        int rc_ = (expr);               \
        if (rc_ != (want)) die(what, rc_); \
    } while (0)

static void global_watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void)zh; (void)ctx;
    pthread_mutex_lock(&mu);
    if (type == ZOO_SESSION_EVENT) {
        session_state = state;
        if (state == ZOO_CONNECTED_STATE) connects++;
        step("session event state %d", state);
    } else {
        node_events++;
        step("watch event type %d path %s", type, path ? path : "(null)");
    }
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

/* Waits until *counter >= want (10 s max). */
static void wait_for(int *counter, int want, const char *what) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    pthread_mutex_lock(&mu);
    while (*counter < want) {
        if (pthread_cond_timedwait(&cv, &mu, &ts) != 0) {
            pthread_mutex_unlock(&mu);
            fprintf(stderr, "driver: timed out waiting for %s\n", what);
            exit(1);
        }
    }
    pthread_mutex_unlock(&mu);
}

static void completed(void) {
    pthread_mutex_lock(&mu);
    completions++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void void_done(int rc, const void *data) { step("  async %s -> %d", (const char *)data, rc); completed(); }
static void string_done(int rc, const char *value, const void *data) {
    step("  async %s -> %d %s", (const char *)data, rc, value ? value : "");
    completed();
}
static void stat_done(int rc, const struct Stat *stat, const void *data) {
    (void)stat;
    step("  async %s -> %d", (const char *)data, rc);
    completed();
}
static void data_done(int rc, const char *value, int len, const struct Stat *stat, const void *data) {
    (void)value; (void)stat;
    step("  async %s -> %d (%d bytes)", (const char *)data, rc, len);
    completed();
}
static void strings_done(int rc, const struct String_vector *strings, const void *data) {
    step("  async %s -> %d (%d children)", (const char *)data, rc, strings ? strings->count : -1);
    completed();
}

static void kill_connections(void) {
    char cmd[512] = "ss -K state established dst 127.0.0.1 '(";
    const char *ports = getenv("ZK_CLIENT_PORTS");
    char buf[256];
    snprintf(buf, sizeof buf, "%s", ports ? ports : "");
    int first = 1;
    for (char *p = strtok(buf, " "); p; p = strtok(NULL, " ")) {
        strncat(cmd, first ? " dport = :" : " or dport = :", sizeof cmd - strlen(cmd) - 1);
        strncat(cmd, p, sizeof cmd - strlen(cmd) - 1);
        first = 0;
    }
    strncat(cmd, " )' >/dev/null 2>&1", sizeof cmd - strlen(cmd) - 1);
    if (system(cmd) != 0) {
        fprintf(stderr, "driver: %s failed\n", cmd);
        exit(1);
    }
}

int main(void) {
    const char *connect = getenv("ZK_CONNECT");
    if (!connect) {
        fprintf(stderr, "ZK_CONNECT not set\n");
        return 2;
    }
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    zhandle_t *zh = zookeeper_init(connect, global_watcher, 4000, NULL, NULL, 0);
    if (!zh) die("zookeeper_init", -1);
    zoo_set_servers_resolution_delay(zh, -1);
    wait_for(&connects, 1, "connection");
    step("connected, negotiated timeout %d ms", zoo_recv_timeout(zh));

    int done = 0;
    step("auth digest (op 100, xid -4)");
    CHECK("zoo_add_auth", zoo_add_auth(zh, "digest", "user:secret", 11, void_done, "auth"), ZOK);
    wait_for(&completions, done += 1, "auth");

    char path[256];
    struct Stat st;
    step("sync creates");
    CHECK("create /c", zoo_create(zh, "/c", "c-root", 6, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path), ZOK);
    CHECK("create /c/nodata", zoo_create(zh, "/c/nodata", NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path), ZOK);
    CHECK("create2 /c/stat", zoo_create2(zh, "/c/stat", "s", 1, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path, &st), ZOK);
    CHECK("create /c/eph", zoo_create(zh, "/c/eph", "e", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, path, sizeof path), ZOK);
    CHECK("create /c/w", zoo_create(zh, "/c/w", "w0", 2, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path), ZOK);
    CHECK("create /c/w again", zoo_create(zh, "/c/w", "w0", 2, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path), ZNODEEXISTS);

    step("exists with watch, get, set firing the watch");
    CHECK("exists /c/w", zoo_exists(zh, "/c/w", 1, &st), ZOK);
    CHECK("exists /c/none", zoo_exists(zh, "/c/none", 0, &st), ZNONODE);
    char buf[128];
    int len = sizeof buf;
    CHECK("get /c/w", zoo_get(zh, "/c/w", 0, buf, &len, &st), ZOK);
    len = sizeof buf;
    CHECK("get /c/nodata", zoo_get(zh, "/c/nodata", 0, buf, &len, &st), ZOK);
    step("  /c/nodata len %d", len);
    CHECK("set /c/w", zoo_set(zh, "/c/w", "w1", 2, -1), ZOK);
    wait_for(&node_events, 1, "NodeDataChanged /c/w");
    CHECK("set /c/w bad version", zoo_set(zh, "/c/w", "w2", 2, 99), ZBADVERSION);

    step("get_children2, get_acl");
    struct String_vector children;
    CHECK("get_children2 /c", zoo_get_children2(zh, "/c", 0, &children, &st), ZOK);
    deallocate_String_vector(&children);
    struct ACL_vector acl;
    CHECK("get_acl /c", zoo_get_acl(zh, "/c", &acl, &st), ZOK);
    deallocate_ACL_vector(&acl);

    step("async requests, pipelined");
    CHECK("acreate", zoo_acreate(zh, "/c/seq-", "a", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_SEQUENCE, string_done, "create seq"), ZOK);
    CHECK("aexists", zoo_aexists(zh, "/c/stat", 0, stat_done, "exists"), ZOK);
    CHECK("aget", zoo_aget(zh, "/c/stat", 0, data_done, "get"), ZOK);
    CHECK("aset", zoo_aset(zh, "/c/stat", "s1", 2, -1, stat_done, "set"), ZOK);
    CHECK("aget_children", zoo_aget_children(zh, "/c", 0, strings_done, "get_children"), ZOK);
    CHECK("async sync", zoo_async(zh, "/c", string_done, "sync"), ZOK);
    CHECK("adelete", zoo_adelete(zh, "/c/stat", -1, void_done, "delete"), ZOK);
    wait_for(&completions, done += 7, "async completions");

    step("multi: succeeding, then failing");
    {
        zoo_op_t ops[4];
        zoo_op_result_t res[4];
        char p1[64], p2[64];
        zoo_create_op_init(&ops[0], "/c/m", "m", 1, &ZOO_OPEN_ACL_UNSAFE, 0, p1, sizeof p1);
        zoo_create_op_init(&ops[1], "/c/mseq-", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_SEQUENCE, p2, sizeof p2);
        zoo_set_op_init(&ops[2], "/c/m", "m1", 2, 0, NULL);
        zoo_check_op_init(&ops[3], "/c/w", 1);
        CHECK("multi ok", zoo_multi(zh, 4, ops, res), ZOK);
        zoo_delete_op_init(&ops[0], "/c/m", -1);
        zoo_check_op_init(&ops[1], "/c/w", 42);
        CHECK("multi failing", zoo_multi(zh, 2, ops, res), ZBADVERSION);
    }
    CHECK("delete /c/nodata", zoo_delete(zh, "/c/nodata", -1), ZOK);

    step("hold watches: data on /c/w, exists on /c/later, child on /c");
    CHECK("get /c/w watch", zoo_get(zh, "/c/w", 1, buf, &(int){sizeof buf}, &st), ZOK);
    CHECK("exists /c/later watch", zoo_exists(zh, "/c/later", 1, &st), ZNONODE);
    CHECK("get_children /c watch", zoo_get_children(zh, "/c", 1, &children), ZOK);
    deallocate_String_vector(&children);

    step("idle 5 s (pings)");
    sleep(5);

    step("kill the connection with ss -K; expect reconnect + SetWatches (xid -8)");
    kill_connections();
    wait_for(&connects, 2, "reconnect");
    step("fire the re-registered watches");
    CHECK("set /c/w", zoo_set(zh, "/c/w", "w3", 2, -1), ZOK);
    CHECK("create /c/later", zoo_create(zh, "/c/later", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, path, sizeof path), ZOK);
    wait_for(&node_events, 4, "3 watch events after the reconnect");

    step("zookeeper_close (-11)");
    CHECK("zookeeper_close", zookeeper_close(zh), ZOK);
    step("done");
    return 0;
}
