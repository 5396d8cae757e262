// A growable byte buffer written through a raw cursor: a writer makes room once per token, then copies once.
#pragma once
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace zkwire {

class TextBuffer {
 public:
  explicit TextBuffer(size_t capacity = 4096);
  // The cursors point into the storage: a copy or a move would leave one of the two pointing at the other's bytes.
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  // At least `n` writable bytes at the returned cursor; `commit` then says where the written bytes end.
  char* room(size_t n) { return static_cast<size_t>(limit_ - end_) >= n ? end_ : grow(n); }
  void commit(char* end) { end_ = end; }
  void append(std::string_view s) {
    char* p = room(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    commit(p + s.size());
  }

  std::string_view view() const { return {storage_.get(), size()}; }
  size_t size() const { return static_cast<size_t>(end_ - storage_.get()); }
  bool empty() const { return end_ == storage_.get(); }
  void clear() { end_ = storage_.get(); }

 private:
  char* grow(size_t n);

  std::unique_ptr<char[]> storage_;
  char* end_ = nullptr;  // where the next byte goes
  char* limit_ = nullptr;  // one past the storage
};

}  // namespace zkwire
