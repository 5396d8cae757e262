// Framer's out-of-line part: letting go of a held frame without keeping a large buffer forever.
#include "decoder/framer.h"

namespace zkwire {

void Framer::reset_partial() {
  partial_.clear();
  // One large value should not pin its buffer to the connection for the connection's lifetime.
  if (partial_.capacity() > (256u << 10)) partial_ = std::vector<uint8_t>();
}

}  // namespace zkwire
