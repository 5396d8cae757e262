// Judges whether a frame could start at a given byte: how the decoder finds a boundary after lost bytes.
#pragma once
#include <cstdint>
#include <span>

#include "decoder/basics.h"

namespace zkwire {

enum class Plausibility : uint8_t { no, yes, need_more };

// A frame starting at bytes[0]: a request (client side) or reply/notification (server side) whose header
// makes sense; with `whole_frame`, the body must also decode to exactly its length (requests and events).
Plausibility plausible_frame(Direction dir, std::span<const uint8_t> bytes, uint32_t max_frame,
                             bool whole_frame);

// A boundary at bytes[0] that two consecutive plausible frames confirm. `final` means no more bytes will
// come, so a single frame that ends exactly at the end is enough.
Plausibility plausible_boundary(Direction dir, std::span<const uint8_t> bytes, uint32_t max_frame,
                                bool final);

}  // namespace zkwire
