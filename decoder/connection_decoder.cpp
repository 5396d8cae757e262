// One connection's decoding: picks the mode of each direction, turns frames into Records, matches replies.
#include "decoder/connection_decoder.h"

#include <algorithm>
#include <string>

#include "decoder/error_codes.h"
#include "decoder/four_letter_words.h"
#include "decoder/frame_plausibility.h"

namespace zkwire {

namespace {
constexpr size_t kRequestHeaderSize = 8, kReplyHeaderSize = 16;

// Puts back every field that decoding a frame may set (on_frame and the on_* handlers it calls), so one Record can
// serve each frame of a read in turn: a fresh one per frame was a 336-byte zero fill, a tenth of the proxy's cost
// per request. The other fields (text, detail, byte_count, anomaly...) belong to other kinds of records and are
// never set on a frame's.
void reset_frame_fields(Record& r) {
  r.has_header = false;
  r.xid = 0;
  r.op = kNoOp;
  r.zxid = 0;
  r.err = 0;
  r.latency_us = -1;
  r.unmatched = false;
  r.out_of_order = false;
  r.has_body = false;
  r.body = Empty{};
  r.trailing_bytes = 0;
  r.error = DecodeError::malformed_body;
  r.error_offset = 0;
  r.error_value = 0;
}

}  // namespace

struct ConnectionDecoder::FrameHandler {
  // A constructor, not aggregate initialization: that would value-initialize `record`, zero-filling it on every read.
  FrameHandler(ConnectionDecoder& d, Direction direction, Timestamp time) : decoder(d), dir(direction), ts(time) {}
  ConnectionDecoder& decoder;
  Direction dir;
  Timestamp ts;
  // The record of each frame of this read in turn, made at the first: many reads (a capture's packets) complete
  // no frame, and they need none.
  std::optional<Record> record;
  void on_frame(std::span<const uint8_t> payload, uint64_t offset) {
    if (record)
      reset_frame_fields(*record);
    else
      record.emplace();
    decoder.on_frame(*record, dir, payload, offset, ts);
  }
  BadLengthAction on_bad_length(int32_t length, uint64_t offset) {
    Record r = decoder.base_record(RecordKind::decode_error, dir, ts, offset);
    r.error = length < 0 ? DecodeError::negative_length : DecodeError::frame_too_large;
    r.error_offset = offset;
    r.error_value = length;
    // A stream's first bytes say most about what it is: an unknown four-letter word, or not ZooKeeper.
    char first[4] = {char(length >> 24), char(length >> 16), char(length >> 8), char(length)};
    bool letters = std::all_of(first, first + 4, [](char c) { return c >= 'a' && c <= 'z'; });
    bool text = std::all_of(first, first + 4, [](char c) { return c >= 0x20 && c < 0x7f; });
    std::string detail;
    if (offset == 0 && dir == Direction::client_to_server && letters) {
      detail = "unknown four-letter word '" + std::string(first, 4) + "': the server closes the connection";
    } else if (offset == 0 && text) {
      detail = "the stream starts with text '" + std::string(first, 4) + "', not a frame: not ZooKeeper traffic?";
    }
    r.detail = detail;
    decoder.sink_.on_record(r);
    // A client that sends an oversized frame is disconnected by the server; a frame just over the limit
    // can still be stepped over so that the rest of a capture stays readable.
    return length < 0 ? BadLengthAction::lose_sync : BadLengthAction::skip_frame;
  }
};

ConnectionDecoder::ConnectionDecoder(const DecoderOptions& options, RecordSink& sink, bool started_mid_stream)
    : sink_(sink),
      pending_(options.max_pending),
      client_(started_mid_stream ? Mode::resync : Mode::first_bytes,
              Framer(options.max_frame, options.oversize_skip_limit)),
      server_(started_mid_stream ? Mode::resync : Mode::handshake,
              Framer(options.max_frame, options.oversize_skip_limit)),
      options_(options) {}

Record ConnectionDecoder::base_record(RecordKind kind, Direction dir, Timestamp ts, uint64_t offset) const {
  Record r;
  r.kind = kind;
  r.dir = dir;
  r.ts = ts;
  r.offset = offset;
  r.session = session_;
  return r;
}

void ConnectionDecoder::emit_decode_error(Direction dir, DecodeError error, uint64_t offset, int64_t value,
                                          Timestamp ts) {
  Record r = base_record(RecordKind::decode_error, dir, ts, offset);
  r.error = error;
  r.error_offset = offset;
  r.error_value = value;
  sink_.on_record(r);
}

// ---- feeding -------------------------------------------------------------------------------------

void ConnectionDecoder::feed(Direction dir, std::span<const uint8_t> bytes, Timestamp ts) {
  // Checked here, not by a call on every read: the peer is almost never resyncing.
  if (side(opposite(dir)).mode == Mode::resync) settle_resync(opposite(dir), ts);
  Side& s = side(dir);
  switch (s.mode) {
    case Mode::first_bytes: return feed_first_bytes(s, bytes, ts);
    case Mode::handshake:
    case Mode::frames: return feed_frames(s, dir, bytes, ts);
    case Mode::text: return feed_text(s, dir, bytes, ts);
    case Mode::resync: return feed_resync(s, dir, bytes, ts);
  }
}

void ConnectionDecoder::feed_frames(Side& s, Direction dir, std::span<const uint8_t> bytes, Timestamp ts) {
  FrameHandler handler{*this, dir, ts};
  std::span<const uint8_t> rest;
  if (s.framer.feed(bytes, handler, rest)) return;
  uint64_t rest_offset = s.framer.offset();
  enter_resync(s, rest, rest_offset);
  // The bad length prefix is reported already, and no frame can start where it starts.
  size_t reported = std::min<size_t>(4, s.held.size());
  s.held.erase(s.held.begin(), s.held.begin() + static_cast<std::ptrdiff_t>(reported));
  s.held_offset += reported;
  feed_resync(s, dir, {}, ts);
}

// The server reads the first 4 bytes of a new connection as a four-letter word if they spell one.
void ConnectionDecoder::feed_first_bytes(Side& s, std::span<const uint8_t> bytes, Timestamp ts) {
  // Nearly always the first read holds all four and they are a frame's length: judged where they lie, and the
  // handshake framed straight from the read, with no copy through `held`.
  if (s.held.empty() && bytes.size() >= 4 && !find_four_letter_word(bytes.first(4))) {
    s.mode = Mode::handshake;
    return feed_frames(s, Direction::client_to_server, bytes, ts);
  }
  size_t want = 4 - s.held.size();
  size_t n = std::min(want, bytes.size());
  s.held.insert(s.held.end(), bytes.begin(), bytes.begin() + n);
  if (s.held.size() < 4) return;
  const FourLetterWord* word = find_four_letter_word(s.held);
  if (!word) {
    std::vector<uint8_t> first = std::move(s.held);
    s.held.clear();
    s.mode = Mode::handshake;
    feed_frames(s, Direction::client_to_server, first, ts);
    // Through feed(): a bad first length has put this side in resync mode, and the rest goes there.
    return feed(Direction::client_to_server, bytes.subspan(n), ts);
  }
  Record r = base_record(RecordKind::four_letter, Direction::client_to_server, ts, 0);
  r.text = word->word;
  sink_.on_record(r);
  s.held.clear();
  s.held_offset = 4;
  s.framer.advance(4);
  s.mode = Mode::text;
  server_.mode = Mode::text;
  feed_text(s, Direction::client_to_server, bytes.subspan(n), ts);
}

// Text mode: the server's reply to a four-letter word, kept (bounded) until the connection ends.
void ConnectionDecoder::feed_text(Side& s, Direction dir, std::span<const uint8_t> bytes, Timestamp) {
  s.framer.advance(bytes.size());
  size_t room = options_.max_text > s.held.size() ? options_.max_text - s.held.size() : 0;
  size_t n = std::min(room, bytes.size());
  s.held.insert(s.held.end(), bytes.begin(), bytes.begin() + n);
  if (n < bytes.size() && dir == Direction::server_to_client) text_truncated_ = true;
}

void ConnectionDecoder::enter_resync(Side& s, std::span<const uint8_t> rest, uint64_t rest_offset) {
  s.mode = Mode::resync;
  restart_search(s);
  s.held.clear();
  s.skipped = 0;
  // Prefix bytes the framer was holding belong in front of the unconsumed input.
  auto partial = s.framer.partial();
  s.held_offset = partial.empty() ? rest_offset : s.framer.partial_offset();
  s.held.insert(s.held.end(), partial.begin(), partial.end());
  s.framer.reset_partial();
  s.framer.skip(0);
  s.held.insert(s.held.end(), rest.begin(), rest.end());
}

void ConnectionDecoder::feed_resync(Side& s, Direction dir, std::span<const uint8_t> bytes, Timestamp ts) {
  s.held.insert(s.held.end(), bytes.begin(), bytes.end());
  bool full = s.held.size() >= options_.resync_window;
  size_t pos = 0;
  for (; pos + 4 <= s.held.size(); ++pos) {
    Plausibility p = plausible_boundary(dir, std::span<const uint8_t>(s.held).subspan(pos), options_.max_frame, full);
    if (p == Plausibility::no) continue;
    if (p == Plausibility::need_more) break;
    return resync_at(s, dir, pos, ts);
  }
  // Bytes before `pos` can never start a frame: drop them now, or every later read would judge them again
  // (quadratic in the reads while a long candidate frame arrives), and the window would not stay bounded.
  if (pos > 0) {
    size_t drop = std::min(pos, s.held.size());
    s.held.erase(s.held.begin(), s.held.begin() + static_cast<std::ptrdiff_t>(drop));
    s.held_offset += drop;
    s.skipped += drop;
  }
}

// Found a boundary `pos` bytes into the held ones: say so, then decode from there as usual.
void ConnectionDecoder::resync_at(Side& s, Direction dir, size_t pos, Timestamp ts) {
  Record r = base_record(RecordKind::stream_resync, dir, ts, s.held_offset + pos);
  r.byte_count = s.skipped + pos;
  sink_.on_record(r);
  std::vector<uint8_t> from_boundary(s.held.begin() + static_cast<std::ptrdiff_t>(pos), s.held.end());
  uint64_t boundary_offset = s.held_offset + pos;
  s.held.clear();
  s.mode = Mode::frames;
  s.framer.advance(boundary_offset - s.framer.offset());
  feed_frames(s, dir, from_boundary, ts);
}

// The peer is sending: a synchronous client waits for its reply, so what this side sent before is all there is for
// now, and a last frame ending exactly where its bytes end needs no second frame to confirm it. Without this, the
// request before the reply would stay held until the next request, its reply would go by unmatched, and the request
// would then wait forever. Nothing is dropped when no boundary is found: more bytes may still complete one.
//
// Settling is repeated until it finds nothing: a boundary found can lead to frames and then to lost framing again,
// and the new search must be settled too, or one peer read would settle less than two (records would depend on how
// the peer's bytes were split). The verdict depends on the held bytes alone, so when a search found nothing, the same
// bytes (or a suffix of them: feed_resync only drops from the front) are not scanned again on the peer's next read.
void ConnectionDecoder::settle_resync(Direction dir, Timestamp ts) {
  Side& s = side(dir);
  while (s.mode == Mode::resync) {
    const uint64_t held_end = s.held_offset + s.held.size();
    if (held_end == s.settled_end) return;
    std::optional<size_t> pos = settled_boundary(s, dir);
    if (!pos) {
      s.settled_end = held_end;
      return;
    }
    resync_at(s, dir, *pos, ts);
  }
}

// A position whose verdict is `no` without the final flag is `no` with it too, and stays so as bytes are added (it was
// ruled out by a header or by a whole frame). Only the undecided ones (`need_more`) are judged again.
std::optional<size_t> ConnectionDecoder::settled_boundary(Side& s, Direction dir) {
  const std::span<const uint8_t> held(s.held);
  auto judge = [&](uint64_t offset) {  // yes, no (for good) or need_more (a candidate: judge again later)
    auto from = held.subspan(static_cast<size_t>(offset - s.held_offset));
    Plausibility now = plausible_boundary(dir, from, options_.max_frame, false);
    if (now != Plausibility::need_more) return now;
    return plausible_boundary(dir, from, options_.max_frame, true) == Plausibility::yes ? Plausibility::yes
                                                                                          : Plausibility::need_more;
  };
  size_t kept = 0;
  std::optional<size_t> found;
  for (uint64_t offset : s.candidates) {
    if (offset < s.held_offset || found) continue;  // dropped by feed_resync since; or past the answer
    Plausibility p = judge(offset);
    if (p == Plausibility::yes) found = static_cast<size_t>(offset - s.held_offset);
    if (p == Plausibility::need_more) s.candidates[kept++] = offset;
  }
  s.candidates.resize(kept);
  if (found) return found;
  const uint64_t held_end = s.held_offset + s.held.size();
  for (uint64_t offset = std::max(s.judged_end, s.held_offset); offset + 4 <= held_end; ++offset) {
    Plausibility p = judge(offset);
    if (p == Plausibility::yes) return static_cast<size_t>(offset - s.held_offset);
    if (p == Plausibility::need_more) s.candidates.push_back(offset);
    s.judged_end = offset + 1;
  }
  return std::nullopt;
}

// The held bytes are a new search (framing lost anew, or a hole): nothing judged before applies.
void ConnectionDecoder::restart_search(Side& s) {
  s.settled_end = kNotSettled;
  s.judged_end = 0;
  s.candidates.clear();
}

void ConnectionDecoder::gap(Direction dir, uint64_t missing, Timestamp ts) {
  Side& s = side(dir);
  Record g = base_record(RecordKind::capture_gap, dir, ts, s.mode == Mode::resync ? s.held_offset + s.held.size()
                                                                                    : s.framer.offset());
  g.byte_count = missing;
  sink_.on_record(g);
  switch (s.mode) {
    case Mode::text:
      s.framer.advance(missing);
      return;
    case Mode::resync: {
      // Bytes on either side of a hole are not contiguous: start the search again after it.
      s.held_offset += s.held.size() + missing;
      s.held.clear();
      s.skipped = 0;
      restart_search(s);
      return;
    }
    case Mode::first_bytes:
    case Mode::handshake:
    case Mode::frames:
      break;
  }
  uint64_t skipping = s.framer.skipping();
  int64_t frame_length = s.framer.partial_frame_length();
  uint64_t after_gap = s.framer.offset() + missing;
  if (skipping > 0 && missing <= skipping) {
    s.framer.advance(missing);
    s.framer.skip(skipping - missing);
    return;
  }
  if (frame_length >= 0 && s.mode != Mode::first_bytes) {
    // The hole falls inside a frame whose length we know: drop that frame, keep the framing.
    uint64_t frame_left = static_cast<uint64_t>(frame_length) + 4 - s.framer.partial().size();
    if (missing <= frame_left) {
      emit_truncated(s, dir, missing, ts);
      s.framer.reset_partial();
      s.framer.advance(missing);
      s.framer.skip(frame_left - missing);
      if (s.mode == Mode::handshake) s.mode = Mode::frames;
      return;
    }
  }
  if (s.framer.in_partial_frame()) emit_truncated(s, dir, missing, ts);
  s.mode = Mode::resync;
  restart_search(s);
  s.held.clear();
  s.skipped = 0;
  s.held_offset = after_gap;
  s.framer.reset_partial();
  s.framer.skip(0);
}

// A frame that lost bytes: report what its header says, and keep request/reply matching in step.
void ConnectionDecoder::emit_truncated(Side& s, Direction dir, uint64_t missing, Timestamp ts) {
  auto held = s.framer.partial();
  Record r = base_record(RecordKind::decode_error, dir, ts, s.framer.partial_offset());
  r.error = DecodeError::truncated_frame;
  r.error_offset = s.framer.offset();
  r.error_value = static_cast<int64_t>(missing);
  if (held.size() >= 4) r.length = static_cast<uint32_t>(peek_i32(held.data()));
  bool handshake = s.mode == Mode::handshake;
  if (!handshake && dir == Direction::client_to_server && held.size() >= 4 + kRequestHeaderSize) {
    r.has_header = true;
    r.xid = peek_i32(held.data() + 4);
    r.op = peek_i32(held.data() + 8);
    remember_request(r.xid, r.op, ts, r.offset);
  } else if (!handshake && dir == Direction::server_to_client && held.size() >= 4 + kReplyHeaderSize) {
    ByteReader h(held.subspan(4, kReplyHeaderSize));
    r.has_header = true;
    r.xid = h.i32();
    r.zxid = h.i64();
    r.err = h.i32();
    if (r.xid != kNotificationXid) {
      ReplyMatch m = pending_.take(r.xid);
      if (m.found) r.op = m.request.op;
    }
  }
  sink_.on_record(r);
}

void ConnectionDecoder::discard(Direction dir) {
  Side& s = side(dir);
  s.held.clear();
  restart_search(s);
  s.skipped = 0;
  s.framer.reset_partial();
  s.framer.skip(0);
}

void ConnectionDecoder::finish(Timestamp ts) {
  for (Direction dir : {Direction::client_to_server, Direction::server_to_client}) {
    Side& s = side(dir);
    if (s.mode == Mode::text && dir == Direction::server_to_client) {
      Record r = base_record(RecordKind::four_letter_reply, dir, ts, 0);
      r.text = {reinterpret_cast<const char*>(s.held.data()), s.held.size()};
      r.text_truncated = text_truncated_;
      r.length = static_cast<uint32_t>(s.framer.offset());
      sink_.on_record(r);
    } else if (s.mode == Mode::text && s.framer.offset() > 4) {
      // Whatever the client sent after its word (stmk's mask aside) the server never read.
      Record r = base_record(RecordKind::decode_error, dir, ts, 4);
      r.error = DecodeError::unexpected_bytes;
      r.error_value = static_cast<int64_t>(s.framer.offset() - 4);
      sink_.on_record(r);
    } else if (s.framer.in_partial_frame()) {
      emit_truncated(s, dir, 0, ts);
    } else if ((s.mode == Mode::resync || s.mode == Mode::first_bytes) && !s.held.empty()) {
      // Resync's dropped bytes were never framed either: report them from the first, as one run.
      Record r = base_record(RecordKind::decode_error, dir, ts, s.held_offset - s.skipped);
      r.error = s.mode == Mode::first_bytes ? DecodeError::truncated_frame : DecodeError::unexpected_bytes;
      r.error_value = static_cast<int64_t>(s.skipped + s.held.size());
      sink_.on_record(r);
    }
    s.held.clear();
    s.framer.reset_partial();
  }
}

// ---- frames --------------------------------------------------------------------------------------

// `r` is as base_record makes one, apart from the fields set here.
void ConnectionDecoder::on_frame(Record& r, Direction dir, std::span<const uint8_t> payload, uint64_t offset,
                                 Timestamp ts) {
  Side& s = side(dir);
  bool handshake = s.mode == Mode::handshake;
  RecordKind kind = dir == Direction::client_to_server
                        ? (handshake ? RecordKind::connect_request : RecordKind::request)
                        : (handshake ? RecordKind::connect_response : RecordKind::reply);
  r.kind = kind;
  r.dir = dir;
  r.ts = ts;
  r.offset = offset;
  r.session = session_;
  r.length = static_cast<uint32_t>(payload.size());
  s.mode = Mode::frames;
  switch (kind) {
    case RecordKind::connect_request: return on_connect_request(payload, r);
    case RecordKind::connect_response: return on_connect_response(payload, r);
    case RecordKind::request: return on_request(payload, r);
    default: return on_reply(payload, r);
  }
}

void ConnectionDecoder::on_connect_request(std::span<const uint8_t> payload, Record& r) {
  auto& request = r.body.emplace<ConnectRequest>();
  size_t consumed = 0;
  if (!decode_record(payload, request, &consumed)) {
    return emit_decode_error(r.dir, DecodeError::malformed_handshake, r.offset, r.length, r.ts);
  }
  r.has_body = true;
  r.trailing_bytes = static_cast<uint32_t>(payload.size() - consumed);
  if (request.sessionId != 0) session_ = request.sessionId;
  r.session = session_;
  sink_.on_record(r);
}

void ConnectionDecoder::on_connect_response(std::span<const uint8_t> payload, Record& r) {
  if (payload.size() == kReplyHeaderSize) {
    // A read-only server without local sessions answers a new session with a bare ReplyHeader.
    ByteReader h(payload);
    r.has_header = true;
    r.xid = h.i32();
    r.zxid = h.i64();
    r.err = h.i32();
    sink_.on_record(r);
    return;
  }
  auto& response = r.body.emplace<ConnectResponse>();
  size_t consumed = 0;
  if (!decode_record(payload, response, &consumed)) {
    return emit_decode_error(r.dir, DecodeError::malformed_handshake, r.offset, r.length, r.ts);
  }
  r.has_body = true;
  r.trailing_bytes = static_cast<uint32_t>(payload.size() - consumed);
  if (response.sessionId != 0) session_ = response.sessionId;
  r.session = session_;
  sink_.on_record(r);
}

void ConnectionDecoder::report_pending_overflow(uint64_t offset, Timestamp ts) {
  emit_decode_error(Direction::client_to_server, DecodeError::pending_overflow, offset,
                    static_cast<int64_t>(options_.max_pending), ts);
}

void ConnectionDecoder::on_request(std::span<const uint8_t> payload, Record& r) {
  if (payload.size() < kRequestHeaderSize) {
    return emit_decode_error(r.dir, DecodeError::frame_too_short, r.offset, r.length, r.ts);
  }
  r.has_header = true;
  r.xid = peek_i32(payload.data());
  r.op = peek_i32(payload.data() + 4);
  auto body = payload.subspan(kRequestHeaderSize);
  BodyDecode d = decode_request_body(r.op, body, r.body);
  // The server answers even what it cannot parse (UNIMPLEMENTED, MARSHALLINGERROR): keep matching.
  remember_request(r.xid, r.op, r.ts, r.offset);
  if (!d.ok) {
    r.kind = RecordKind::decode_error;
    r.error = d.known_op ? DecodeError::malformed_body : DecodeError::unknown_opcode;
    r.error_offset = r.offset + 4 + kRequestHeaderSize + d.consumed;
    r.error_value = d.known_op ? static_cast<int64_t>(d.consumed) : r.op;
    sink_.on_record(r);
    return;
  }
  r.has_body = true;
  r.trailing_bytes = static_cast<uint32_t>(body.size() - d.consumed);
  sink_.on_record(r);
}

void ConnectionDecoder::on_reply(std::span<const uint8_t> payload, Record& r) {
  if (payload.size() < kReplyHeaderSize) {
    return emit_decode_error(r.dir, DecodeError::frame_too_short, r.offset, r.length, r.ts);
  }
  ByteReader h(payload.first(kReplyHeaderSize));
  r.has_header = true;
  r.xid = h.i32();
  r.zxid = h.i64();
  r.err = h.i32();
  auto body = payload.subspan(kReplyHeaderSize);
  if (r.xid == kNotificationXid) {
    r.kind = RecordKind::event;
    r.op = static_cast<int32_t>(OpCode::notification);
  } else {
    ReplyMatch m = pending_.take(r.xid);
    if (!m.found) {
      r.unmatched = true;
      sink_.on_record(r);
      return;
    }
    r.op = m.request.op;
    r.out_of_order = m.out_of_order;
    r.latency_us = micros_between(m.request.sent, r.ts);
  }
  // Bodies come with success; an error reply's body is decoded only if one is really there.
  if (body.empty() && r.err != 0) {
    sink_.on_record(r);
    return;
  }
  BodyDecode d = decode_response_body(r.op, body, r.body);
  if (!d.ok) {
    if (r.err != 0 || !d.known_op) {
      sink_.on_record(r);  // an error reply with bytes we cannot read: the header says enough
      return;
    }
    r.kind = RecordKind::decode_error;
    r.error = DecodeError::malformed_body;
    r.error_offset = r.offset + 4 + kReplyHeaderSize + d.consumed;
    r.error_value = static_cast<int64_t>(d.consumed);
    sink_.on_record(r);
    return;
  }
  r.has_body = true;
  r.trailing_bytes = static_cast<uint32_t>(body.size() - d.consumed);
  sink_.on_record(r);
}

}  // namespace zkwire
