// One session's story (connections, handshakes, reconnects, errors, gaps, anomalies) with times relative to
// its first frame: what someone debugging a client's reconnection behaviour reads first.
#pragma once
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "decoder/record.h"

namespace zkwire {

class SessionTimeline : public RecordConsumer {
 public:
  SessionTimeline(int64_t session, std::FILE* out) : session_(session), out_(out) {}
  void consume(uint64_t connection, const Record& record, const FlowLabels& flow) override;
  void finish();
  uint64_t lines() const { return lines_; }

 private:
  struct Line {
    Timestamp ts;
    std::string text;
  };
  // Requests and replies between two story lines are told as one line of counts.
  struct Quiet {
    uint64_t requests = 0, errors = 0, events = 0, pings = 0;
    std::map<std::string, uint64_t> ops;
    Timestamp first, last;
  };
  struct Connection {
    std::string label;  // "client -> server"
    bool ours = false;
    std::vector<Line> before_session;  // story lines seen before we knew whose connection this is
    Quiet quiet;
  };

  void tell(Connection& c, Timestamp ts, std::string text);
  void flush_quiet(Connection& c);
  void print(const Line& line, const std::string& label);
  std::string describe(const Record& r) const;

  int64_t session_;
  std::FILE* out_;
  std::unordered_map<uint64_t, Connection> connections_;
  bool started_ = false;
  Timestamp origin_;
  uint64_t lines_ = 0;
};

}  // namespace zkwire
