// Plausibility rules for frame boundaries, from what real clients and servers put in headers.
#include "decoder/frame_plausibility.h"

#include "decoder/body.h"
#include "decoder/byte_reader.h"
#include "decoder/error_codes.h"
#include "decoder/opcodes.h"

namespace zkwire {
namespace {

constexpr size_t kRequestHeader = 8, kReplyHeader = 16;

bool plausible_request_header(int32_t xid, int32_t type) {
  const OpCodeInfo* op = find_opcode(type);
  if (!op || type == 0 || type == -1 || type == -10) return false;
  if (type == static_cast<int32_t>(OpCode::ping)) return xid == kPingXid || xid >= 0;
  if (type == static_cast<int32_t>(OpCode::auth)) return xid == kAuthXid || xid >= 0;
  return xid >= 0 || xid == kSetWatchesXid;
}

}  // namespace

Plausibility plausible_frame(Direction dir, std::span<const uint8_t> bytes, uint32_t max_frame,
                             bool whole_frame) {
  bool request = dir == Direction::client_to_server;
  size_t header = request ? kRequestHeader : kReplyHeader;
  if (bytes.size() < 4 + header) return Plausibility::need_more;
  int32_t length = peek_i32(bytes.data());
  if (length < static_cast<int32_t>(header) || static_cast<uint32_t>(length) > max_frame) return Plausibility::no;
  ByteReader r(bytes.subspan(4, header));
  bool complete = bytes.size() >= 4 + static_cast<size_t>(length);
  auto payload = complete ? bytes.subspan(4 + header, static_cast<size_t>(length) - header)
                          : std::span<const uint8_t>{};
  if (request) {
    int32_t xid = r.i32(), type = r.i32();
    if (!plausible_request_header(xid, type)) return Plausibility::no;
    if (!whole_frame) return Plausibility::yes;
    if (!complete) return Plausibility::need_more;
    Body body;
    BodyDecode d = decode_request_body(type, payload, body);
    return d.ok && d.consumed == payload.size() ? Plausibility::yes : Plausibility::no;
  }
  int32_t xid = r.i32();
  int64_t zxid = r.i64();
  int32_t err = r.i32();
  if (!find_error_code(err) || zxid < -1 || zxid > (int64_t{1} << 56)) return Plausibility::no;
  if (xid == kPingXid) return length == 16 && err == 0 ? Plausibility::yes : Plausibility::no;
  if (xid == kNotificationXid) {
    if (err != 0 || length < 16 + 12) return Plausibility::no;
    if (!whole_frame) return Plausibility::yes;
    if (!complete) return Plausibility::need_more;
    Body body;
    BodyDecode d = decode_response_body(0, payload, body);
    const auto& event = std::get<WatcherEvent>(body);
    bool sane = d.ok && d.consumed == payload.size() && event.type >= 1 && event.type <= 4;
    return sane ? Plausibility::yes : Plausibility::no;
  }
  if (xid < 0 && xid != kAuthXid && xid != kSetWatchesXid) return Plausibility::no;
  // Error replies carry no body (SASL failures aside), so a long error frame is not a reply header.
  if (err != 0 && length != 16) return Plausibility::no;
  return Plausibility::yes;
}

Plausibility plausible_boundary(Direction dir, std::span<const uint8_t> bytes, uint32_t max_frame,
                                bool final) {
  Plausibility first = plausible_frame(dir, bytes, max_frame, true);
  if (first != Plausibility::yes) return first;
  size_t end = 4 + static_cast<size_t>(peek_i32(bytes.data()));
  if (bytes.size() < end) return final ? Plausibility::no : Plausibility::need_more;
  if (bytes.size() == end) return final ? Plausibility::yes : Plausibility::need_more;
  Plausibility second = plausible_frame(dir, bytes.subspan(end), max_frame, false);
  if (second == Plausibility::need_more && final) return Plausibility::no;
  return second;
}

}  // namespace zkwire
