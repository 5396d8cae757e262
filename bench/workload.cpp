// The benchmark workload: each op's request and reply encoded by the frame builder, never by hand.
#include "bench/workload.h"

#include <random>
#include <string>

#include "tests/support/frame_builder.h"

namespace zkwire::bench {
namespace {

using testing::Bytes;
using testing::FrameBuilder;

// Weights out of 100, shaped like a read-heavy production ensemble: mostly getData and exists.
enum class Kind { get_data, exists, get_children, ping, set_data, create, multi, delete_, notification };
constexpr struct {
  Kind kind;
  int weight;
} kMix[] = {
    {Kind::get_data, 40}, {Kind::exists, 18}, {Kind::get_children, 12}, {Kind::ping, 8},
    {Kind::set_data, 8},  {Kind::create, 5},  {Kind::notification, 5},  {Kind::multi, 2},
    {Kind::delete_, 2},
};

Stat some_stat(int64_t zxid, int32_t data_length, int32_t children) {
  Stat s;
  s.czxid = zxid - 1000;
  s.mzxid = zxid;
  s.ctime = 1'700'000'000'000;
  s.mtime = 1'700'000'100'000;
  s.version = 7;
  s.dataLength = data_length;
  s.numChildren = children;
  s.pzxid = zxid - 10;
  return s;
}

class Encoder {
 public:
  // Appends op number `i`'s request to `client` and its reply (or a notification) to `server`.
  uint64_t add(Kind kind, int i, Bytes& client, Bytes& server) {
    FrameBuilder fb;
    std::string path = "/services/payments/config/node-" + std::to_string(i % 500);
    std::string value(100, 'v');
    int64_t zxid = 0x300000000 + i;
    auto put = [](Bytes& to, const Bytes& frame) { to.insert(to.end(), frame.begin(), frame.end()); };
    int32_t xid = ++xid_;
    switch (kind) {
      case Kind::get_data:
        put(client, FrameBuilder::request(xid, OpCode::getData, PathWatchRequest{fb.str(path), i % 4 == 0}));
        put(server, FrameBuilder::reply(xid, zxid, 0, GetDataResponse{fb.buf(value), some_stat(zxid, 100, 0)}));
        return 2;
      case Kind::exists:
        put(client, FrameBuilder::request(xid, OpCode::exists, PathWatchRequest{fb.str(path), true}));
        put(server, FrameBuilder::reply(xid, zxid, 0, StatResponse{some_stat(zxid, 100, 0)}));
        return 2;
      case Kind::get_children:
        put(client, FrameBuilder::request(xid, OpCode::getChildren, PathWatchRequest{fb.str(path), false}));
        put(server, FrameBuilder::reply(xid, zxid, 0,
                                        GetChildrenResponse{fb.strings({"worker-0000000001", "worker-0000000002",
                                                                        "worker-0000000003", "worker-0000000004",
                                                                        "worker-0000000005", "worker-0000000006",
                                                                        "worker-0000000007", "worker-0000000008",
                                                                        "worker-0000000009", "worker-0000000010"})}));
        return 2;
      case Kind::ping:
        put(client, FrameBuilder::request(kPingXid, OpCode::ping));
        put(server, FrameBuilder::reply(kPingXid, zxid, 0));
        return 2;
      case Kind::set_data:
        put(client, FrameBuilder::request(xid, OpCode::setData, SetDataRequest{fb.str(path), fb.buf(value), 7}));
        put(server, FrameBuilder::reply(xid, zxid, 0, StatResponse{some_stat(zxid, 100, 0)}));
        return 2;
      case Kind::create:
        put(client, FrameBuilder::request(xid, OpCode::create,
                                          CreateRequest{fb.str(path + "/lock-"), fb.buf(value.substr(0, 40)),
                                                        fb.acls({fb.open_acl()}), 3}));
        put(server, FrameBuilder::reply(xid, zxid, 0, PathRecord{fb.str(path + "/lock-0000000042")}));
        return 2;
      case Kind::multi: {
        MultiOps ops = fb.multi({{static_cast<int32_t>(OpCode::create),
                                  CreateRequest{fb.str(path + "/a"), fb.buf("x"), fb.acls({fb.open_acl()}), 0}},
                                 {static_cast<int32_t>(OpCode::setData),
                                  SetDataRequest{fb.str(path), fb.buf(value), -1}},
                                 {static_cast<int32_t>(OpCode::check), CheckVersionRequest{fb.str(path), 7}}},
                                false);
        MultiOps results = fb.multi({{static_cast<int32_t>(OpCode::create), PathRecord{fb.str(path + "/a")}, 0},
                                     {static_cast<int32_t>(OpCode::setData), StatResponse{some_stat(zxid, 100, 0)}, 0},
                                     {static_cast<int32_t>(OpCode::check), Empty{}, 0}},
                                    true);
        put(client, FrameBuilder::request(xid, OpCode::multi, MultiRequest{ops}));
        put(server, FrameBuilder::reply(xid, zxid, 0, MultiResponse{results}));
        return 2;
      }
      case Kind::delete_:
        put(client, FrameBuilder::request(xid, OpCode::delete_, DeleteRequest{fb.str(path + "/a"), -1}));
        put(server, FrameBuilder::reply(xid, zxid, 0));
        return 2;
      case Kind::notification:
        --xid_;
        put(server, FrameBuilder::event(3, 3, path, zxid));  // NodeDataChanged, SyncConnected
        return 1;
    }
    return 0;
  }

 private:
  int32_t xid_ = 0;
};

Kind pick(std::minstd_rand& rng) {
  int roll = static_cast<int>(rng() % 100);
  for (const auto& m : kMix) {
    if (roll < m.weight) return m.kind;
    roll -= m.weight;
  }
  return Kind::get_data;
}

}  // namespace

Workload make_workload(size_t ops, size_t batch, size_t max_feed) {
  Workload w;
  FrameBuilder fb;
  w.segments.push_back(FrameBuilder::connect_request(fb.new_session()));
  w.segments.push_back(FrameBuilder::connect_response(fb.session_granted(0x1000000abcdef)));
  w.frames = 2;
  std::minstd_rand rng(42);  // the same mix on every run
  Encoder encoder;
  for (size_t done = 0; done < ops;) {
    Bytes client, server;
    for (size_t k = 0; k < batch && done < ops; ++k, ++done)
      w.frames += encoder.add(pick(rng), static_cast<int>(done), client, server);
    w.segments.push_back(std::move(client));
    w.segments.push_back(std::move(server));
  }
  // Segments alternate client, server; each is cut into feeds only now that the vector stops moving.
  for (size_t i = 0; i < w.segments.size(); ++i) {
    Direction dir = i % 2 == 0 ? Direction::client_to_server : Direction::server_to_client;
    std::span<const uint8_t> rest = w.segments[i];
    w.bytes += rest.size();
    while (!rest.empty()) {
      size_t n = std::min(rest.size(), max_feed);
      w.feeds.push_back({dir, rest.first(n)});
      rest = rest.subspan(n);
    }
  }
  return w;
}

}  // namespace zkwire::bench
