// The decoded body of any frame, as one variant over the record types, plus multi's nested ops.
#pragma once
#include <span>
#include <variant>

#include "decoder/records.h"

namespace zkwire {

// The ops of a multi request, or the results of a multi reply, validated once and decoded on iteration.
struct MultiOps {
  int32_t count = 0;  // ops or results before the terminating header
  bool is_response = false;
  std::span<const uint8_t> encoded;  // including the terminating {-1, true, -1} header
};

struct MultiRequest {  // MultiOperationRecord: multi (14) and multiRead (22)
  static constexpr std::string_view kJuteName = "MultiOperationRecord";
  MultiOps ops;
  template <class Self, class V>
  static void visit(Self& s, V&& v) { v("ops", s.ops); }
};

struct MultiResponse {
  static constexpr std::string_view kJuteName = "MultiResponse";
  MultiOps results{.count = 0, .is_response = true, .encoded = {}};  // read_field keys on is_response
  template <class Self, class V>
  static void visit(Self& s, V&& v) { v("results", s.results); }
};

using Body = std::variant<Empty, ConnectRequest, ConnectResponse, CreateRequest, CreateTTLRequest,
                          DeleteRequest, PathWatchRequest, SetDataRequest, PathRecord, SetACLRequest,
                          CheckVersionRequest, ReconfigRequest, WatchesRequest, DeleteContainerRequest,
                          AuthPacket, SetWatches, SetWatches2, SaslToken, GetEphemeralsRequest,
                          AddWatchRequest, CreateSessionRequest, MultiRequest, Create2Response,
                          StatResponse, GetDataResponse, GetACLResponse, GetChildrenResponse,
                          GetChildren2Response, MultiResponse, GetEphemeralsResponse,
                          GetAllChildrenNumberResponse, ErrorResponse, WhoAmIResponse, WatcherEvent>;

// How a body decode went: ok, or the offset (within the body) where it broke.
struct BodyDecode {
  bool ok = true;
  bool known_op = true;
  size_t consumed = 0;  // bytes the record used; fewer than the body means trailing bytes
};

// The request record for `op`; known_op is false when the opcode is not in the table.
BodyDecode decode_request_body(int32_t op, std::span<const uint8_t> body, Body& out);
// The success-reply record for `op`.
BodyDecode decode_response_body(int32_t op, std::span<const uint8_t> body, Body& out);
// Encodes any body back to its wire bytes (the frame builder and, later, the proxy's own frames).
void encode_body(const Body& body, ByteWriter& w);

void read_field(ByteReader& r, MultiOps& ops);
void write_field(ByteWriter& w, const MultiOps& ops);

struct MultiEntry {
  MultiHeader header;
  Body body;
};

// Walks the ops or results of a multi in order; `f(const MultiEntry&)`.
template <class F>
void for_each_multi_entry(const MultiOps& ops, F&& f);

bool next_multi_entry(ByteReader& r, bool is_response, MultiEntry& out);

template <class F>
void for_each_multi_entry(const MultiOps& ops, F&& f) {
  ByteReader r(ops.encoded);
  MultiEntry entry;
  while (next_multi_entry(r, ops.is_response, entry)) f(entry);
}

}  // namespace zkwire
