// KeeperException.Code: the one table of error codes, driving names, descriptions and docs.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace zkwire {

// X(code, NAME as KeeperException.Code spells it, sent on the wire by a 3.8/3.9 server?, description)
#define ZKWIRE_ERROR_CODES(X)                                                                        \
  X(0, OK, true, "success")                                                                          \
  X(-1, SYSTEMERROR, false, "generic system error (no server use)")                                  \
  X(-2, RUNTIMEINCONSISTENCY, true, "op after the failing one in a failed multi; C client xid mismatch") \
  X(-3, DATAINCONSISTENCY, false, "data inconsistency (no server use)")                              \
  X(-4, CONNECTIONLOSS, false, "client-local: the connection dropped with the request pending")     \
  X(-5, MARSHALLINGERROR, true, "the server could not parse the request body")                      \
  X(-6, UNIMPLEMENTED, true, "unknown opcode (then close), or TTL without extended types")           \
  X(-7, OPERATIONTIMEOUT, false, "client-local receive timeout")                                     \
  X(-8, BADARGUMENTS, true, "invalid path or arguments")                                             \
  X(-9, INVALIDSTATE, false, "C client-local: handle in an invalid state")                           \
  X(-12, UNKNOWNSESSION, true, "session missing from the tracker")                                   \
  X(-13, NEWCONFIGNOQUORUM, true, "reconfig: the new config has no quorum")                          \
  X(-14, RECONFIGINPROGRESS, true, "reconfig: another reconfig is in progress")                      \
  X(-15, SSLCONNECTIONERROR, false, "C client-local TLS error")                                      \
  X(-100, APIERROR, false, "boundary marker for API errors")                                         \
  X(-101, NONODE, true, "the node does not exist")                                                   \
  X(-102, NOAUTH, true, "not authorised for this node")                                              \
  X(-103, BADVERSION, true, "version check failed")                                                  \
  X(-108, NOCHILDRENFOREPHEMERALS, true, "ephemeral nodes cannot have children")                     \
  X(-110, NODEEXISTS, true, "the node already exists")                                               \
  X(-111, NOTEMPTY, true, "the node has children")                                                   \
  X(-112, SESSIONEXPIRED, true, "the session has expired or is closing")                             \
  X(-113, INVALIDCALLBACK, false, "client-local: invalid callback")                                  \
  X(-114, INVALIDACL, true, "invalid ACL")                                                           \
  X(-115, AUTHFAILED, true, "authentication failed; the server closes the connection")               \
  X(-116, CLOSING, false, "C client-local: the handle is closing")                                   \
  X(-117, NOTHING, false, "C client-local: no server response to process")                           \
  X(-118, SESSIONMOVED, true, "session moved to another server (3.8 closes the socket instead)")     \
  X(-119, NOTREADONLY, true, "a write sent to a read-only server")                                   \
  X(-120, EPHEMERALONLOCALSESSION, true, "ephemeral node on a local session")                        \
  X(-121, NOWATCHER, true, "no such watcher to check or remove")                                     \
  X(-122, REQUESTTIMEOUT, false, "Java client-local request timeout")                                \
  X(-123, RECONFIGDISABLED, true, "dynamic reconfig is disabled")                                    \
  X(-124, SESSIONCLOSEDREQUIRESASLAUTH, true, "authentication required; the server closes the connection") \
  X(-125, QUOTAEXCEEDED, true, "quota exceeded")                                                     \
  X(-127, THROTTLEDOP, true, "operation throttled; retry later")

struct ErrorCodeInfo {
  int32_t code;
  std::string_view name;
  bool sent_by_server;
  std::string_view description;
};

std::span<const ErrorCodeInfo> all_error_codes();
// nullptr for a code the table does not know (decoders pass it through as a raw integer).
const ErrorCodeInfo* find_error_code(int32_t code);
inline std::string_view error_name(int32_t code) {
  const ErrorCodeInfo* info = find_error_code(code);
  return info ? info->name : std::string_view{};
}

}  // namespace zkwire
