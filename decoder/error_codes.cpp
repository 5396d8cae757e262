// Lookup over the error-code table.
#include "decoder/error_codes.h"

#include <array>

namespace zkwire {
namespace {

constexpr ErrorCodeInfo kErrorCodes[] = {
#define ZKWIRE_ERROR_ROW(code, name, sent, description) {code, #name, sent, description},
    ZKWIRE_ERROR_CODES(ZKWIRE_ERROR_ROW)
#undef ZKWIRE_ERROR_ROW
};

// Codes run from 0 down to -127: a direct index keeps the lookup off the hot path's profile.
constexpr int kIndexSize = 128;
constexpr auto kIndex = [] {
  std::array<int8_t, kIndexSize> index{};
  index.fill(-1);
  for (size_t i = 0; i < std::size(kErrorCodes); ++i) index[-kErrorCodes[i].code] = static_cast<int8_t>(i);
  return index;
}();

}  // namespace

std::span<const ErrorCodeInfo> all_error_codes() { return kErrorCodes; }

const ErrorCodeInfo* find_error_code(int32_t code) {
  if (code > 0 || code <= -kIndexSize) return nullptr;
  int8_t slot = kIndex[-code];
  return slot < 0 ? nullptr : &kErrorCodes[slot];
}

}  // namespace zkwire
