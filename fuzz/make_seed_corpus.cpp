// Seed corpus maker: each connection of the given captures written in the fuzzers' input formats.
//
// usage: make_seed_corpus CONNECTION_DIR BODY_DIR capture.pcap...
// CONNECTION_DIR gets one file per TCP connection (connection_decoder_fuzz's format, see fuzz_input.h);
// BODY_DIR gets one file per decoded request or reply body (body_decoder_fuzz's format).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "capture/capture_reader.h"
#include "decoder/connection_decoder.h"
#include "decoder/opcodes.h"
#include "fuzz/fuzz_input.h"

namespace zkwire::fuzz {
namespace {

using Bytes = std::vector<uint8_t>;

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Turns every decoded body into a body-fuzzer input: op index, reply flag, then the body bytes.
class BodySeeds : public RecordSink {
 public:
  BodySeeds(const std::string& dir, const std::string& stem, const Bytes (&streams)[2])
      : dir_(dir), stem_(stem), streams_(streams) {}
  void on_record(const Record& r) override {
    if (!r.has_body || (r.kind != RecordKind::request && r.kind != RecordKind::reply &&
                        r.kind != RecordKind::event))
      return;
    auto ops = all_opcodes();
    size_t index = 0;
    while (index < ops.size() && ops[index].code != r.op) ++index;
    if (index == ops.size()) return;
    bool reply = r.dir == Direction::server_to_client;
    size_t header = reply ? 16 : 8;
    const Bytes& stream = streams_[static_cast<int>(r.dir)];
    size_t begin = r.offset + 4 + header, end = r.offset + 4 + r.length;
    if (end > stream.size() || begin > end) return;
    Bytes seed{static_cast<uint8_t>(index), static_cast<uint8_t>(reply ? 1 : 0)};
    seed.insert(seed.end(), stream.begin() + static_cast<std::ptrdiff_t>(begin),
                stream.begin() + static_cast<std::ptrdiff_t>(end));
    write_file(dir_ + "/" + stem_ + "-" + std::to_string(count_++), seed);
  }

 private:
  const std::string& dir_;
  std::string stem_;
  const Bytes (&streams_)[2];
  int count_ = 0;
};

class SeedWriter : public capture::FlowSink {
 public:
  SeedWriter(std::string connection_dir, std::string body_dir, std::string stem)
      : connection_dir_(std::move(connection_dir)), body_dir_(std::move(body_dir)), stem_(std::move(stem)) {}

  void* on_flow_open(const capture::FlowInfo& info) override {
    Flow& f = flows_[info.id];
    f.mid_stream = info.started_mid_stream;
    f.last = info.first_seen;
    return nullptr;
  }
  void on_flow_data(capture::FlowRef flow, Direction dir, std::span<const uint8_t> bytes, Timestamp at) override {
    Flow& f = flows_[flow.id];
    auto& stream = f.streams[static_cast<int>(dir)];
    stream.insert(stream.end(), bytes.begin(), bytes.end());
    // Chunks carry at most 65535 bytes; larger deliveries become several chunks.
    do {
      size_t n = std::min<size_t>(bytes.size(), 0xffff);
      control(f, dir, 0, n, at);
      f.input.insert(f.input.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      bytes = bytes.subspan(n);
    } while (!bytes.empty());
  }
  void on_flow_gap(capture::FlowRef flow, Direction dir, uint64_t missing, Timestamp at) override {
    Flow& f = flows_[flow.id];
    f.had_gap = true;
    uint64_t units = std::min<uint64_t>((missing + 4095) / 4096, 0xffff);
    if (missing <= 0xffff)
      control(f, dir, kControlGap, missing, at);
    else
      control(f, dir, kControlGap | kControlLargeGap, units, at);
  }
  void on_flow_close(capture::FlowRef flow, const capture::FlowClose&, Timestamp) override {
    const uint64_t id = flow.id;
    Flow& f = flows_[id];
    std::string name = stem_ + "-flow" + std::to_string(id);
    Bytes file{static_cast<uint8_t>(f.mid_stream ? 1 : 0)};
    file.insert(file.end(), f.input.begin(), f.input.end());
    write_file(connection_dir_ + "/" + name, file);
    ++written_;
    if (!f.had_gap) body_seeds(f, name);
    flows_.erase(id);
  }
  int written() const { return written_; }

 private:
  struct Flow {
    bool mid_stream = false;
    bool had_gap = false;
    Timestamp last;
    Bytes input;  // the fuzzer input, settings byte not yet in front
    Bytes streams[2];  // each direction's bytes, to cut bodies out of
  };

  void control(Flow& f, Direction dir, uint8_t kind, uint64_t size, Timestamp at) {
    int64_t ms = std::clamp<int64_t>((at.ns - f.last.ns) / 1'000'000, 0, 31);
    f.last = at;
    uint8_t c = static_cast<uint8_t>((ms << 3) | kind | (dir == Direction::server_to_client ? kControlServer : 0));
    f.input.insert(f.input.end(), {c, static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)});
  }

  // Replays the connection through the decoder in stream order per direction to find its bodies.
  void body_seeds(const Flow& f, const std::string& name) {
    BodySeeds sink(body_dir_, name, f.streams);
    ConnectionDecoder decoder(DecoderOptions{}, sink, f.mid_stream);
    for (const Chunk& c : parse_chunks(f.input)) {
      if (!c.is_gap) decoder.feed(c.dir, c.data, c.ts);
    }
    decoder.finish(Timestamp{});
  }

  std::string connection_dir_, body_dir_, stem_;
  std::map<uint64_t, Flow> flows_;
  int written_ = 0;
};

}  // namespace
}  // namespace zkwire::fuzz

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CONNECTION_DIR BODY_DIR capture.pcap...\n", argv[0]);
    return 2;
  }
  int total = 0;
  for (int i = 3; i < argc; ++i) {
    std::string path = argv[i];
    std::string stem = path.substr(path.find_last_of('/') + 1);
    zkwire::fuzz::SeedWriter writer(argv[1], argv[2], stem);
    zkwire::capture::CaptureReader reader{zkwire::capture::CaptureOptions{}};
    auto result = reader.run_file(path, writer);
    if (result.error.failed() && !result.stats.truncated) {
      std::fprintf(stderr, "%s: cannot read\n", path.c_str());
      return 1;
    }
    total += writer.written();
  }
  std::printf("%d connection seeds\n", total);
  return total > 0 ? 0 : 1;
}
