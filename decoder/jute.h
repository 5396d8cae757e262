// Jute's wire types as zero-copy views, and the generic field reader and writer every record shares.
#pragma once
#include <concepts>
#include <cstdint>
#include <span>
#include <string_view>

#include "decoder/byte_reader.h"
#include "decoder/byte_writer.h"

namespace zkwire {

// ustring: length-prefixed UTF-8; length -1 is null, which Java distinguishes from "".
struct JString {
  std::string_view text;
  bool null = false;
};

// buffer: length-prefixed bytes; length -1 is null.
struct JBuffer {
  std::span<const uint8_t> bytes;
  bool null = false;
  std::string_view as_text() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
};

// A buffer that is a credential (session password, digest auth, SASL token): renderers redact it.
struct Secret {
  JBuffer value;
};

// A trailing boolean that older peers omit (ConnectRequest/ConnectResponse readOnly).
struct OptionalBool {
  bool present = false;
  bool value = false;
};

// Everything up to the end of the frame, without a length prefix (deleteContainer's raw path).
struct RestOfFrame {
  std::string_view text;
};

// Record types describe their fields once: `template <class Self, class V> static void visit(Self&, V&&)`.
template <class T>
concept JuteRecord = requires { T::kJuteName; };

// vector<T>: the count and the encoded elements, validated once and decoded again on iteration.
template <class T>
struct JList {
  int32_t count = 0;  // -1 is null
  std::span<const uint8_t> encoded;
  bool null() const { return count < 0; }
  template <class F>
  void for_each(F&& f) const;
};

// ---- reading -------------------------------------------------------------------------------------

inline void read_field(ByteReader& r, int32_t& v) { v = r.i32(); }
inline void read_field(ByteReader& r, int64_t& v) { v = r.i64(); }
inline void read_field(ByteReader& r, bool& v) { v = r.u8() != 0; }
inline void read_field(ByteReader& r, OptionalBool& v) {
  v.present = r.remaining() > 0;
  if (v.present) v.value = r.u8() != 0;
}

inline std::span<const uint8_t> read_length_prefixed(ByteReader& r, bool& null) {
  int32_t len = r.i32();
  null = len == -1;
  if (len < -1) {
    r.fail();
    return {};
  }
  return null ? std::span<const uint8_t>{} : r.take(static_cast<size_t>(len));
}
inline void read_field(ByteReader& r, JBuffer& v) { v.bytes = read_length_prefixed(r, v.null); }
inline void read_field(ByteReader& r, Secret& v) { read_field(r, v.value); }
inline void read_field(ByteReader& r, JString& v) {
  auto bytes = read_length_prefixed(r, v.null);
  v.text = {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
inline void read_field(ByteReader& r, RestOfFrame& v) {
  auto bytes = r.take(r.remaining());
  v.text = {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

template <JuteRecord T>
void read_field(ByteReader& r, T& record) {
  T::visit(record, [&r](std::string_view, auto& field) { read_field(r, field); });
}

template <class T>
void read_field(ByteReader& r, JList<T>& list) {
  list.count = r.i32();
  if (list.count < -1) return r.fail();
  size_t start = r.position();
  T element;
  for (int32_t i = 0; i < list.count && r.ok(); ++i) read_field(r, element);
  list.encoded = r.ok() ? r.whole().subspan(start, r.position() - start) : std::span<const uint8_t>{};
}

template <class T>
template <class F>
void JList<T>::for_each(F&& f) const {
  ByteReader r(encoded);
  T element;
  for (int32_t i = 0; i < count && r.ok(); ++i) {
    read_field(r, element);
    if (r.ok()) f(element);
  }
}

// Decodes a whole record from `bytes`; false when the bytes are short or a length is impossible.
template <class T>
bool decode_record(std::span<const uint8_t> bytes, T& out, size_t* consumed = nullptr) {
  ByteReader r(bytes);
  read_field(r, out);
  if (consumed) *consumed = r.position();
  return r.ok();
}

// ---- writing -------------------------------------------------------------------------------------

inline void write_field(ByteWriter& w, int32_t v) { w.i32(v); }
inline void write_field(ByteWriter& w, int64_t v) { w.i64(v); }
inline void write_field(ByteWriter& w, bool v) { w.u8(v ? 1 : 0); }
inline void write_field(ByteWriter& w, const OptionalBool& v) {
  if (v.present) w.u8(v.value ? 1 : 0);
}
inline void write_field(ByteWriter& w, const JBuffer& v) {
  if (v.null) return w.i32(-1);
  w.i32(static_cast<int32_t>(v.bytes.size()));
  w.bytes(v.bytes);
}
inline void write_field(ByteWriter& w, const Secret& v) { write_field(w, v.value); }
inline void write_field(ByteWriter& w, const JString& v) {
  if (v.null) return w.i32(-1);
  w.i32(static_cast<int32_t>(v.text.size()));
  w.bytes(v.text);
}
inline void write_field(ByteWriter& w, const RestOfFrame& v) { w.bytes(v.text); }
template <JuteRecord T>
void write_field(ByteWriter& w, const T& record) {
  T::visit(record, [&w](std::string_view, const auto& field) { write_field(w, field); });
}
template <class T>
void write_field(ByteWriter& w, const JList<T>& list) {
  w.i32(list.count);
  w.bytes(list.encoded);
}

}  // namespace zkwire
