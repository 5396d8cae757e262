// The JSON emitter's fast paths write exactly what the plain character-by-character rules say.
#include "output/json_emitter.h"

#include <gtest/gtest.h>

#include <charconv>
#include <climits>
#include <random>
#include <vector>

#include "decoder/error_codes.h"
#include "decoder/opcodes.h"
#include "decoder/record.h"
#include "decoder/watch_events.h"
#include "output/utf8.h"

namespace zkwire {
namespace {

// The rules, one character at a time, as a reference.
std::string reference_string(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (size_t n = utf8_sequence_length(s.substr(i))) {
      out.append(s.substr(i, n));
      i += n - 1;
    } else {
      out += "\\ufffd";
    }
  }
  return out + "\"";
}

std::string emitted(std::string_view s) {
  std::string out;
  JsonEmitter e(out);
  e.value_string(s);
  return out;
}

TEST(JsonEmitter, EveryStringMatchesTheCharacterByCharacterRules) {
  std::mt19937 random(7);
  const std::string specials = "\"\\\n\t\x01\x7f\xc3\xa9\xff/";
  for (int round = 0; round < 20000; ++round) {
    const size_t length = random() % 300;  // across the short-string fast path's limit
    std::string s(length, 'a');
    for (char& c : s) c = static_cast<char>('a' + random() % 26);
    // None, one or a few special bytes at any position, the eight-byte blocks' edges included.
    for (unsigned k = random() % 4; k > 0 && length > 0; --k) s[random() % length] = specials[random() % specials.size()];
    ASSERT_EQ(emitted(s), reference_string(s)) << "input of " << length << " bytes";
  }
}

TEST(JsonEmitter, AnEmptyStringWithoutDataIsTwoQuotes) {
  // A default string_view has no data pointer: copying from it, even nothing, is undefined (found by the fuzzer).
  EXPECT_EQ(emitted(std::string_view{}), "\"\"");
  std::string out;
  JsonEmitter e(out);
  e.begin_object();
  e.key(std::string_view{});
  e.value_string(std::string_view{});
  e.end_object();
  EXPECT_EQ(out, "{\"\":\"\"}");
}

TEST(JsonEmitter, KeysNumbersAndIdsWithTheirSeparators) {
  std::string out;
  JsonEmitter e(out);
  e.begin_object();
  e.key("a");
  e.value_int(-12);
  e.key("id");
  e.value_hex(0x1f);
  e.key("none");
  e.value_hex(-1);
  e.key(std::string(200, 'k'));
  e.value_string("v");
  e.key("ts");
  e.value_seconds(1'700'000'000'123'456'000);
  e.end_object();
  EXPECT_EQ(out, "{\"a\":-12,\"id\":\"0x1f\",\"none\":\"-1\",\"" + std::string(200, 'k') +
                     "\":\"v\",\"ts\":1700000000.123456}");
}

TEST(JsonEmitter, EveryTableNameIsPlainTextSoValueNameMayGoWithoutEscaping) {
  std::vector<std::string_view> names = {direction_name(Direction::client_to_server),
                                         direction_name(Direction::server_to_client)};
  for (const OpCodeInfo& op : all_opcodes()) names.push_back(op.name);
  for (const ErrorCodeInfo& error : all_error_codes()) names.push_back(error.name);
#define ZKWIRE_KIND_NAME(id, description) names.push_back(record_kind_name(RecordKind::id));
  ZKWIRE_RECORD_KINDS(ZKWIRE_KIND_NAME)
#undef ZKWIRE_KIND_NAME
#define ZKWIRE_DECODE_ERROR_NAME(id, description) names.push_back(decode_error_name(DecodeError::id));
  ZKWIRE_DECODE_ERRORS(ZKWIRE_DECODE_ERROR_NAME)
#undef ZKWIRE_DECODE_ERROR_NAME
  for (int32_t code = -200; code <= 200; ++code) {
    names.push_back(watch_event_type_name(code));
    names.push_back(keeper_state_name(code));
  }
  for (std::string_view name : names) {
    std::string out;
    JsonEmitter e(out);
    e.value_name(name);
    EXPECT_EQ(out, emitted(name)) << "a table name that JSON must escape: " << name;
  }
}

TEST(JsonEmitter, NumbersAreWhatToCharsWrites) {
  // Every digit count and its edges (9, 10, 99, 100...), both signs, the extremes; hex at every nibble count.
  std::vector<int64_t> values = {0, INT64_MIN, INT64_MAX};
  for (uint64_t power = 1; power <= 1'000'000'000'000'000'000u; power *= 10)
    for (int64_t near : {-1, 0, 1}) {
      values.push_back(static_cast<int64_t>(power) + near);
      values.push_back(-static_cast<int64_t>(power) - near);
    }
  for (int shift = 0; shift < 64; ++shift) values.push_back(static_cast<int64_t>(uint64_t{0xa5} << shift >> 1));
  for (int64_t v : values) {
    char expected[32];
    std::string out;
    JsonEmitter e(out);
    e.value_int(v);
    ASSERT_EQ(out, std::string(expected, std::to_chars(expected, expected + sizeof expected, v).ptr)) << v;
    if (v < 0) continue;
    out.clear();
    JsonEmitter hex(out);
    hex.value_hex(v);
    ASSERT_EQ(out, "\"0x" + std::string(expected, std::to_chars(expected, expected + sizeof expected, v, 16).ptr) + "\"");
  }
}

TEST(JsonEmitter, ABufferThatMustGrowHoldsTheSameTextAsAString) {
  // A buffer of one byte grows on nearly every token: what was written before each growth must survive it.
  TextBuffer buffer(1);
  BufferJsonEmitter into_buffer(buffer);
  std::string text;
  JsonEmitter into_string(text);
  auto emit = [](auto& e) {
    e.begin_record();
    e.key("path");
    e.value_string("/a/\"b\"/\xff");
    e.key("list");
    e.begin_array();
    for (int i = 0; i < 100; ++i) e.value_int(-1'000'000'000'000LL * i);
    e.end_array();
    e.key("zxid");
    e.value_hex(0x100000abc);
    e.key("data");
    e.value_hex_bytes(std::string(300, '\x01'));
    e.key("ts");
    e.value_seconds(1'700'000'000'000'000'001);
    e.end_record();
  };
  emit(into_buffer);
  emit(into_string);
  EXPECT_EQ(buffer.view(), text);
  EXPECT_EQ(text.substr(0, 26), "{\"path\":\"/a/\\\"b\\\"/\\ufffd\",");
}

}  // namespace
}  // namespace zkwire
