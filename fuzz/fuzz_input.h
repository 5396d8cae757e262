// The connection fuzzer's input format: a settings byte, then chunks that each say direction, kind and size.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "decoder/basics.h"

namespace zkwire::fuzz {

// Byte 0 is the settings byte; every chunk after it is a control byte, a 16-bit big-endian size and,
// for data, that many bytes (fewer at the end of the input). Control byte bits:
//   0    direction (0 client to server, 1 server to client)
//   1    gap instead of data: `size` bytes were lost (times 4096 when bit 2 is set too)
//   2    with bit 1: the gap is large
//   3-7  milliseconds between this chunk and the one before, so latency arithmetic sees real numbers
// The seed maker writes the same format, so captured connections arrive here whole.
struct Settings {
  bool started_mid_stream = false;
  bool show_secrets = false;
  bool small_data_prefix = false;  // data_prefix 3 instead of the default: truncation paths in the renderer
  bool small_limits = false;  // tiny max_frame / max_pending / max_text / resync_window: the limit paths
  uint8_t split = 1;  // the second pass re-feeds every data chunk in pieces of this many bytes (1..8)
};

struct Chunk {
  Direction dir = Direction::client_to_server;
  bool is_gap = false;
  uint64_t gap_bytes = 0;
  std::span<const uint8_t> data;
  Timestamp ts;
};

inline constexpr uint8_t kControlServer = 1, kControlGap = 2, kControlLargeGap = 4;

inline Settings parse_settings(uint8_t b) {
  return {.started_mid_stream = (b & 1) != 0,
          .show_secrets = (b & 2) != 0,
          .small_data_prefix = (b & 4) != 0,
          .small_limits = (b & 8) != 0,
          .split = static_cast<uint8_t>(1 + ((b >> 4) & 7))};
}

inline std::vector<Chunk> parse_chunks(std::span<const uint8_t> in) {
  std::vector<Chunk> chunks;
  Timestamp ts{1'700'000'000'000'000'000};
  while (in.size() >= 3) {
    uint8_t control = in[0];
    size_t size = (size_t{in[1]} << 8) | in[2];
    in = in.subspan(3);
    Chunk c;
    c.dir = (control & kControlServer) ? Direction::server_to_client : Direction::client_to_server;
    ts.ns += int64_t{control >> 3} * 1'000'000;
    c.ts = ts;
    if (control & kControlGap) {
      c.is_gap = true;
      c.gap_bytes = (control & kControlLargeGap) ? uint64_t{size} * 4096 : size;
    } else {
      size = size < in.size() ? size : in.size();
      c.data = in.first(size);
      in = in.subspan(size);
    }
    chunks.push_back(c);
  }
  return chunks;
}

}  // namespace zkwire::fuzz
