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

class ArchivedSessions {
 public:
  struct Entry {
    Timestamp first_seen;
    int64_t session = 0;
    uint64_t offset = 0;  // in the file, or in memory_ when in_memory
    uint32_t length = 0;
    bool in_memory = false;
  };

  ArchivedSessions() = default;
  ArchivedSessions(const ArchivedSessions&) = delete;
  ArchivedSessions& operator=(const ArchivedSessions&) = delete;
  ~ArchivedSessions();

  void add(Timestamp first_seen, int64_t session, std::string_view json);
  size_t size() const { return entries_.size(); }
  // The entries in the summary's order: first seen, then id.
  std::vector<Entry> in_order() const;
  // The JSON text of one entry, valid until the next call.
  std::string_view text(const Entry& entry) const;

 private:
  std::vector<Entry> entries_;
  std::FILE* file_ = nullptr;  // an unlinked temporary file, opened with the first entry
  bool file_failed_ = false;   // none could be made, or a write failed: later entries stay in memory_
  uint64_t file_bytes_ = 0;
  std::string memory_;
  static constexpr size_t kWriteBufferBytes = 1u << 20;
  std::unique_ptr<char[]> write_buffer_;  // the file's stdio buffer: glibc ignores a size given without one
  mutable std::unique_ptr<char[]> read_buffer_;  // the last entry read back
  mutable size_t read_capacity_ = 0;
};

}  // namespace zkwire
