// The jute records of the client protocol (zookeeper.jute), each a plain struct that lists its fields once.
#pragma once
#include <cstdint>

#include "decoder/jute.h"

namespace zkwire {

// Field order is wire order; the names are the jute names, which the JSON output uses as keys.
#define ZKWIRE_FIELDS(...)                                       \
  template <class Self, class V>                                 \
  static void visit(Self& s, V&& v) {                            \
    __VA_ARGS__                                                  \
  }
#define F(name) v(#name, s.name);

struct Stat {
  static constexpr std::string_view kJuteName = "Stat";
  int64_t czxid = 0, mzxid = 0, ctime = 0, mtime = 0;
  int32_t version = 0, cversion = 0, aversion = 0;
  int64_t ephemeralOwner = 0;
  int32_t dataLength = 0, numChildren = 0;
  int64_t pzxid = 0;
  ZKWIRE_FIELDS(F(czxid) F(mzxid) F(ctime) F(mtime) F(version) F(cversion) F(aversion)
                    F(ephemeralOwner) F(dataLength) F(numChildren) F(pzxid))
};

// A Stat field by field: for input too short to hold all of it, so a truncated Stat fails at exactly its field.
[[gnu::noinline]] inline void read_stat_fields(ByteReader& r, Stat& s) {
  Stat::visit(s, [&r](std::string_view, auto& field) { read_field(r, field); });
}
// A Stat is 68 bytes of fixed-width fields in most replies: read with one bounds check instead of eleven (a tenth
// of the proxy's decoding cost per reply). Inlined into the body decoders, the rare short case out of line: a call
// kept the reader in memory, not in registers.
[[gnu::always_inline]] inline void read_field(ByteReader& r, Stat& s) {
  constexpr size_t kStatBytes = 8 * 4 + 4 * 3 + 8 + 4 * 2 + 8;
  if (r.remaining() < kStatBytes) return read_stat_fields(r, s);
  const uint8_t* p = r.take(kStatBytes).data();
  s.czxid = peek_i64(p);
  s.mzxid = peek_i64(p + 8);
  s.ctime = peek_i64(p + 16);
  s.mtime = peek_i64(p + 24);
  s.version = peek_i32(p + 32);
  s.cversion = peek_i32(p + 36);
  s.aversion = peek_i32(p + 40);
  s.ephemeralOwner = peek_i64(p + 44);
  s.dataLength = peek_i32(p + 52);
  s.numChildren = peek_i32(p + 56);
  s.pzxid = peek_i64(p + 60);
}

struct Id {
  static constexpr std::string_view kJuteName = "Id";
  JString scheme, id;
  ZKWIRE_FIELDS(F(scheme) F(id))
};

struct ACL {
  static constexpr std::string_view kJuteName = "ACL";
  int32_t perms = 0;
  Id id;
  ZKWIRE_FIELDS(F(perms) F(id))
};

struct ClientInfo {
  static constexpr std::string_view kJuteName = "ClientInfo";
  JString authScheme, user;
  ZKWIRE_FIELDS(F(authScheme) F(user))
};

// ---- the handshake (no RequestHeader / ReplyHeader) -------------------------------------------------

struct ConnectRequest {
  static constexpr std::string_view kJuteName = "ConnectRequest";
  int32_t protocolVersion = 0;
  int64_t lastZxidSeen = 0;
  int32_t timeOut = 0;
  int64_t sessionId = 0;
  Secret passwd;
  OptionalBool readOnly;  // absent from pre-3.4 clients (44-byte frame)
  ZKWIRE_FIELDS(F(protocolVersion) F(lastZxidSeen) F(timeOut) F(sessionId) F(passwd) F(readOnly))
};

struct ConnectResponse {
  static constexpr std::string_view kJuteName = "ConnectResponse";
  int32_t protocolVersion = 0;
  int32_t timeOut = 0;  // 0 with sessionId 0: the session is expired or invalid
  int64_t sessionId = 0;
  Secret passwd;
  OptionalBool readOnly;  // sent only when the request carried it
  ZKWIRE_FIELDS(F(protocolVersion) F(timeOut) F(sessionId) F(passwd) F(readOnly))
};

// ---- headers --------------------------------------------------------------------------------------

struct RequestHeader {
  static constexpr std::string_view kJuteName = "RequestHeader";
  int32_t xid = 0, type = 0;
  ZKWIRE_FIELDS(F(xid) F(type))
};

struct ReplyHeader {
  static constexpr std::string_view kJuteName = "ReplyHeader";
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;
  ZKWIRE_FIELDS(F(xid) F(zxid) F(err))
};

struct MultiHeader {
  static constexpr std::string_view kJuteName = "MultiHeader";
  int32_t type = 0;
  bool done = false;
  int32_t err = 0;
  ZKWIRE_FIELDS(F(type) F(done) F(err))
};

// ---- request bodies -------------------------------------------------------------------------------

struct CreateRequest {  // create, create2, createContainer
  static constexpr std::string_view kJuteName = "CreateRequest";
  JString path;
  JBuffer data;
  JList<ACL> acl;
  int32_t flags = 0;
  ZKWIRE_FIELDS(F(path) F(data) F(acl) F(flags))
};

struct CreateTTLRequest {
  static constexpr std::string_view kJuteName = "CreateTTLRequest";
  JString path;
  JBuffer data;
  JList<ACL> acl;
  int32_t flags = 0;
  int64_t ttl = 0;
  ZKWIRE_FIELDS(F(path) F(data) F(acl) F(flags) F(ttl))
};

struct DeleteRequest {
  static constexpr std::string_view kJuteName = "DeleteRequest";
  JString path;
  int32_t version = 0;
  ZKWIRE_FIELDS(F(path) F(version))
};

struct PathWatchRequest {  // ExistsRequest, GetDataRequest, GetChildrenRequest, GetChildren2Request
  static constexpr std::string_view kJuteName = "PathWatchRequest";
  JString path;
  bool watch = false;
  ZKWIRE_FIELDS(F(path) F(watch))
};

struct SetDataRequest {
  static constexpr std::string_view kJuteName = "SetDataRequest";
  JString path;
  JBuffer data;
  int32_t version = 0;
  ZKWIRE_FIELDS(F(path) F(data) F(version))
};

struct PathRecord {  // GetACLRequest, SyncRequest, GetAllChildrenNumberRequest; CreateResponse, SyncResponse
  static constexpr std::string_view kJuteName = "PathRecord";
  JString path;
  ZKWIRE_FIELDS(F(path))
};

struct SetACLRequest {
  static constexpr std::string_view kJuteName = "SetACLRequest";
  JString path;
  JList<ACL> acl;
  int32_t version = 0;
  ZKWIRE_FIELDS(F(path) F(acl) F(version))
};

struct CheckVersionRequest {
  static constexpr std::string_view kJuteName = "CheckVersionRequest";
  JString path;
  int32_t version = 0;
  ZKWIRE_FIELDS(F(path) F(version))
};

struct ReconfigRequest {
  static constexpr std::string_view kJuteName = "ReconfigRequest";
  JString joiningServers, leavingServers, newMembers;
  int64_t curConfigId = 0;
  ZKWIRE_FIELDS(F(joiningServers) F(leavingServers) F(newMembers) F(curConfigId))
};

struct WatchesRequest {  // CheckWatchesRequest, RemoveWatchesRequest
  static constexpr std::string_view kJuteName = "WatchesRequest";
  JString path;
  int32_t type = 0;  // 1 children, 2 data, 3 any
  ZKWIRE_FIELDS(F(path) F(type))
};

struct DeleteContainerRequest {  // server-internal; the path is raw bytes, not a ustring
  static constexpr std::string_view kJuteName = "DeleteContainerRequest";
  RestOfFrame path;
  ZKWIRE_FIELDS(F(path))
};

struct AuthPacket {
  static constexpr std::string_view kJuteName = "AuthPacket";
  int32_t type = 0;
  JString scheme;
  Secret auth;  // digest: "user:password" in clear
  ZKWIRE_FIELDS(F(type) F(scheme) F(auth))
};

struct SetWatches {
  static constexpr std::string_view kJuteName = "SetWatches";
  int64_t relativeZxid = 0;
  JList<JString> dataWatches, existWatches, childWatches;
  ZKWIRE_FIELDS(F(relativeZxid) F(dataWatches) F(existWatches) F(childWatches))
};

struct SetWatches2 {
  static constexpr std::string_view kJuteName = "SetWatches2";
  int64_t relativeZxid = 0;
  JList<JString> dataWatches, existWatches, childWatches, persistentWatches,
      persistentRecursiveWatches;
  ZKWIRE_FIELDS(F(relativeZxid) F(dataWatches) F(existWatches) F(childWatches)
                    F(persistentWatches) F(persistentRecursiveWatches))
};

struct SaslToken {  // GetSASLRequest, SetSASLResponse
  static constexpr std::string_view kJuteName = "SaslToken";
  Secret token;
  ZKWIRE_FIELDS(F(token))
};

struct GetEphemeralsRequest {
  static constexpr std::string_view kJuteName = "GetEphemeralsRequest";
  JString prefixPath;
  ZKWIRE_FIELDS(F(prefixPath))
};

struct AddWatchRequest {
  static constexpr std::string_view kJuteName = "AddWatchRequest";
  JString path;
  int32_t mode = 0;  // 0 persistent, 1 persistent recursive
  ZKWIRE_FIELDS(F(path) F(mode))
};

struct CreateSessionRequest {  // server-internal (-10): never a client frame
  static constexpr std::string_view kJuteName = "CreateSessionRequest";
  int32_t timeOut = 0;
  ZKWIRE_FIELDS(F(timeOut))
};

// Requests and replies with no body at all (ping, whoAmI, closeSession, delete's reply...).
struct Empty {
  static constexpr std::string_view kJuteName = "Empty";
  ZKWIRE_FIELDS((void)s; (void)v;)
};

// ---- response bodies ------------------------------------------------------------------------------

struct Create2Response {  // create2, createContainer, createTTL
  static constexpr std::string_view kJuteName = "Create2Response";
  JString path;
  Stat stat;
  ZKWIRE_FIELDS(F(path) F(stat))
};

struct StatResponse {  // ExistsResponse, SetDataResponse, SetACLResponse
  static constexpr std::string_view kJuteName = "StatResponse";
  Stat stat;
  ZKWIRE_FIELDS(F(stat))
};

struct GetDataResponse {  // getData, reconfig
  static constexpr std::string_view kJuteName = "GetDataResponse";
  JBuffer data;
  Stat stat;
  ZKWIRE_FIELDS(F(data) F(stat))
};

struct GetACLResponse {
  static constexpr std::string_view kJuteName = "GetACLResponse";
  JList<ACL> acl;
  Stat stat;
  ZKWIRE_FIELDS(F(acl) F(stat))
};

struct GetChildrenResponse {
  static constexpr std::string_view kJuteName = "GetChildrenResponse";
  JList<JString> children;
  ZKWIRE_FIELDS(F(children))
};

struct GetChildren2Response {
  static constexpr std::string_view kJuteName = "GetChildren2Response";
  JList<JString> children;
  Stat stat;
  ZKWIRE_FIELDS(F(children) F(stat))
};

struct GetEphemeralsResponse {
  static constexpr std::string_view kJuteName = "GetEphemeralsResponse";
  JList<JString> ephemerals;
  ZKWIRE_FIELDS(F(ephemerals))
};

struct GetAllChildrenNumberResponse {
  static constexpr std::string_view kJuteName = "GetAllChildrenNumberResponse";
  int32_t totalNumber = 0;
  ZKWIRE_FIELDS(F(totalNumber))
};

struct ErrorResponse {  // addWatch's reply, and each failed op inside a multi reply
  static constexpr std::string_view kJuteName = "ErrorResponse";
  int32_t err = 0;
  ZKWIRE_FIELDS(F(err))
};

struct WhoAmIResponse {
  static constexpr std::string_view kJuteName = "WhoAmIResponse";
  JList<ClientInfo> clientInfo;
  ZKWIRE_FIELDS(F(clientInfo))
};

struct WatcherEvent {  // the body of every xid -1 notification
  static constexpr std::string_view kJuteName = "WatcherEvent";
  int32_t type = 0;
  int32_t state = 0;
  JString path;
  ZKWIRE_FIELDS(F(type) F(state) F(path))
};

#undef F
#undef ZKWIRE_FIELDS

}  // namespace zkwire
