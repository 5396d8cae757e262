// Every operation of the Apache C client, run directly against the ensemble and through `zkwire proxy`: same results.
//
// Each operation runs twice, once per side, on two sibling trees (/<root>-direct and /<root>-proxy), and its
// outcome is described as text with everything that must match (return code, data, names relative to the tree,
// versions, counts) and nothing that legitimately differs (zxids, times, session ids). The proxy is started here
// on a free port; the ensemble is the proxy3 fixture (ZK_ENSEMBLE_DIR), the binary is $ZKWIRE.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::map<std::string, std::string> env;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool port_answers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// The ensemble's connect string and one proxy in front of it, for the whole test program.
struct Servers : ::testing::Environment {
  static inline std::string direct, proxied;
  pid_t proxy = -1;

  void SetUp() override {
    const char* zkwire = std::getenv("ZKWIRE");
    const char* dir = std::getenv("ZK_ENSEMBLE_DIR");
    ASSERT_TRUE(zkwire && dir) << "run through ctest: ZKWIRE and ZK_ENSEMBLE_DIR must be set";
    direct = read_env_file(std::string(dir) + "/ensemble.env")["ZK_CONNECT"];
    ASSERT_FALSE(direct.empty());
    int port = free_port();
    std::string listen = "127.0.0.1:" + std::to_string(port);
    proxy = fork();
    if (proxy == 0) {
      setpgid(0, 0);
      // ZKWIRE_POLL_US runs the same suite with the loop looking before it sleeps (proxy/event_loop.h).
      const char* poll_us = std::getenv("ZKWIRE_POLL_US");
      execl(zkwire, zkwire, "proxy", "--listen", listen.c_str(), "--upstream", direct.c_str(),
            poll_us ? "--poll-before-sleep-us" : nullptr, poll_us, nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && !port_answers(port); ++i) std::this_thread::sleep_for(25ms);
    ASSERT_TRUE(port_answers(port)) << "the proxy never listened on " << listen;
    proxied = listen;
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  }

  void TearDown() override {
    if (proxy <= 0) return;
    kill(proxy, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200 && waitpid(proxy, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(25ms);
    if (waitpid(proxy, &status, WNOHANG) == 0) {
      kill(proxy, SIGKILL);
      waitpid(proxy, &status, 0);
      ADD_FAILURE() << "the proxy did not exit on SIGTERM";
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "proxy exit status " << status;
  }
};

// One client session and the tree it works in; watch events are kept as text, relative to the tree.
struct Side {
  std::string name, root;
  zhandle_t* zh = nullptr;
  std::mutex mutex;
  std::condition_variable changed;
  bool connected = false;
  std::vector<std::string> events;

  std::string rel(const char* path) const {
    std::string p = path ? path : "(null)";
    return p.starts_with(root) ? p.substr(root.size()) : p;
  }
  std::string at(const std::string& relative) const { return root + relative; }

  static void watcher(zhandle_t*, int type, int state, const char* path, void* context) {
    auto* self = static_cast<Side*>(context);
    std::lock_guard lock(self->mutex);
    if (type == ZOO_SESSION_EVENT) {
      self->connected = state == ZOO_CONNECTED_STATE;
    } else {
      self->events.push_back(std::to_string(type) + " " + self->rel(path));
    }
    self->changed.notify_all();
  }

  bool open(const std::string& hosts) {
    zh = zookeeper_init(hosts.c_str(), watcher, 15000, nullptr, this, 0);
    if (!zh) return false;
    zoo_set_servers_resolution_delay(zh, -1);  // else 3.8.0 resolves the hosts on every loop turn
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 15s, [&] { return connected; });
  }

  std::vector<std::string> wait_events(size_t n) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, 10s, [&] { return events.size() >= n; });
    return events;
  }

  void close() {
    if (zh) zookeeper_close(zh);
    zh = nullptr;
  }
};

std::string stat_text(const Stat& s, const Side& side) {
  int64_t session = zoo_client_id(side.zh)->client_id;
  return "version=" + std::to_string(s.version) + " cversion=" + std::to_string(s.cversion) +
         " aversion=" + std::to_string(s.aversion) + " dataLength=" + std::to_string(s.dataLength) +
         " numChildren=" + std::to_string(s.numChildren) +
         " ephemeral=" + (s.ephemeralOwner == 0 ? "no" : s.ephemeralOwner == session ? "mine" : "other");
}

std::string rc_text(int rc) { return std::string(zerror(rc)) + "(" + std::to_string(rc) + ")"; }

// Waits for one asynchronous completion and keeps its outcome as text.
struct Completion {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::string text;
  void set(std::string t) {
    std::lock_guard lock(mutex);
    text = std::move(t);
    done = true;
    done_cv.notify_all();
  }
  std::string wait() {
    std::unique_lock lock(mutex);
    if (!done_cv.wait_for(lock, 10s, [&] { return done; })) return "no completion within 10 s";
    return text;
  }
};

class ThroughProxy : public ::testing::Test {
 protected:
  Side direct, proxied;

