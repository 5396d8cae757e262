// Numbers as both renderers write them: at a raw cursor (the JSON emitter) or appended to a string (text).
#pragma once
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace zkwire {

// Room the cursor writers below need at most: "-9223372036854775808", and "0x" with a hex writer's sixteen bytes.
constexpr size_t kMaxDecimalChars = 20;
constexpr size_t kMaxIdChars = 20;

// Hand-written rather than std::to_chars: these run some ten times per record, and to_chars is not inlined.

// Digits of v in decimal: the bit width gives the count to within one, a power of ten settles it.
inline int decimal_digits(uint64_t v) {
  static constexpr uint64_t kPowersOfTen[20] = {1,
                                                10,
                                                100,
                                                1'000,
                                                10'000,
                                                100'000,
                                                1'000'000,
                                                10'000'000,
                                                100'000'000,
                                                1'000'000'000,
                                                10'000'000'000,
                                                100'000'000'000,
                                                1'000'000'000'000,
                                                10'000'000'000'000,
                                                100'000'000'000'000,
                                                1'000'000'000'000'000,
                                                10'000'000'000'000'000,
                                                100'000'000'000'000'000,
                                                1'000'000'000'000'000'000,
                                                10'000'000'000'000'000'000u};
  const int guess = (std::bit_width(v | 1) * 1233) >> 12;  // 1233 / 4096 is just above log10(2)
  return guess + ((v | 1) >= kPowersOfTen[guess]);  // v | 1 crosses no power of ten, and gives 0 its one digit
}

// Exactly `digits` decimal digits of v (leading zeros if v is shorter), written two at a time from a table.
inline char* put_digits(char* p, uint64_t v, int digits) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char* const end = p + digits;
  char* q = end;
  for (; q - p >= 2; v /= 100) {
    q -= 2;
    std::memcpy(q, kPairs + 2 * (v % 100), 2);
  }
  if (q > p) *--q = static_cast<char>('0' + v % 10);
  return end;
}

inline char* put_decimal(char* p, int64_t v) {
  auto magnitude = static_cast<uint64_t>(v);
  if (v < 0) {
    *p++ = '-';
    magnitude = 0 - magnitude;  // also right for INT64_MIN, whose magnitude no int64_t holds
  }
  return put_digits(p, magnitude, decimal_digits(magnitude));
}

// Lower-case hex digits without a prefix. Writes sixteen bytes at p whatever the count (the digits, then bytes
// the caller writes over or drops) and returns the end of the digits: no loop, no branch on the value.
inline char* put_hex(char* p, uint64_t v) {
  static_assert(std::endian::native == std::endian::little, "the digits are laid out for a little-endian store");
  const int digits = v == 0 ? 1 : (std::bit_width(v) + 3) / 4;
  v <<= 4 * (16 - digits);  // the first digit into the top nibble
  // Eight nibbles spread into eight bytes, then made ASCII all at once: '0' + n, plus the gap to 'a' above 9.
  auto eight_digits = [](uint32_t nibbles) {
    uint64_t x = nibbles;
    x = (x | (x << 16)) & 0x0000ffff0000ffffull;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ffull;
    x = (x | (x << 4)) & 0x0f0f0f0f0f0f0f0full;  // the lowest nibble is in the lowest byte
    x = __builtin_bswap64(x);  // the highest nibble first in memory (little-endian)
    const uint64_t above_nine = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
    return x + 0x3030303030303030ull + above_nine * ('a' - '0' - 10);
  };
  const uint64_t high = eight_digits(static_cast<uint32_t>(v >> 32));
  const uint64_t low = eight_digits(static_cast<uint32_t>(v));
  std::memcpy(p, &high, 8);
  std::memcpy(p + 8, &low, 8);
  return p + digits;
}

// Session ids and zxids: "0x1f"; a negative value (-1, "none") reads better as itself than as sixteen f's.
inline char* put_id(char* p, int64_t v) {
  if (v < 0) return put_decimal(p, v);
  *p++ = '0';
  *p++ = 'x';
  return put_hex(p, static_cast<uint64_t>(v));
}

// Two hex digits per byte: 2 * bytes.size() of room.
inline char* put_hex_bytes(char* p, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 15];
  }
  return p;
}

inline void append_decimal(std::string& out, int64_t v) {
  char buf[kMaxDecimalChars];
  out.append(buf, static_cast<size_t>(put_decimal(buf, v) - buf));
}

inline void append_id(std::string& out, int64_t v) {
  char buf[kMaxIdChars];
  out.append(buf, static_cast<size_t>(put_id(buf, v) - buf));
}

// Exactly printf's "%.*f": std::to_chars with a precision is specified so, and is several times faster.
constexpr size_t kFixedBufferChars = 400;  // %f of the largest double needs 309 digits before the point
inline size_t format_fixed(char (&buf)[kFixedBufferChars], double v, int decimals) {
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) {
    int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // more decimals than fit: printf truncates
    return std::min(static_cast<size_t>(n), sizeof buf - 1);
  }
  return static_cast<size_t>(end - buf);
}

inline void append_fixed(std::string& out, double v, int decimals) {
  char buf[kFixedBufferChars];
  out.append(buf, format_fixed(buf, v, decimals));
}

inline void append_hex_bytes(std::string& out, std::string_view bytes) {
  const size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  put_hex_bytes(out.data() + at, bytes);
}

}  // namespace zkwire
