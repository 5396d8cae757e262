// Body decoding and encoding, dispatched on the opcode table; multi's nested ops walked here too.
#include "decoder/body.h"
#include "decoder/opcodes.h"

namespace zkwire {
namespace {

// Out of line: the dispatch switches then only jump here. With some cases inlined, each switch saved and restored
// four registers and a stack frame on every body, the common ones included.
template <class Record>
[[gnu::noinline]] BodyDecode decode_as(std::span<const uint8_t> bytes, Body& out) {
  ByteReader r(bytes);
  Record& record = out.emplace<Record>();
  read_field(r, record);
  return {.ok = r.ok(), .known_op = true, .consumed = r.ok() ? r.position() : r.failure_position()};
}

}  // namespace

BodyDecode decode_request_body(int32_t op, std::span<const uint8_t> body, Body& out) {
  switch (op) {
#define ZKWIRE_REQUEST_CASE(code, ident, name, req, resp, description) \
  case code:                                                          \
    return decode_as<req>(body, out);
    ZKWIRE_OPCODES(ZKWIRE_REQUEST_CASE)
#undef ZKWIRE_REQUEST_CASE
  }
  out.emplace<Empty>();
  return {.ok = false, .known_op = false, .consumed = 0};
}

BodyDecode decode_response_body(int32_t op, std::span<const uint8_t> body, Body& out) {
  switch (op) {
#define ZKWIRE_RESPONSE_CASE(code, ident, name, req, resp, description) \
  case code:                                                           \
    return decode_as<resp>(body, out);
    ZKWIRE_OPCODES(ZKWIRE_RESPONSE_CASE)
#undef ZKWIRE_RESPONSE_CASE
  }
  out.emplace<Empty>();
  return {.ok = false, .known_op = false, .consumed = 0};
}

void encode_body(const Body& body, ByteWriter& w) {
  std::visit([&w](const auto& record) { write_field(w, record); }, body);
}

bool next_multi_entry(ByteReader& r, bool is_response, MultiEntry& out) {
  read_field(r, out.header);
  if (!r.ok() || out.header.done) return false;
  // A multi inside a multi is not a thing clients send; refusing it also bounds the recursion depth.
  if (out.header.type == static_cast<int32_t>(OpCode::multi) ||
      out.header.type == static_cast<int32_t>(OpCode::multiRead)) {
    r.fail();
    return false;
  }
  size_t start = r.position();
  auto rest = r.whole().subspan(start);
  BodyDecode d = is_response ? decode_response_body(out.header.type, rest, out.body)
                             : decode_request_body(out.header.type, rest, out.body);
  if (!d.ok) {
    r.fail();
    return false;
  }
  r.skip(d.consumed);
  return true;
}

void read_field(ByteReader& r, MultiOps& ops) {
  size_t start = r.position();
  MultiEntry entry;
  ops.count = 0;
  while (next_multi_entry(r, ops.is_response, entry)) ++ops.count;
  // A multi always ends with a header whose done flag is set; anything else is malformed.
  if (r.ok() && !entry.header.done) r.fail();
  if (r.ok()) ops.encoded = r.whole().subspan(start, r.position() - start);
}

void write_field(ByteWriter& w, const MultiOps& ops) { w.bytes(ops.encoded); }

}  // namespace zkwire
