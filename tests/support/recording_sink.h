// A RecordSink for tests: keeps what each record said, since a Record's views die with the callback.
#pragma once
#include <string>
#include <vector>

#include "decoder/record.h"
#include "output/record_renderer.h"

namespace zkwire::testing {

struct SeenRecord {
  RecordKind kind;
  Direction dir;
  int32_t xid;
  int32_t op;
  int64_t zxid;
  int32_t err;
  int64_t session;
  bool unmatched;
  bool out_of_order;
  DecodeError error;
  uint64_t offset;
  uint64_t byte_count;
  std::string text;
  std::string json;  // the full rendering, for assertions on body fields
};

class RecordingSink : public RecordSink {
 public:
  explicit RecordingSink(RenderOptions options = {}) : options_(options) {}
  void on_record(const Record& r) override {
    std::string json;
    render_jsonl(r, {"client", "server"}, options_, json);
    if (!json.empty() && json.back() == '\n') json.pop_back();
    records.push_back({r.kind, r.dir, r.xid, r.op, r.zxid, r.err, r.session, r.unmatched, r.out_of_order,
                       r.error, r.offset, r.byte_count, std::string(r.text), std::move(json)});
  }
  // Every rendering, one per line: two runs compare equal when the decoder saw the same stream.
  std::string transcript() const {
    std::string all;
    for (const auto& r : records) all += r.json + "\n";
    return all;
  }
  std::vector<SeenRecord> records;

 private:
  RenderOptions options_;
};

}  // namespace zkwire::testing
