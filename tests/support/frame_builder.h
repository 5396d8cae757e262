// Builds wire frames from records with the project's own encoder, so tests never count bytes by hand.
#pragma once
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/body.h"
#include "decoder/opcodes.h"

namespace zkwire::testing {

using Bytes = std::vector<uint8_t>;

// Owns the encoded bytes that list and multi views point into, for as long as the test needs them.
class FrameBuilder {
 public:
  JString str(std::string_view s) { return {keep_text(s), false}; }
  JBuffer buf(std::string_view s) {
    std::string_view kept = keep_text(s);
    return {{reinterpret_cast<const uint8_t*>(kept.data()), kept.size()}, false};
  }
  Secret secret(std::string_view s) { return {buf(s)}; }
  JList<JString> strings(std::initializer_list<std::string_view> items);
  JList<ACL> acls(std::initializer_list<ACL> items);
  JList<ClientInfo> client_infos(std::initializer_list<ClientInfo> items);
  ACL acl(int32_t perms, std::string_view scheme, std::string_view id) { return {perms, {str(scheme), str(id)}}; }
  ACL open_acl() { return acl(31, "world", "anyone"); }

  struct MultiOp {
    int32_t type;
    Body body;
    int32_t err = -1;  // requests carry -1; error results carry their code
  };
  MultiOps multi(std::initializer_list<MultiOp> ops, bool is_response);

  // Frames: the 4-byte length prefix, then the payload.
  static Bytes frame(const Bytes& payload);
  static Bytes connect_request(const ConnectRequest& request);
  static Bytes connect_response(const ConnectResponse& response);
  static Bytes request(int32_t xid, OpCode op, const Body& body = Empty{});
  static Bytes request(int32_t xid, int32_t raw_op, const Bytes& raw_body);
  static Bytes reply(int32_t xid, int64_t zxid, int32_t err, const Body& body = Empty{});
  static Bytes event(int32_t type, int32_t state, std::string_view path, int64_t zxid = -1);

  // A fresh session's handshake, as the Java client sends it (45 bytes with the readOnly flag).
  ConnectRequest new_session(int32_t timeout_ms = 30000);
  ConnectResponse session_granted(int64_t session_id, int32_t timeout_ms = 30000);

 private:
  std::string_view keep_text(std::string_view s);
  std::span<const uint8_t> keep(Bytes bytes);
  std::deque<std::string> texts_;
  std::deque<Bytes> blobs_;
};

Bytes concat(std::initializer_list<Bytes> parts);

}  // namespace zkwire::testing
