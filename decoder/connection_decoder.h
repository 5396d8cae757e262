// Decodes both directions of one client connection into Records: handshake, framing, request/reply matching.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "decoder/basics.h"
#include "decoder/framer.h"
#include "decoder/pending_requests.h"
#include "decoder/record.h"

namespace zkwire {

struct DecoderOptions {
  uint32_t max_frame = 0xfffff;  // jute.maxbuffer: larger lengths are flagged
  uint32_t oversize_skip_limit = 64u << 20;  // larger than this, a length is taken as lost framing
  size_t max_pending = 65536;  // unanswered requests remembered per connection
  size_t max_text = 64u << 10;  // four-letter-word reply text kept per connection
  size_t resync_window = 4u << 20;  // bytes held while looking for a frame boundary
};

class ConnectionDecoder {
 public:
  // started_mid_stream: the capture began after the handshake, so the first frame boundary is inferred.
  ConnectionDecoder(const DecoderOptions& options, RecordSink& sink, bool started_mid_stream = false);

  void feed(Direction dir, std::span<const uint8_t> bytes, Timestamp ts);
  // `missing` bytes of this direction were never captured.
  void gap(Direction dir, uint64_t missing, Timestamp ts);
  // The connection ended: flushes a four-letter reply, reports a frame cut short.
  void finish(Timestamp ts);
  // Forgets the bytes held for `dir` without reporting them: the proxy is closing the connection on a frame
  // it has already reported (an oversized one), so finish() must not report its body a second time.
  void discard(Direction dir);

  size_t pending_requests() const { return pending_.size(); }
  int64_t session_id() const { return session_; }

 private:
  enum class Mode : uint8_t {
    first_bytes,  // client: a four-letter word or a ConnectRequest?
    handshake,    // the next frame is ConnectRequest / ConnectResponse
    frames,       // requests or replies
    text,         // a four-letter exchange: raw text until the close
    resync,       // framing lost: scanning for a frame boundary
  };
  static constexpr uint64_t kNotSettled = UINT64_MAX;
  struct Side {
    Side(Mode initial, Framer framing) : mode(initial), framer(std::move(framing)) {}
    Mode mode;
    Framer framer;
    std::vector<uint8_t> held;  // first_bytes, text or resync bytes
    uint64_t held_offset = 0;
    uint64_t skipped = 0;  // resync: bytes ruled out and dropped since the search began (held_offset is past them)
    uint64_t settled_end = kNotSettled;  // resync: end offset of held bytes a settle found no boundary in
    // resync, for settling: every position before judged_end is ruled out for good, except the candidates (offsets,
    // ascending), whose verdict may still change as bytes come. So a settle judges each position once, not once
    // per peer read.
    uint64_t judged_end = 0;
    std::vector<uint64_t> candidates;
  };
  struct FrameHandler;

  Side& side(Direction dir) { return dir == Direction::client_to_server ? client_ : server_; }
  void feed_frames(Side& s, Direction dir, std::span<const uint8_t> bytes, Timestamp ts);
  void feed_first_bytes(Side& s, std::span<const uint8_t> bytes, Timestamp ts);
  void feed_text(Side& s, Direction dir, std::span<const uint8_t> bytes, Timestamp ts);
  void feed_resync(Side& s, Direction dir, std::span<const uint8_t> bytes, Timestamp ts);
  void resync_at(Side& s, Direction dir, size_t pos, Timestamp ts);
  void settle_resync(Direction dir, Timestamp ts);
  // The first position of the held bytes where a frame boundary is plausible now that they are all there is.
  std::optional<size_t> settled_boundary(Side& s, Direction dir);
  static void restart_search(Side& s);
  void enter_resync(Side& s, std::span<const uint8_t> rest, uint64_t rest_offset);

  // Inlined into the framing loop: it only fills in the frame fields and picks the handler by kind.
  [[gnu::always_inline]] inline void on_frame(Record& r, Direction dir, std::span<const uint8_t> payload,
                                              uint64_t offset, Timestamp ts);
  void on_request(std::span<const uint8_t> payload, Record& r);
  void on_reply(std::span<const uint8_t> payload, Record& r);
  void on_connect_request(std::span<const uint8_t> payload, Record& r);
  void on_connect_response(std::span<const uint8_t> payload, Record& r);
  // Inline, with the rare overflow report out of line: it runs for every request.
  void remember_request(int32_t xid, int32_t op, Timestamp ts, uint64_t offset) {
    if (!pending_.add({xid, op, ts})) report_pending_overflow(offset, ts);
  }
  void report_pending_overflow(uint64_t offset, Timestamp ts);
  void emit_decode_error(Direction dir, DecodeError error, uint64_t offset, int64_t value, Timestamp ts);
  void emit_truncated(Side& s, Direction dir, uint64_t missing, Timestamp ts);
  Record base_record(RecordKind kind, Direction dir, Timestamp ts, uint64_t offset) const;

  // What every frame touches first (the sink, the session, the pending requests, then each side's mode and framer):
  // a capture interleaves many connections, so each cache line a frame needs is likely a miss.
  RecordSink& sink_;
  int64_t session_ = 0;
  PendingRequests pending_;
  Side client_;
  Side server_;
  DecoderOptions options_;
  bool text_truncated_ = false;
};

}  // namespace zkwire
