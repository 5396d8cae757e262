// What the decoder emits: one Record per frame or notable stream event, and the sink that receives it.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "decoder/basics.h"
#include "decoder/body.h"

namespace zkwire {

// X(identifier, description): the `kind` of every output record.
#define ZKWIRE_RECORD_KINDS(X)                                                              \
  X(connection_open, "a TCP connection was seen opening (or was already open)")             \
  X(connect_request, "ConnectRequest: the client's first frame, no RequestHeader")          \
  X(connect_response, "ConnectResponse: the server's first frame, no ReplyHeader")          \
  X(request, "a request frame: RequestHeader and body")                                     \
  X(reply, "a reply frame: ReplyHeader and, on success, the body of the request's op")      \
  X(event, "a watch notification (xid -1)")                                                 \
  X(four_letter, "a four-letter word sent instead of a handshake")                          \
  X(four_letter_reply, "the server's text reply to a four-letter word")                     \
  X(decode_error, "bytes that could not be decoded; the stream goes on")                    \
  X(capture_gap, "bytes the capture lost (the decoder resynchronises after it)")            \
  X(stream_resync, "the decoder found a frame boundary again (or first, mid-connection)")   \
  X(connection_close, "the TCP connection ended")                                          \
  X(anomaly, "something the session inspector flags (docs/anomalies.md)")

enum class RecordKind : uint8_t {
#define ZKWIRE_KIND_ENUM(id, description) id,
  ZKWIRE_RECORD_KINDS(ZKWIRE_KIND_ENUM)
#undef ZKWIRE_KIND_ENUM
};
std::string_view record_kind_name(RecordKind kind);

// X(identifier, description): why a decode_error record was emitted.
#define ZKWIRE_DECODE_ERRORS(X)                                                                 \
  X(negative_length, "a frame length below zero: the framing is lost")                          \
  X(frame_too_large, "a frame length above the maximum frame size (jute.maxbuffer)")            \
  X(frame_too_short, "a frame too short for its header")                                        \
  X(malformed_body, "a body that does not parse as its op's record")                            \
  X(unknown_opcode, "a request with an opcode ZooKeeper does not define")                       \
  X(malformed_handshake, "a ConnectRequest or ConnectResponse that does not parse")             \
  X(truncated_frame, "a frame cut short by lost bytes or the end of the connection")            \
  X(unexpected_bytes, "bytes where none belong (after a four-letter word, or never framed)")    \
  X(pending_overflow, "too many requests without replies; the oldest was forgotten")

enum class DecodeError : uint8_t {
#define ZKWIRE_DECODE_ERROR_ENUM(id, description) id,
  ZKWIRE_DECODE_ERRORS(ZKWIRE_DECODE_ERROR_ENUM)
#undef ZKWIRE_DECODE_ERROR_ENUM
};
std::string_view decode_error_name(DecodeError e);
std::string_view decode_error_description(DecodeError e);

inline constexpr int32_t kNoOp = INT32_MIN;

// Views in a Record point into the stream and are valid only during the sink call.
struct Record {
  RecordKind kind = RecordKind::request;
  Direction dir = Direction::client_to_server;
  Timestamp ts;
  uint64_t offset = 0;  // stream offset, in this direction, of the frame's length prefix
  uint32_t length = 0;  // frame payload length (after the 4-byte prefix)

  bool has_header = false;  // xid (and, for replies and events, zxid and err) are meaningful
  int32_t xid = 0;
  int32_t op = kNoOp;  // a reply carries the op of the request it answers
  int64_t zxid = 0;
  int32_t err = 0;

  int64_t session = 0;  // 0 until the connection's session is known
  int64_t latency_us = -1;  // replies matched to a request
  bool unmatched = false;  // a reply whose request was never seen: its op is unknown, never guessed
  bool out_of_order = false;  // a reply that overtook replies to earlier requests

  bool has_body = false;
  Body body;
  uint32_t trailing_bytes = 0;  // body bytes after the record (peers ignore them)

  DecodeError error = DecodeError::malformed_body;  // decode_error records
  uint64_t error_offset = 0;  // stream offset where decoding broke
  int64_t error_value = 0;  // the offending number (a length, an opcode)

  std::string_view text;  // four-letter word or reply text
  bool text_truncated = false;
  uint64_t byte_count = 0;  // capture_gap: bytes lost; stream_resync: bytes skipped
  uint32_t pending = 0;  // connection_close: requests still unanswered
  std::string_view detail;  // a short explanation from whoever made the record (how a connection ended...)
  bool started_mid_stream = false;  // connection_open: the capture began after the handshake

  std::string_view anomaly;  // anomaly records: the anomaly id and its severity
  std::string_view severity;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_record(const Record& record) = 0;
};

// Who a connection is between, as the record's source knows it.
struct FlowLabels {
  std::string_view client;
  std::string_view server;
};

// Records of many connections, each with its connection's id and endpoints: what the session inspector,
// filters, summaries and outputs take in, one after another.
class RecordConsumer {
 public:
  virtual ~RecordConsumer() = default;
  virtual void consume(uint64_t connection, const Record& record, const FlowLabels& flow) = 0;
  // Time moved on with no record (a quiet live source): stages with timers act on it and pass it on.
  virtual void tick(Timestamp /*now*/) {}
};

}  // namespace zkwire
