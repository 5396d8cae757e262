// The opcode, error-code and four-letter-word tables: complete, unique, and spelled as ZooKeeper spells them.
#include <gtest/gtest.h>

#include <set>

#include "decoder/error_codes.h"
#include "decoder/four_letter_words.h"
#include "decoder/opcodes.h"

namespace zkwire {
namespace {

TEST(Tables, OpcodesAreUniqueAndFindable) {
  std::set<int32_t> codes;
  std::set<std::string_view> names;
  for (const OpCodeInfo& op : all_opcodes()) {
    EXPECT_TRUE(codes.insert(op.code).second) << op.code;
    EXPECT_TRUE(names.insert(op.name).second) << op.name;
    EXPECT_EQ(find_opcode(op.code), &op);
  }
  EXPECT_EQ(find_opcode(10), nullptr);  // never assigned
  EXPECT_EQ(find_opcode(108), nullptr);
  EXPECT_EQ(find_opcode(INT32_MIN), nullptr);
}

TEST(Tables, EveryClientOpcodeOfZooKeeper38And39IsKnown) {
  for (int32_t code : {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 100, 101, 102,
                       103, 104, 105, 106, 107, -11})
    EXPECT_NE(find_opcode(code), nullptr) << code;
  EXPECT_EQ(opcode_name(2), "delete");
  EXPECT_EQ(opcode_name(12), "getChildren2");
  EXPECT_EQ(opcode_name(105), "setWatches2");
  EXPECT_EQ(opcode_name(-11), "closeSession");
}

TEST(Tables, ErrorCodesAreUniqueAndUnknownOnesPassThrough) {
  std::set<int32_t> codes;
  for (const ErrorCodeInfo& e : all_error_codes()) {
    EXPECT_TRUE(codes.insert(e.code).second) << e.code;
    EXPECT_EQ(find_error_code(e.code), &e);
  }
  EXPECT_EQ(error_name(-112), "SESSIONEXPIRED");
  EXPECT_EQ(error_name(-118), "SESSIONMOVED");
  EXPECT_EQ(find_error_code(-126), nullptr);
  EXPECT_EQ(find_error_code(1), nullptr);
  EXPECT_EQ(find_error_code(INT32_MIN), nullptr);
}

TEST(Tables, FourLetterWordsAreFourLowercaseLetters) {
  for (const FourLetterWord& w : all_four_letter_words()) {
    ASSERT_EQ(w.word.size(), 4u);
    for (char c : w.word) EXPECT_TRUE(c >= 'a' && c <= 'z') << w.word;
  }
  const uint8_t srvr[] = {'s', 'r', 'v', 'r'};
  EXPECT_NE(find_four_letter_word(srvr), nullptr);
}

}  // namespace
}  // namespace zkwire
