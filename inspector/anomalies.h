// The one table of anomaly kinds the session inspector flags: id, severity, what it means and usually causes.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace zkwire {

enum class Severity : uint8_t { info, warning, error };
std::string_view severity_name(Severity s);

// X(id, severity, description)
#define ZKWIRE_ANOMALIES(X)                                                                                        \
  X(session_moved, error,                                                                                          \
    "a session attached on a second connection while an earlier one still held it; the server drops the stale "   \
    "one on its next write (ZooKeeper 3.8 closes it without sending SESSIONMOVED)")                               \
  X(session_expired, error,                                                                                        \
    "the server expired the session (zeroed ConnectResponse to a resume, SESSIONEXPIRED, or its socket closed "   \
    "after a silence longer than the timeout): ephemerals and watches are gone")                                  \
  X(expiry_risk, error,                                                                                            \
    "the client has sent nothing for longer than its negotiated session timeout: the server will expire it "     \
    "(a paused JVM, a stalled event loop, a network partition)")                                                   \
  X(ping_gap, warning,                                                                                             \
    "the client sent nothing for longer than its ping schedule allows (GC pause, blocked I/O thread, overloaded " \
    "host); a little longer and the session expires")                                                              \
  X(ping_rtt_high, warning, "a ping took long to answer: an overloaded server or network")                         \
  X(stale_reconnect, warning,                                                                                      \
    "a resume whose lastZxidSeen is ahead of the server: it closes without a reply and the client must try "      \
    "another server (a lagging or partitioned server)")                                                            \
  X(handshake_unanswered, warning,                                                                                 \
    "the server closed a connection without answering its ConnectRequest (lastZxidSeen ahead of it, a "           \
    "read-only server refusing the client, connection throttling or limits, or no quorum), or, behind the "        \
    "proxy, accepted it and said nothing within the handshake timeout (a hung server)")                            \
  X(zxid_regression, warning,                                                                                      \
    "a reply's zxid is lower than one the session already saw: it reconnected to a server that is behind")        \
  X(xid_out_of_order, warning,                                                                                     \
    "requests or replies out of xid order on one connection; the Java client drops the connection on this")       \
  X(reply_without_request, warning, "a reply whose request was never seen on this connection")                     \
  X(unanswered_requests, warning,                                                                                  \
    "the connection closed with requests pending: the client sees ConnectionLoss for each and must retry them")   \
  X(session_hijack_attempt, error,                                                                                 \
    "a resume of a known session with a different password: it makes the server drop the real owner's "           \
    "connection (misconfigured client sharing a session id, or an attack)")                                        \
  X(auth_failed, error, "authentication failed (AUTHFAILED or auth required); the server closes the connection")   \
  X(throttled, warning, "the server throttled a request (THROTTLEDOP); the client should back off and retry")      \
  X(not_readonly, warning, "a write sent to a read-only server (NOTREADONLY): the ensemble has lost quorum here")  \
  X(readonly_session, warning, "a session connected in read-only mode: the server it reached has no quorum")       \
  X(reconnect_storm, warning,                                                                                      \
    "one session reconnected many times in a short window: flapping network, a server closing it, or a client "   \
    "bug; the ensemble pays for every handshake")                                                                  \
  X(watch_storm, warning, "many watch notifications to one session within a second: a herd effect")               \
  X(large_frame, warning, "a frame close to the maximum frame size (jute.maxbuffer); a little more fails")         \
  X(oversized_frame, error,                                                                                        \
    "a frame above the maximum frame size: the server closes the connection without a reply")                     \
  X(desync, error, "the byte stream lost its framing (a negative length, lost bytes across frames)")              \
  X(unsafe_check, error,                                                                                           \
    "a top-level check (op 13): ZooKeeper 3.8 answers nothing and logs a txn it cannot read back on restart")

enum class Anomaly : uint8_t {
#define ZKWIRE_ANOMALY_ENUM(id, severity, description) id,
  ZKWIRE_ANOMALIES(ZKWIRE_ANOMALY_ENUM)
#undef ZKWIRE_ANOMALY_ENUM
};

struct AnomalyInfo {
  Anomaly anomaly;
  std::string_view id;
  Severity severity;
  std::string_view description;
};

std::span<const AnomalyInfo> all_anomalies();
const AnomalyInfo& anomaly_info(Anomaly a);
inline constexpr size_t kAnomalyCount = 0
#define ZKWIRE_ANOMALY_COUNT(id, severity, description) +1
    ZKWIRE_ANOMALIES(ZKWIRE_ANOMALY_COUNT)
#undef ZKWIRE_ANOMALY_COUNT
    ;

}  // namespace zkwire
