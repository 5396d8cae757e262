// Lookup over the opcode table.
#include "decoder/opcodes.h"

#include <array>

namespace zkwire {
namespace {

constexpr OpCodeInfo kOpCodes[] = {
#define ZKWIRE_OPCODE_ROW(code, ident, name, req, resp, description) {code, name, #req, #resp, description},
    ZKWIRE_OPCODES(ZKWIRE_OPCODE_ROW)
#undef ZKWIRE_OPCODE_ROW
};

// Opcodes span -11..107: index them directly so per-frame lookups cost one load.
constexpr int kLowest = -11, kHighest = 107;
constexpr auto kIndex = [] {
  std::array<int8_t, kHighest - kLowest + 1> index{};
  index.fill(-1);
  for (size_t i = 0; i < std::size(kOpCodes); ++i) index[kOpCodes[i].code - kLowest] = static_cast<int8_t>(i);
  return index;
}();

}  // namespace

std::span<const OpCodeInfo> all_opcodes() { return kOpCodes; }

const OpCodeInfo* find_opcode(int32_t code) {
  if (code < kLowest || code > kHighest) return nullptr;
  int8_t slot = kIndex[code - kLowest];
  return slot < 0 ? nullptr : &kOpCodes[slot];
}

}  // namespace zkwire
