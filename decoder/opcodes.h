// ZooDefs.OpCode: the one table of opcodes, with the record each request and successful reply carries.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace zkwire {

// X(code, identifier, name as ZooDefs.OpCode spells it, request body, success reply body, description)
#define ZKWIRE_OPCODES(X)                                                                                   \
  X(0, notification, "notification", Empty, WatcherEvent, "watch notification; never a request (xid -1)")   \
  X(1, create, "create", CreateRequest, PathRecord, "create a znode")                                       \
  X(2, delete_, "delete", DeleteRequest, Empty, "delete a znode")                                           \
  X(3, exists, "exists", PathWatchRequest, StatResponse, "stat a znode, optionally leaving a watch")        \
  X(4, getData, "getData", PathWatchRequest, GetDataResponse, "read a znode's data and stat")              \
  X(5, setData, "setData", SetDataRequest, StatResponse, "write a znode's data")                            \
  X(6, getACL, "getACL", PathRecord, GetACLResponse, "read a znode's ACL")                                  \
  X(7, setACL, "setACL", SetACLRequest, StatResponse, "replace a znode's ACL")                              \
  X(8, getChildren, "getChildren", PathWatchRequest, GetChildrenResponse, "list children")                 \
  X(9, sync, "sync", PathRecord, PathRecord, "catch the server up with the leader")                         \
  X(11, ping, "ping", Empty, Empty, "keep the session alive (xid -2)")                                      \
  X(12, getChildren2, "getChildren2", PathWatchRequest, GetChildren2Response, "list children with stat")   \
  X(13, check, "check", CheckVersionRequest, Empty, "version check (inside multi; unsafe top-level)")       \
  X(14, multi, "multi", MultiRequest, MultiResponse, "atomic transaction")                                  \
  X(15, create2, "create2", CreateRequest, Create2Response, "create a znode and return its stat")          \
  X(16, reconfig, "reconfig", ReconfigRequest, GetDataResponse, "dynamic reconfiguration")                  \
  X(17, checkWatches, "checkWatches", WatchesRequest, Empty, "check that a watch exists")                   \
  X(18, removeWatches, "removeWatches", WatchesRequest, Empty, "remove watches")                            \
  X(19, createContainer, "createContainer", CreateRequest, Create2Response, "create a container znode")    \
  X(20, deleteContainer, "deleteContainer", DeleteContainerRequest, Empty, "server-internal container GC") \
  X(21, createTTL, "createTTL", CreateTTLRequest, Create2Response, "create a znode with a TTL")             \
  X(22, multiRead, "multiRead", MultiRequest, MultiResponse, "batch of independent reads")                  \
  X(100, auth, "auth", AuthPacket, Empty, "add authentication (xid -4)")                                    \
  X(101, setWatches, "setWatches", SetWatches, Empty, "re-register watches after a reconnect")              \
  X(102, sasl, "sasl", SaslToken, SaslToken, "SASL authentication round")                                   \
  X(103, getEphemerals, "getEphemerals", GetEphemeralsRequest, GetEphemeralsResponse, "list this session's ephemerals") \
  X(104, getAllChildrenNumber, "getAllChildrenNumber", PathRecord, GetAllChildrenNumberResponse, "count all descendants") \
  X(105, setWatches2, "setWatches2", SetWatches2, Empty, "re-register watches, persistent ones too")         \
  X(106, addWatch, "addWatch", AddWatchRequest, ErrorResponse, "add a persistent (recursive) watch")        \
  X(107, whoAmI, "whoAmI", Empty, WhoAmIResponse, "list the connection's identities")                       \
  X(-1, error, "error", Empty, ErrorResponse, "failed op inside a multi reply; never a request")            \
  X(-10, createSession, "createSession", CreateSessionRequest, Empty, "server-internal session creation")   \
  X(-11, closeSession, "closeSession", Empty, Empty, "close the session; the server then closes the socket")

enum class OpCode : int32_t {
#define ZKWIRE_OPCODE_ENUM(code, ident, name, req, resp, description) ident = code,
  ZKWIRE_OPCODES(ZKWIRE_OPCODE_ENUM)
#undef ZKWIRE_OPCODE_ENUM
};

struct OpCodeInfo {
  int32_t code;
  std::string_view name;
  std::string_view request_record;
  std::string_view response_record;
  std::string_view description;
};

std::span<const OpCodeInfo> all_opcodes();
const OpCodeInfo* find_opcode(int32_t code);  // nullptr when unknown
inline std::string_view opcode_name(int32_t code) {
  const OpCodeInfo* info = find_opcode(code);
  return info ? info->name : std::string_view{};
}

// Special xids (ClientCnxn / zk_adaptor.h).
inline constexpr int32_t kNotificationXid = -1;
inline constexpr int32_t kPingXid = -2;
inline constexpr int32_t kAuthXid = -4;
inline constexpr int32_t kSetWatchesXid = -8;

}  // namespace zkwire
