// The segment list rewrites: bursts re-cut or reordered, segments duplicated, dropped or renamed.
#include "tests/reassembly/segment_edits.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace zkwire::reassembly_testing {
namespace {

using capture::testing::flag::ack;
using capture::testing::flag::psh;

// Plain data: payload with nothing that changes the connection's state (no SYN, FIN or RST).
bool plain_data(const Segment& s) { return s.carries_data() && (s.flags & ~(ack | psh)) == 0; }
bool bare_ack(const Segment& s) { return !s.carries_data() && s.flags == ack; }

// Ethernet 1500 would be more usual, but loopback's 65,483 is what the real captures have.
constexpr size_t kMaxPayload = 65'000;

}  // namespace

Segments edit_bursts(const Segments& all, const BurstEdit& edit) {
  Segments out;
  size_t i = 0;
  while (i < all.size()) {
    if (!plain_data(all[i])) {
      out.push_back(all[i++]);
      continue;
    }
    Segments data{all[i]}, acks;
    size_t j = i + 1;
    for (; j < all.size(); ++j) {
      if (plain_data(all[j]) && all[j].same_sender(all[i])) {
        data.push_back(all[j]);
      } else if (bare_ack(all[j])) {
        acks.push_back(all[j]);
      } else {
        break;
      }
    }
    Segments edited = edit(data);
    out.insert(out.end(), edited.begin(), edited.end());
    out.insert(out.end(), acks.begin(), acks.end());
    i = j;
  }
  return out;
}

Segments recut(const Segments& burst, size_t step, size_t overlap) {
  // The burst's bytes in sequence order, with the segment each byte came from (for its time and ack).
  std::string bytes;
  std::vector<size_t> origin;
  for (size_t k = 0; k < burst.size(); ++k) {
    EXPECT_EQ(burst[k].seq - burst[0].seq, bytes.size()) << "a burst of the real capture has a hole";
    bytes += burst[k].payload;
    origin.insert(origin.end(), burst[k].payload.size(), k);
  }
  step = std::clamp<size_t>(step, 1, kMaxPayload);
  overlap = std::min(overlap, kMaxPayload - step);
  Segments out;
  for (size_t at = 0; at < bytes.size(); at += step) {
    Segment piece = burst[origin[at]];
    piece.seq = burst[0].seq + static_cast<uint32_t>(at);
    piece.payload = bytes.substr(at, step + overlap);
    out.push_back(std::move(piece));
  }
  return out;
}

Segments reverse_runs(Segments burst, const std::vector<size_t>& lengths) {
  size_t turn = 0;
  for (size_t at = 0; at < burst.size();) {
    size_t n = std::min(lengths[turn++ % lengths.size()], burst.size() - at);
    std::reverse(burst.begin() + static_cast<std::ptrdiff_t>(at), burst.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  return burst;
}

Segments swap_neighbours(Segments burst) {
  for (size_t at = 0; at + 1 < burst.size(); at += 2) std::swap(burst[at], burst[at + 1]);
  return burst;
}

Segments each_data_segment_twice(const Segments& all) {
  Segments out;
  for (const Segment& s : all) {
    out.push_back(s);
    if (s.carries_data()) out.push_back(s);
  }
  return out;
}

Segments resend_later(const Segments& all, size_t nth, size_t delay) {
  std::vector<Segments> inserted_after(all.size());
  size_t data_seen = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!all[i].carries_data() || data_seen++ % nth != 0) continue;
    inserted_after[std::min(i + delay, all.size() - 1)].push_back(all[i]);
  }
  Segments out;
  for (size_t i = 0; i < all.size(); ++i) {
    out.push_back(all[i]);
    for (Segment late : inserted_after[i]) {
      late.ts = all[i].ts;  // a retransmission goes out when it goes out, not when the original did
      out.push_back(std::move(late));
    }
  }
  return out;
}

Segments without(const Segments& all, size_t index) {
  Segments out = all;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(index));
  return out;
}

Segments from(const Segments& all, size_t index) {
  return Segments(all.begin() + static_cast<std::ptrdiff_t>(index), all.end());
}

Segments trim_front(const Segments& all, size_t index, size_t bytes) {
  Segments out = all;
  Segment& s = out[index];
  s.payload.erase(0, bytes);
  s.seq += static_cast<uint32_t>(bytes);
  return out;
}

Segments keep_front(const Segments& all, size_t index, size_t bytes) {
  Segments out = all;
  out[index].payload.resize(bytes);
  return out;
}

Segments with_port(const Segments& all, uint16_t from_port, uint16_t to_port) {
  Segments out = all;
  for (Segment& s : out) {
    if (s.sport == from_port) s.sport = to_port;
    if (s.dport == from_port) s.dport = to_port;
  }
  return out;
}

Segments without_syns(const Segments& all) {
  Segments out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [](const Segment& s) { return !s.has(capture::testing::flag::syn); });
  return out;
}

}  // namespace zkwire::reassembly_testing
