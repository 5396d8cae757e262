// libFuzzer target: any bytes as the request or reply body of any op, decoded, re-encoded and rendered.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "decoder/body.h"
#include "decoder/opcodes.h"
#include "decoder/record.h"
#include "fuzz/json_check.h"
#include "output/record_renderer.h"

namespace zkwire::fuzz {
namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

std::string render(int32_t op, bool response, const Body& body) {
  Record r;
  r.kind = response ? RecordKind::reply : RecordKind::request;
  r.dir = response ? Direction::server_to_client : Direction::client_to_server;
  r.op = op;
  r.has_header = true;
  r.has_body = true;
  r.body = body;
  RenderOptions options;
  options.show_secrets = true;
  options.data_prefix = SIZE_MAX;  // everything shown, so two renderings differ if the bodies do
  std::string out;
  render_jsonl(r, {"c", "s"}, options, out);
  std::string text;
  render_text(r, {"c", "s"}, 0, options, text);
  if (text.empty() || text.find('\n') != text.size() - 1) fail("text rendering is not one line", text);
  return out;
}

BodyDecode decode(int32_t op, bool response, std::span<const uint8_t> bytes, Body& out) {
  return response ? decode_response_body(op, bytes, out) : decode_request_body(op, bytes, out);
}

}  // namespace
}  // namespace zkwire::fuzz

// Byte 0 picks the op from the table (or, past its end, a raw opcode from bytes 1-4); byte 1's low bit
// says reply; the rest is the body.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zkwire;
  using namespace zkwire::fuzz;
  if (size < 2) return 0;
  auto ops = all_opcodes();
  int32_t op;
  std::span<const uint8_t> in(data, size);
  if (in[0] < ops.size()) {
    op = ops[in[0]].code;
    in = in.subspan(1);
  } else {
    if (size < 5) return 0;
    op = peek_i32(in.data() + 1);
    in = in.subspan(5);
  }
  if (in.empty()) return 0;
  bool response = in[0] & 1;
  in = in.subspan(1);

  Body body;
  BodyDecode d = decode(op, response, in, body);
  if (d.consumed > in.size()) fail("consumed more than the body", std::to_string(d.consumed));
  if (!d.ok) return 0;
  if (!find_opcode(op)) fail("an unknown op decoded", std::to_string(op));

  std::string first = render(op, response, body);
  if (first.find('\n') != first.size() - 1 || !JsonCheck::valid(std::string_view(first).substr(0, first.size() - 1)))
    fail("JSON rendering is not one valid line", first);

  // Encoding what was decoded and decoding it again must describe the same record.
  std::vector<uint8_t> encoded;
  ByteWriter w(encoded);
  encode_body(body, w);
  Body again;
  BodyDecode d2 = decode(op, response, encoded, again);
  if (!d2.ok || d2.consumed != encoded.size()) fail("re-encoded body does not decode whole", first);
  std::string second = render(op, response, again);
  if (second != first) fail("re-encoded body renders differently", first + second);
  return 0;
}
