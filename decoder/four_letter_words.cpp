// Lookup over the four-letter-word table.
#include "decoder/four_letter_words.h"

namespace zkwire {
namespace {
constexpr FourLetterWord kWords[] = {
#define ZKWIRE_4LW_ROW(word, extra, description) {#word, description, extra},
    ZKWIRE_FOUR_LETTER_WORDS(ZKWIRE_4LW_ROW)
#undef ZKWIRE_4LW_ROW
};
}  // namespace

std::span<const FourLetterWord> all_four_letter_words() { return kWords; }

const FourLetterWord* find_four_letter_word(std::span<const uint8_t> first) {
  if (first.size() < 4) return nullptr;
  std::string_view candidate(reinterpret_cast<const char*>(first.data()), 4);
  for (const auto& w : kWords)
    if (w.word == candidate) return &w;
  return nullptr;
}

}  // namespace zkwire
