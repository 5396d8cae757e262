// The frame builder: records through the encoder into length-prefixed frames.
#include "tests/support/frame_builder.h"

#include "decoder/byte_writer.h"

namespace zkwire::testing {

std::string_view FrameBuilder::keep_text(std::string_view s) { return texts_.emplace_back(s); }

std::span<const uint8_t> FrameBuilder::keep(Bytes bytes) { return blobs_.emplace_back(std::move(bytes)); }

template <class T>
static Bytes encode_elements(std::initializer_list<T> items) {
  Bytes out;
  ByteWriter w(out);
  for (const T& item : items) write_field(w, item);
  return out;
}

JList<JString> FrameBuilder::strings(std::initializer_list<std::string_view> items) {
  Bytes out;
  ByteWriter w(out);
  for (std::string_view item : items) write_field(w, JString{item, false});
  return {static_cast<int32_t>(items.size()), keep(std::move(out))};
}

JList<ACL> FrameBuilder::acls(std::initializer_list<ACL> items) {
  return {static_cast<int32_t>(items.size()), keep(encode_elements(items))};
}

JList<ClientInfo> FrameBuilder::client_infos(std::initializer_list<ClientInfo> items) {
  return {static_cast<int32_t>(items.size()), keep(encode_elements(items))};
}

MultiOps FrameBuilder::multi(std::initializer_list<MultiOp> ops, bool is_response) {
  Bytes out;
  ByteWriter w(out);
  for (const MultiOp& op : ops) {
    write_field(w, MultiHeader{op.type, false, op.err});
    encode_body(op.body, w);
  }
  write_field(w, MultiHeader{-1, true, -1});
  return {static_cast<int32_t>(ops.size()), is_response, keep(std::move(out))};
}

Bytes FrameBuilder::frame(const Bytes& payload) {
  Bytes out;
  ByteWriter w(out);
  w.i32(static_cast<int32_t>(payload.size()));
  w.bytes(payload);
  return out;
}

Bytes FrameBuilder::connect_request(const ConnectRequest& request) {
  Bytes payload;
  ByteWriter w(payload);
  write_field(w, request);
  return frame(payload);
}

Bytes FrameBuilder::connect_response(const ConnectResponse& response) {
  Bytes payload;
  ByteWriter w(payload);
  write_field(w, response);
  return frame(payload);
}

Bytes FrameBuilder::request(int32_t xid, OpCode op, const Body& body) {
  Bytes payload;
  ByteWriter w(payload);
  write_field(w, RequestHeader{xid, static_cast<int32_t>(op)});
  encode_body(body, w);
  return frame(payload);
}

Bytes FrameBuilder::request(int32_t xid, int32_t raw_op, const Bytes& raw_body) {
  Bytes payload;
  ByteWriter w(payload);
  write_field(w, RequestHeader{xid, raw_op});
  w.bytes(raw_body);
  return frame(payload);
}

Bytes FrameBuilder::reply(int32_t xid, int64_t zxid, int32_t err, const Body& body) {
  Bytes payload;
  ByteWriter w(payload);
  write_field(w, ReplyHeader{xid, zxid, err});
  encode_body(body, w);
  return frame(payload);
}

Bytes FrameBuilder::event(int32_t type, int32_t state, std::string_view path, int64_t zxid) {
  return reply(kNotificationXid, zxid, 0, WatcherEvent{type, state, JString{path, false}});
}

ConnectRequest FrameBuilder::new_session(int32_t timeout_ms) {
  ConnectRequest r;
  r.timeOut = timeout_ms;
  r.passwd = secret(std::string(16, '\0'));
  r.readOnly = {true, false};
  return r;
}

ConnectResponse FrameBuilder::session_granted(int64_t session_id, int32_t timeout_ms) {
  ConnectResponse r;
  r.timeOut = timeout_ms;
  r.sessionId = session_id;
  r.passwd = secret("0123456789abcdef");
  r.readOnly = {true, false};
  return r;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace zkwire::testing
