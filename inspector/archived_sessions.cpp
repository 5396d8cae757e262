// A temporary file of rendered entries plus a small index in memory: 32 bytes per session instead of its state.
#include "inspector/archived_sessions.h"

#include <unistd.h>

#include <algorithm>

namespace zkwire {

ArchivedSessions::~ArchivedSessions() {
  if (file_) std::fclose(file_);
}

void ArchivedSessions::add(Timestamp first_seen, int64_t session, std::string_view json) {
  if (!file_ && !file_failed_) {
    file_ = std::tmpfile();
    file_failed_ = file_ == nullptr;  // a read-only /tmp costs memory, not entries
    // Entries are a few hundred bytes: written through a large buffer, not a system call per 4 KiB.
    if (file_) {
      write_buffer_ = std::make_unique_for_overwrite<char[]>(kWriteBufferBytes);
      std::setvbuf(file_, write_buffer_.get(), _IOFBF, kWriteBufferBytes);
    }
  }
  Entry entry{first_seen, session, 0, static_cast<uint32_t>(json.size()), false};
  if (!file_failed_ && std::fwrite(json.data(), 1, json.size(), file_) == json.size()) {
    entry.offset = file_bytes_;
    file_bytes_ += json.size();
  } else {
    file_failed_ = true;  // a full disk: this entry and the rest stay in memory
    entry.in_memory = true;
    entry.offset = memory_.size();
    memory_.append(json);
  }
  entries_.push_back(entry);
}

std::vector<ArchivedSessions::Entry> ArchivedSessions::in_order() const {
  std::vector<Entry> ordered = entries_;
  std::sort(ordered.begin(), ordered.end(), [](const Entry& a, const Entry& b) {
    return a.first_seen.ns != b.first_seen.ns ? a.first_seen < b.first_seen : a.session < b.session;
  });
  return ordered;
}

std::string_view ArchivedSessions::text(const Entry& entry) const {
  if (entry.in_memory) return std::string_view(memory_).substr(entry.offset, entry.length);
  std::fflush(file_);
  if (entry.length > read_capacity_) {
    read_capacity_ = std::max<size_t>(entry.length, 4096);
    read_buffer_ = std::make_unique_for_overwrite<char[]>(read_capacity_);
  }
  // One read per entry: they are asked for in first-seen order, which is not the order they were written in.
  const ssize_t got = pread(fileno(file_), read_buffer_.get(), entry.length, static_cast<off_t>(entry.offset));
  if (got != static_cast<ssize_t>(entry.length)) return "null";  // the file was cut under us; keep the JSON valid
  return {read_buffer_.get(), entry.length};
}

}  // namespace zkwire
