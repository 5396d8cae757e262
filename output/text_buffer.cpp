// Growth of the text buffer: rare (the first records, or one huge record), so out of line.
#include "output/text_buffer.h"

#include <algorithm>

namespace zkwire {

TextBuffer::TextBuffer(size_t capacity)
    : storage_(std::make_unique_for_overwrite<char[]>(capacity)),
      end_(storage_.get()),
      limit_(storage_.get() + capacity) {}

char* TextBuffer::grow(size_t n) {
  const size_t used = size();
  const size_t capacity = std::max(2 * static_cast<size_t>(limit_ - storage_.get()), used + n);
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (used > 0) std::memcpy(bigger.get(), storage_.get(), used);
  storage_ = std::move(bigger);
  end_ = storage_.get() + used;
  limit_ = storage_.get() + capacity;
  return end_;
}

}  // namespace zkwire
