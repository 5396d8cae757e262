// One decoder per captured flow, and the connection_open / connection_close records around its frames.
#include "cli/flow_decoder.h"

#include "decoder/body.h"
#include "decoder/frame_plausibility.h"
#include "decoder/jute.h"

namespace zkwire {

FlowDecoder::Flow::Flow(FlowDecoder& flow_owner, uint64_t flow_id, const capture::FlowInfo& info)
    : owner(flow_owner),
      id(flow_id),
      client(info.client.to_string()),
      server(info.server.to_string()),
      labels{client, server},
      decoder(flow_owner.options_, *this, info.started_mid_stream) {}

void FlowDecoder::Flow::on_record(const Record& record) {
  switch (record.kind) {
    case RecordKind::connect_request:
    case RecordKind::connect_response:
    case RecordKind::request:
    case RecordKind::reply:
    case RecordKind::event:
    case RecordKind::four_letter:
      ++owner.frames_decoded_;
      break;
    default:
      break;
  }
  owner.output_.consume(id, record, labels);
}

void* FlowDecoder::on_flow_open(const capture::FlowInfo& info) {
  auto flow = std::make_unique<Flow>(*this, info.id, info);
  Flow* state = flow.get();
  Record r;
  r.kind = RecordKind::connection_open;
  r.ts = info.first_seen;
  std::string detail = "server side known from " + std::string(capture::basis_name(info.basis));
  if (info.started_mid_stream) detail += "; the capture began after the connection opened";
  r.detail = detail;
  r.started_mid_stream = info.started_mid_stream;
  flow->on_record(r);
  flows_[info.id] = std::move(flow);
  ++flows_seen_;
  return state;
}

void FlowDecoder::on_flow_data(capture::FlowRef flow, Direction direction, std::span<const uint8_t> bytes,
                               Timestamp at) {
  static_cast<Flow*>(flow.state)->decoder.feed(direction, bytes, at);
}

void FlowDecoder::on_flow_gap(capture::FlowRef flow, Direction direction, uint64_t missing_bytes, Timestamp at) {
  static_cast<Flow*>(flow.state)->decoder.gap(direction, missing_bytes, at);
}

void FlowDecoder::on_flow_close(capture::FlowRef ref, const capture::FlowClose& close, Timestamp at) {
  auto it = flows_.find(ref.id);
  if (it == flows_.end()) return;
  Flow& flow = *it->second;
  flow.decoder.finish(at);
  Record r;
  r.kind = RecordKind::connection_close;
  r.ts = at;
  r.session = flow.decoder.session_id();
  r.pending = static_cast<uint32_t>(flow.decoder.pending_requests());
  std::string detail(capture::flow_end_name(close.how));
  if (close.first_closer) {
    r.dir = *close.first_closer;
    detail += *close.first_closer == Direction::client_to_server ? " from the client" : " from the server";
  }
  r.detail = detail;
  flow.on_record(r);
  flows_.erase(it);
}

namespace {

// A first frame that is exactly a ConnectRequest (client) or ConnectResponse (server). The handshake has no
// request or reply header, and a ConnectRequest even passes for a reply, so headers alone cannot tell.
template <class Handshake>
bool is_handshake(std::span<const uint8_t> bytes) {
  if (bytes.size() < 4) return false;
  int32_t length = peek_i32(bytes.data());
  if (length <= 0 || bytes.size() - 4 < static_cast<size_t>(length)) return false;
  Handshake handshake;
  size_t consumed = 0;
  return decode_record(bytes.subspan(4, static_cast<size_t>(length)), handshake, &consumed) &&
         consumed == static_cast<size_t>(length);
}

}  // namespace

capture::Orientation orient_by_frame_shape(std::span<const uint8_t> from_a, std::span<const uint8_t> from_b) {
  // A capture that missed only the SYNs starts with the handshake: the side that opens it is the client.
  bool a_connects = is_handshake<ConnectRequest>(from_a) && !is_handshake<ConnectResponse>(from_a);
  bool b_connects = is_handshake<ConnectRequest>(from_b) && !is_handshake<ConnectResponse>(from_b);
  if (a_connects != b_connects) return a_connects ? capture::Orientation::a_is_client : capture::Orientation::b_is_client;
  constexpr uint32_t kMaxFrame = 0xfffff;
  auto looks = [](Direction as, std::span<const uint8_t> bytes) {
    return plausible_frame(as, bytes, kMaxFrame, false) == Plausibility::yes;
  };
  bool a_requests = looks(Direction::client_to_server, from_a), a_replies = looks(Direction::server_to_client, from_a);
  bool b_requests = looks(Direction::client_to_server, from_b), b_replies = looks(Direction::server_to_client, from_b);
  if (a_requests && !a_replies && (b_replies || from_b.empty()) && !b_requests) return capture::Orientation::a_is_client;
  if (b_requests && !b_replies && (a_replies || from_a.empty()) && !a_requests) return capture::Orientation::b_is_client;
  if (a_requests && b_replies && !b_requests) return capture::Orientation::a_is_client;
  if (b_requests && a_replies && !a_requests) return capture::Orientation::b_is_client;
  return capture::Orientation::undecided;
}

}  // namespace zkwire
