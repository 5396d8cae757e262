// A temporary file of rendered entries in sorted runs, plus a small index in memory: 40 bytes per session.
#include "inspector/archived_sessions.h"

#include <unistd.h>

#include <algorithm>

namespace zkwire {
namespace {

template <class T>
bool first_seen_before(const T& a, const T& b) {
  return a.first_seen.ns != b.first_seen.ns ? a.first_seen < b.first_seen : a.session < b.session;
}

}  // namespace

ArchivedSessions::~ArchivedSessions() {
  if (file_) std::fclose(file_);
}

void ArchivedSessions::add(Timestamp first_seen, int64_t session, std::string_view json) {
  if (gathering_.capacity() == 0) gathering_.reserve(kRunBytes + (64u << 10));  // not doubled past a run's size
  pending_.push_back({first_seen, session, gathering_.size(), static_cast<uint32_t>(json.size())});
  gathering_.append(json);
  if (gathering_.size() >= kRunBytes) write_run();
}

void ArchivedSessions::write_run() {
  if (pending_.empty()) return;
  if (!file_ && !file_failed_) {
    file_ = std::tmpfile();
    file_failed_ = file_ == nullptr;  // a read-only /tmp costs memory, not entries
    if (file_) {
      write_buffer_ = std::make_unique_for_overwrite<char[]>(kWriteBufferBytes);
      std::setvbuf(file_, write_buffer_.get(), _IOFBF, kWriteBufferBytes);
    }
  }
  std::sort(pending_.begin(), pending_.end(), first_seen_before<Pending>);
  const auto run = static_cast<uint32_t>(runs_.size());
  for (const Pending& p : pending_) set_aside(p, run);
  runs_.push_back({file_bytes_, {}});
  pending_.clear();
  gathering_.clear();
}

void ArchivedSessions::set_aside(const Pending& p, uint32_t run) {
  const std::string_view json(gathering_.data() + p.at, p.length);
  Entry entry{p.first_seen, p.session, 0, p.length, run, false};
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

std::vector<ArchivedSessions::Entry> ArchivedSessions::in_order() {
  write_run();
  if (file_) std::fflush(file_);
  std::vector<Entry> ordered = entries_;
  std::sort(ordered.begin(), ordered.end(), first_seen_before<Entry>);
  return ordered;
}

std::string_view ArchivedSessions::text(const Entry& entry) {
  if (entry.in_memory) return std::string_view(memory_).substr(entry.offset, entry.length);
  Run& run = runs_[entry.run];
  Window& w = run.window;
  if (entry.offset < w.offset || entry.offset + entry.length > w.offset + w.size) {
    // The run is read front to back: the window moves on to this entry and as much of the run after it as fits.
    const size_t want = std::max<size_t>(kWindowBytes, entry.length);
    if (want > w.capacity) {
      w.bytes = std::make_unique_for_overwrite<char[]>(want);
      w.capacity = want;
    }
    const auto n = static_cast<size_t>(std::min<uint64_t>(want, run.end - entry.offset));
    const ssize_t got = pread(fileno(file_), w.bytes.get(), n, static_cast<off_t>(entry.offset));
    if (got < static_cast<ssize_t>(entry.length)) {
      w.size = 0;
      return "null";  // the file was cut under us; keep the JSON valid
    }
    w.offset = entry.offset;
    w.size = static_cast<size_t>(got);
  }
  return {w.bytes.get() + (entry.offset - w.offset), entry.length};
}

}  // namespace zkwire
