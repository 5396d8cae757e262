// Summary entries of forgotten sessions, rendered once and set aside in a temporary file until the summary.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/basics.h"

namespace zkwire {

// The summary lists sessions in first-seen order, but they are forgotten (and set aside) in another order. Entries
// are gathered in runs of a few MiB, each sorted before it is written, so that the summary reads every run from
// front to back through a window of its own: a few hundred reads for a 1 GiB capture instead of one per session.
class ArchivedSessions {
 public:
  struct Entry {
    Timestamp first_seen;
    int64_t session = 0;
    uint64_t offset = 0;  // in the file, or in memory_ when in_memory
    uint32_t length = 0;
    uint32_t run = 0;  // which sorted run of the file holds it
    bool in_memory = false;
  };

  ArchivedSessions() = default;
  ArchivedSessions(const ArchivedSessions&) = delete;
  ArchivedSessions& operator=(const ArchivedSessions&) = delete;
  ~ArchivedSessions();

  void add(Timestamp first_seen, int64_t session, std::string_view json);
  size_t size() const { return entries_.size() + pending_.size(); }
  // The entries in the summary's order: first seen, then id. Sets aside what was still gathering.
  std::vector<Entry> in_order();
  // The JSON text of one entry, valid until the next call for an entry of the same run.
  std::string_view text(const Entry& entry);

 private:
  static constexpr size_t kRunBytes = 4u << 20;
  static constexpr size_t kWindowBytes = 64u << 10;
  static constexpr size_t kWriteBufferBytes = 1u << 20;
  struct Pending {
    Timestamp first_seen;
    int64_t session;
    size_t at;  // in gathering_
    uint32_t length;
  };
  struct Window {
    std::unique_ptr<char[]> bytes;
    size_t capacity = 0;
    uint64_t offset = 0;
    size_t size = 0;
  };
  struct Run {
    uint64_t end = 0;  // file offset one past its last entry
    Window window;
  };
  void write_run();
  void set_aside(const Pending& p, uint32_t run);

  std::vector<Entry> entries_;  // set aside (in the file, or in memory_)
  std::vector<Pending> pending_;  // gathering for the next run
  std::string gathering_;
  std::vector<Run> runs_;
  std::FILE* file_ = nullptr;  // an unlinked temporary file, opened with the first run
  bool file_failed_ = false;   // none could be made, or a write failed: later entries stay in memory_
  uint64_t file_bytes_ = 0;
  std::string memory_;
  std::unique_ptr<char[]> write_buffer_;  // the file's stdio buffer: glibc ignores a size given without one
};

}  // namespace zkwire