  void SetUp() override {
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string root = "/zkwire-proxy-crud-" + std::to_string(getpid()) + "-" + test;
    direct.name = "direct";
    direct.root = root + "-direct";
    proxied.name = "proxy";
    proxied.root = root + "-proxy";
    ASSERT_TRUE(direct.open(Servers::direct)) << "no session directly on " << Servers::direct;
    ASSERT_TRUE(proxied.open(Servers::proxied)) << "no session through the proxy on " << Servers::proxied;
    for (Side* s : {&direct, &proxied})
      ASSERT_EQ(zoo_create(s->zh, s->root.c_str(), "root", 4, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0), ZOK);
  }

  void TearDown() override {
    proxied.close();
    for (const std::string& root : {direct.root, proxied.root}) remove_tree(root);
    direct.close();
  }

  void remove_tree(const std::string& path) {
    if (!direct.zh) return;
    String_vector children{};
    if (zoo_get_children(direct.zh, path.c_str(), 0, &children) == ZOK) {
      for (int i = 0; i < children.count; ++i) remove_tree(path + "/" + children.data[i]);
      deallocate_String_vector(&children);
    }
    zoo_delete(direct.zh, path.c_str(), -1);
  }

  // Runs `op` on each side; the two descriptions must be equal (and are returned for further checks).
  template <class Op>
  std::string same(const char* what, Op op) {
    std::string a = op(direct), b = op(proxied);
    EXPECT_EQ(a, b) << what << ": direct and proxied results differ";
    EXPECT_EQ(b.find("no session"), std::string::npos) << what << ": " << b;  // equal, but equally broken
    EXPECT_EQ(b.find("no completion"), std::string::npos) << what << ": " << b;
    return b;
  }
};

std::string create(Side& s, const std::string& path, const char* data, int mode, int64_t ttl = -1) {
  char name[512] = "";
  int rc = ttl > 0 ? zoo_create_ttl(s.zh, s.at(path).c_str(), data, data ? static_cast<int>(strlen(data)) : -1,
                                    &ZOO_OPEN_ACL_UNSAFE, mode, ttl, name, sizeof name)
                   : zoo_create(s.zh, s.at(path).c_str(), data, data ? static_cast<int>(strlen(data)) : -1,
                                &ZOO_OPEN_ACL_UNSAFE, mode, name, sizeof name);
  return rc_text(rc) + (rc == ZOK ? " " + s.rel(name) : "");
}

// Steps in order: the operands of `+` have no evaluation order, the elements of a braced list do.
std::string in_order(std::initializer_list<std::string> steps) {
  std::string out;
  for (const auto& s : steps) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string get(Side& s, const std::string& path) {
  std::vector<char> buffer(1 << 20);
  int length = static_cast<int>(buffer.size());
  Stat stat{};
  int rc = zoo_get(s.zh, s.at(path).c_str(), 0, buffer.data(), &length, &stat);
  if (rc != ZOK) return rc_text(rc);
  return "ok data=" + (length < 0 ? "(null)" : std::string(buffer.data(), static_cast<size_t>(length))) + " " +
         stat_text(stat, s);
}

std::string exists(Side& s, const std::string& path) {
  Stat stat{};
  int rc = zoo_exists(s.zh, s.at(path).c_str(), 0, &stat);
  return rc_text(rc) + (rc == ZOK ? " " + stat_text(stat, s) : "");
}

std::string children(Side& s, const std::string& path, bool with_stat) {
  String_vector names{};
  Stat stat{};
  int rc = with_stat ? zoo_get_children2(s.zh, s.at(path).c_str(), 0, &names, &stat)
                     : zoo_get_children(s.zh, s.at(path).c_str(), 0, &names);
  if (rc != ZOK) return rc_text(rc);
  std::vector<std::string> sorted(names.data, names.data + names.count);
  std::sort(sorted.begin(), sorted.end());
  deallocate_String_vector(&names);
  std::string out = "ok";
  for (const auto& n : sorted) out += " " + n;
  return out + (with_stat ? " | " + stat_text(stat, s) : "");
}

std::string acl_text(const ACL_vector& acl) {
  std::string out;
  for (int i = 0; i < acl.count; ++i)
    out += std::string(" ") + acl.data[i].id.scheme + ":" + acl.data[i].id.id + "=" + std::to_string(acl.data[i].perms);
  return out;
}

TEST_F(ThroughProxy, CreateInEveryMode) {
  same("persistent", [](Side& s) { return create(s, "/p", "p", ZOO_PERSISTENT); });
  same("ephemeral", [](Side& s) { return create(s, "/e", "e", ZOO_EPHEMERAL); });
  same("sequential", [](Side& s) { return create(s, "/s-", "s", ZOO_PERSISTENT_SEQUENTIAL); });
  same("sequential again", [](Side& s) { return create(s, "/s-", "s", ZOO_PERSISTENT_SEQUENTIAL); });
  same("ephemeral sequential", [](Side& s) { return create(s, "/es-", "es", ZOO_EPHEMERAL_SEQUENTIAL); });
  same("container", [](Side& s) { return create(s, "/c", "c", ZOO_CONTAINER); });
  same("ttl", [](Side& s) { return create(s, "/t", "t", ZOO_PERSISTENT_WITH_TTL, 60'000); });
  same("ttl sequential", [](Side& s) { return create(s, "/ts-", "t", ZOO_PERSISTENT_SEQUENTIAL_WITH_TTL, 60'000); });
  same("null data", [](Side& s) { return create(s, "/null", nullptr, ZOO_PERSISTENT); });
  same("exists already", [](Side& s) { return create(s, "/p", "again", ZOO_PERSISTENT); });
  same("no parent", [](Side& s) { return create(s, "/missing/child", "x", ZOO_PERSISTENT); });
  same("child of ephemeral", [](Side& s) { return create(s, "/e/child", "x", ZOO_PERSISTENT); });
  same("the tree", [](Side& s) { return children(s, "", true); });
  std::string ephemeral = same("ephemeral stat", [](Side& s) { return exists(s, "/e"); });
  EXPECT_NE(ephemeral.find("ephemeral=mine"), std::string::npos) << ephemeral;
}

TEST_F(ThroughProxy, Create2ReturnsTheStat) {
  auto create2 = [](Side& s, const char* path) {
    char name[256] = "";
    Stat stat{};
    int rc = zoo_create2(s.zh, s.at(path).c_str(), "c2", 2, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, name,
                         sizeof name, &stat);
    return rc_text(rc) + (rc == ZOK ? " " + s.rel(name) + " " + stat_text(stat, s) : "");
  };
  same("create2", [&](Side& s) { return create2(s, "/c2-"); });
  same("create2 again", [&](Side& s) { return create2(s, "/c2-"); });
  same("create2 without parent", [&](Side& s) { return create2(s, "/none/c2-"); });
}

TEST_F(ThroughProxy, ExistsGetSetDelete) {
  same("setup", [](Side& s) { return in_order({create(s, "/n", "one", ZOO_PERSISTENT), create(s, "/n/kid", "", 0)}); });
  same("exists hit", [](Side& s) { return exists(s, "/n"); });
  same("exists miss", [](Side& s) { return exists(s, "/nothing"); });
  same("get", [](Side& s) { return get(s, "/n"); });
  same("get miss", [](Side& s) { return get(s, "/nothing"); });
  auto set = [](Side& s, const char* data, int version) {
    Stat stat{};
    int rc = zoo_set2(s.zh, s.at("/n").c_str(), data, static_cast<int>(strlen(data)), version, &stat);
    return rc_text(rc) + (rc == ZOK ? " " + stat_text(stat, s) : "");
  };
  same("set", [&](Side& s) { return set(s, "two", -1); });
  same("set at version 1", [&](Side& s) { return set(s, "three", 1); });
  same("set at a bad version", [&](Side& s) { return set(s, "four", 42); });
  same("plain set", [](Side& s) { return rc_text(zoo_set(s.zh, s.at("/n").c_str(), "five", 4, -1)); });
  same("set miss", [](Side& s) { return rc_text(zoo_set(s.zh, s.at("/nothing").c_str(), "x", 1, -1)); });
  same("get after sets", [](Side& s) { return get(s, "/n"); });
  same("delete not empty", [](Side& s) { return rc_text(zoo_delete(s.zh, s.at("/n").c_str(), -1)); });
  same("delete bad version", [](Side& s) { return rc_text(zoo_delete(s.zh, s.at("/n/kid").c_str(), 7)); });
  same("delete", [](Side& s) { return rc_text(zoo_delete(s.zh, s.at("/n/kid").c_str(), 0)); });
  same("delete miss", [](Side& s) { return rc_text(zoo_delete(s.zh, s.at("/n/kid").c_str(), -1)); });
  same("get a large value", [](Side& s) {
    std::string big(700'000, 'v');
    for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
    int rc = zoo_create(s.zh, s.at("/big").c_str(), big.data(), static_cast<int>(big.size()), &ZOO_OPEN_ACL_UNSAFE,
                        0, nullptr, 0);
    std::string got = get(s, "/big");
    return rc_text(rc) + " same=" + (got.find(big) != std::string::npos ? "yes" : "no") + " " +
           got.substr(got.find(" version="));
  });
}

TEST_F(ThroughProxy, AclsAndDigestAuth) {
  same("setup", [](Side& s) { return create(s, "/a", "secret", ZOO_PERSISTENT); });
  auto get_acl = [](Side& s) {
    ACL_vector acl{};
    Stat stat{};
    int rc = zoo_get_acl(s.zh, s.at("/a").c_str(), &acl, &stat);
    std::string out = rc_text(rc) + (rc == ZOK ? acl_text(acl) + " " + stat_text(stat, s) : "");
    if (rc == ZOK) deallocate_ACL_vector(&acl);
    return out;
  };
  same("get acl", get_acl);
  same("add_auth digest", [](Side& s) {
    static Completion* pending;
    Completion c;
    pending = &c;
    int rc = zoo_add_auth(s.zh, "digest", "user:secret", 11,
                          [](int rc, const void*) { pending->set(rc_text(rc)); }, nullptr);
    return rc_text(rc) + " -> " + c.wait();
  });
  same("set acl to auth only", [](Side& s) {
    ACL only_me{ZOO_PERM_ALL, {const_cast<char*>("auth"), const_cast<char*>("")}};
    ACL_vector acl{1, &only_me};
    return rc_text(zoo_set_acl(s.zh, s.at("/a").c_str(), 0, &acl));
  });
  same("set acl at a bad version", [](Side& s) {
    return rc_text(zoo_set_acl(s.zh, s.at("/a").c_str(), 99, &ZOO_OPEN_ACL_UNSAFE));
  });
  same("get acl with digest", get_acl);
  same("authenticated get", [](Side& s) { return get(s, "/a"); });
  // A second session on the same side, without the credentials, is refused.
  EXPECT_EQ(same("anonymous get", [](Side& s) {
    Side other;
    other.root = s.root;
    if (!other.open(s.name == "proxy" ? Servers::proxied : Servers::direct)) return std::string("no session");
    std::string out = get(other, "/a");
    other.close();
    return out;
  }), "not authenticated(-102)");
  same("invalid acl", [](Side& s) {
    ACL nobody{ZOO_PERM_ALL, {const_cast<char*>("digest"), const_cast<char*>("not-a-digest")}};
    ACL_vector acl{1, &nobody};
    return rc_text(zoo_create(s.zh, s.at("/bad-acl").c_str(), "", 0, &acl, 0, nullptr, 0));
  });
  same("set acl back to open", [](Side& s) {
    return rc_text(zoo_set_acl(s.zh, s.at("/a").c_str(), -1, &ZOO_OPEN_ACL_UNSAFE));
  });
}

// An unknown scheme makes the server answer AUTHFAILED and close: the client must end in the auth-failed state.
TEST_F(ThroughProxy, FailedAuthEndsTheConnection) {
  std::string failed = same("add_auth with an unknown scheme", [](Side& s) {
    Side other;
    if (!other.open(s.name == "proxy" ? Servers::proxied : Servers::direct)) return std::string("no session");
    static Completion* pending;
    Completion c;
    pending = &c;
    int rc = zoo_add_auth(other.zh, "no-such-scheme", "x", 1, [](int rc, const void*) { pending->set(rc_text(rc)); },
                          nullptr);
    std::string out = rc_text(rc) + " -> " + c.wait();
    for (int i = 0; i < 100 && zoo_state(other.zh) != ZOO_AUTH_FAILED_STATE; ++i) std::this_thread::sleep_for(20ms);
    out += zoo_state(other.zh) == ZOO_AUTH_FAILED_STATE ? " state=auth_failed" : " state=" + std::to_string(zoo_state(other.zh));
    other.close();
    return out;
  });
  EXPECT_EQ(failed, "ok(0) -> authentication failed(-115) state=auth_failed");
}

TEST_F(ThroughProxy, ChildrenAndSync) {
  same("setup", [](Side& s) {
    return in_order({create(s, "/k", "", 0), create(s, "/k/b", "", 0), create(s, "/k/a", "", 0), create(s, "/k/c", "", 1)});
  });
  same("get_children", [](Side& s) { return children(s, "/k", false); });
  same("get_children2", [](Side& s) { return children(s, "/k", true); });
  same("get_children miss", [](Side& s) { return children(s, "/none", false); });
  same("sync", [](Side& s) {
    static Completion* pending;
    Completion c;
    pending = &c;
    auto done = [](int rc, const char* value, const void* data) {
      pending->set(rc_text(rc) + " " + static_cast<const Side*>(data)->rel(value));
    };
    int rc = zoo_async(s.zh, s.at("/k").c_str(), done, &s);
    return rc_text(rc) + " -> " + c.wait();
  });
  same("getconfig", [](Side& s) {
    std::vector<char> buffer(4096);
    int length = static_cast<int>(buffer.size());
    Stat stat{};
    int rc = zoo_getconfig(s.zh, 0, buffer.data(), &length, &stat);
    return rc_text(rc) + (rc == ZOK ? " " + std::string(buffer.data(), static_cast<size_t>(length)) : "");
  });
}

TEST_F(ThroughProxy, MultiThatSucceedsAndMultiThatFails) {
  same("setup", [](Side& s) { return create(s, "/m", "0", 0); });
  auto multi = [](Side& s, int check_version) {
    std::string m = s.at("/m"), x = s.at("/m/x"), seq = s.at("/m/seq-");
    char created[2][256] = {"", ""};
    zoo_op_t ops[4];
    zoo_op_result_t results[4];
    zoo_create_op_init(&ops[0], x.c_str(), "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, created[0], sizeof created[0]);
    zoo_create_op_init(&ops[1], seq.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_SEQUENCE, created[1], sizeof created[1]);
    zoo_check_op_init(&ops[2], m.c_str(), check_version);
    zoo_set_op_init(&ops[3], m.c_str(), "1", 1, -1, nullptr);
    int rc = zoo_multi(s.zh, 4, ops, results);
    std::string out = rc_text(rc);
    for (int i = 0; i < 4; ++i) out += " [" + std::to_string(results[i].err) + "]";
    if (rc == ZOK) out += " " + s.rel(created[0]) + " " + s.rel(created[1]);
    return out;
  };
  EXPECT_EQ(same("multi fails on check", [&](Side& s) { return multi(s, 5); }), "bad version(-103) [0] [0] [-103] [-2]");
  same("nothing of it applied", [](Side& s) { return children(s, "/m", true); });
  same("multi ok", [&](Side& s) { return multi(s, 0); });
  same("all of it applied", [](Side& s) { return children(s, "/m", true) + " " + get(s, "/m"); });
  same("multi fails on an existing node", [&](Side& s) { return multi(s, 1); });
  same("delete in multi", [](Side& s) {
    std::string x = s.at("/m/x");
    zoo_op_t op;
    zoo_op_result_t result;
    zoo_delete_op_init(&op, x.c_str(), -1);
    return rc_text(zoo_multi(s.zh, 1, &op, &result)) + " [" + std::to_string(result.err) + "]";
  });
}

TEST_F(ThroughProxy, WatchesFire) {
  same("setup", [](Side& s) { return in_order({create(s, "/w", "0", 0), create(s, "/w/old", "", 0)}); });
  std::string armed = same("arm", [](Side& s) {
    Stat stat{};
    char buffer[16];
    int length = sizeof buffer;
    String_vector names{};
    std::string out = rc_text(zoo_wget(s.zh, s.at("/w").c_str(), Side::watcher, &s, buffer, &length, &stat));
    out += rc_text(zoo_wexists(s.zh, s.at("/w/new").c_str(), Side::watcher, &s, &stat));
    out += rc_text(zoo_wget_children(s.zh, s.at("/w").c_str(), Side::watcher, &s, &names));
    deallocate_String_vector(&names);
    out += rc_text(zoo_wexists(s.zh, s.at("/w/old").c_str(), Side::watcher, &s, &stat));
    return out;
  });
  EXPECT_EQ(armed, "ok(0)no node(-101)ok(0)ok(0)") << "a data watch, an exists watch on a missing node, a child watch";
  same("trigger", [](Side& s) {
    return in_order({rc_text(zoo_set(s.zh, s.at("/w").c_str(), "1", 1, -1)), create(s, "/w/new", "", 0),
                     rc_text(zoo_delete(s.zh, s.at("/w/old").c_str(), -1))});
  });
  std::string fired = same("events", [](Side& s) {
    std::vector<std::string> events = s.wait_events(4);
    std::sort(events.begin(), events.end());
    std::string out;
    for (const auto& e : events) out += "[" + e + "]";
    return out;
  });
  EXPECT_EQ(fired, "[1 /w/new][2 /w/old][3 /w][4 /w]") << "created, deleted, data changed, children changed";
  same("remove a watch that was never set", [](Side& s) {
    return rc_text(zoo_remove_watches(s.zh, s.at("/w").c_str(), ZWATCHTYPE_DATA, Side::watcher, &s, 0));
  });
  same("remove an armed watch", [](Side& s) {
    Stat stat{};
    zoo_wexists(s.zh, s.at("/w").c_str(), Side::watcher, &s, &stat);
    return rc_text(zoo_remove_watches(s.zh, s.at("/w").c_str(), ZWATCHTYPE_ANY, Side::watcher, &s, 0));
  });
}

TEST_F(ThroughProxy, CloseEndsTheSessionAndItsEphemerals) {
  std::string closed = same("close", [this](Side& s) {
    Side other;
    if (!other.open(s.name == "proxy" ? Servers::proxied : Servers::direct)) return std::string("no session");
    std::string out = rc_text(zoo_create(other.zh, s.at("/gone").c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL,
                                         nullptr, 0));
    out += " close " + rc_text(zookeeper_close(other.zh));
    other.zh = nullptr;
    // `direct` may be on another server, which applies the closeSession a moment after it commits: what is
    // pinned is that the ephemeral goes, not which server learns it first.
    Stat stat{};
    int rc = ZOK;
    for (int tries = 0; tries < 50 && (rc = zoo_exists(direct.zh, s.at("/gone").c_str(), 0, &stat)) == ZOK; ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return out + " then " + rc_text(rc);
  });
  EXPECT_EQ(closed, "ok(0) close ok(0) then no node(-101)");
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new Servers);
  return RUN_ALL_TESTS();
}
