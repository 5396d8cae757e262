// Every opcode's request and reply record survives encode -> decode -> encode byte for byte.
#include <gtest/gtest.h>

#include "decoder/opcodes.h"
#include "tests/support/frame_builder.h"

namespace zkwire {
namespace {

using testing::Bytes;
using testing::FrameBuilder;

// Fills every field of a record with a distinct, non-default value, whatever the record is.
class SampleFiller {
 public:
  explicit SampleFiller(FrameBuilder& b) : b_(b) {}
  void operator()(std::string_view, int32_t& v) { v = static_cast<int32_t>(++counter_); }
  void operator()(std::string_view, int64_t& v) { v = (int64_t{1} << 40) + ++counter_; }
  void operator()(std::string_view, bool& v) { v = true; }
  void operator()(std::string_view, OptionalBool& v) { v = {true, true}; }
  void operator()(std::string_view name, JString& v) { v = b_.str("/sample/" + std::string(name)); }
  void operator()(std::string_view, JBuffer& v) { v = b_.buf("payload-bytes"); }
  void operator()(std::string_view, Secret& v) { v = b_.secret("0123456789abcdef"); }
  void operator()(std::string_view, RestOfFrame& v) { v.text = "/raw/path"; }
  void operator()(std::string_view, JList<JString>& v) { v = b_.strings({"a", "bb", "ccc"}); }
  void operator()(std::string_view, JList<ACL>& v) {
    v = b_.acls({b_.open_acl(), b_.acl(1, "digest", "user:hash=")});
  }
  void operator()(std::string_view, JList<ClientInfo>& v) {
    v = b_.client_infos({{b_.str("ip"), b_.str("127.0.0.1")}, {b_.str("digest"), b_.str("user")}});
  }
  void operator()(std::string_view, MultiOps& v) {
    if (v.is_response) {
      v = b_.multi({{1, PathRecord{b_.str("/m1")}, 0}, {-1, ErrorResponse{-101}, -101}}, true);
    } else {
      CreateRequest create{b_.str("/m1"), b_.buf("x"), b_.acls({b_.open_acl()}), 0};
      v = b_.multi({{1, create}, {13, CheckVersionRequest{b_.str("/m1"), 3}}}, false);
    }
  }
  template <JuteRecord T>
  void operator()(std::string_view, T& record) { T::visit(record, *this); }

 private:
  FrameBuilder& b_;
  int counter_ = 0;
};

template <class T>
T sample(FrameBuilder& b) {
  T record;
  SampleFiller filler(b);
  filler("", record);
  return record;
}

Bytes encode(const Body& body) {
  Bytes out;
  ByteWriter w(out);
  encode_body(body, w);
  return out;
}

struct RoundTrip {
  int32_t op;
  std::string_view op_name;
  bool response;
  Body sample;
};

std::vector<RoundTrip> every_opcode_body(FrameBuilder& b) {
  std::vector<RoundTrip> cases;
#define ZKWIRE_SAMPLE_CASES(code, ident, name, req, resp, description) \
  cases.push_back({code, name, false, sample<req>(b)});                \
  cases.push_back({code, name, true, sample<resp>(b)});
  ZKWIRE_OPCODES(ZKWIRE_SAMPLE_CASES)
#undef ZKWIRE_SAMPLE_CASES
  return cases;
}

TEST(BodyRoundTrip, EveryOpcodeRequestAndReplyBodyReencodesIdentically) {
  FrameBuilder b;
  auto cases = every_opcode_body(b);
  ASSERT_EQ(cases.size(), 2 * all_opcodes().size());
  for (const RoundTrip& c : cases) {
    SCOPED_TRACE(std::string(c.op_name) + (c.response ? " reply" : " request"));
    Bytes wire = encode(c.sample);
    Body decoded;
    BodyDecode d = c.response ? decode_response_body(c.op, wire, decoded) : decode_request_body(c.op, wire, decoded);
    ASSERT_TRUE(d.ok);
    EXPECT_EQ(d.consumed, wire.size());
    EXPECT_EQ(decoded.index(), c.sample.index());
    EXPECT_EQ(encode(decoded), wire);
  }
}

TEST(BodyRoundTrip, EveryTruncationOfEveryBodyIsAnErrorNotACrash) {
  FrameBuilder b;
  for (const RoundTrip& c : every_opcode_body(b)) {
    Bytes wire = encode(c.sample);
    for (size_t cut = 0; cut < wire.size(); ++cut) {
      Body decoded;
      std::span<const uint8_t> prefix(wire.data(), cut);
      BodyDecode d = c.response ? decode_response_body(c.op, prefix, decoded)
                                : decode_request_body(c.op, prefix, decoded);
      // A shorter prefix may still be a complete record only when the record ends in an optional field.
      if (d.ok) {
        EXPECT_LE(d.consumed, cut) << c.op_name;
      }
    }
  }
}

TEST(BodyRoundTrip, NullStringsBuffersAndListsStayNull) {
  FrameBuilder b;
  CreateRequest create{{{}, true}, {{}, true}, {-1, {}}, 0};
  Bytes wire = encode(create);
  Body decoded;
  ASSERT_TRUE(decode_request_body(1, wire, decoded).ok);
  const auto& back = std::get<CreateRequest>(decoded);
  EXPECT_TRUE(back.path.null);
  EXPECT_TRUE(back.data.null);
  EXPECT_TRUE(back.acl.null());
}

TEST(BodyRoundTrip, ImpossibleLengthsAreRejected) {
  FrameBuilder b;
  Bytes wire = encode(PathRecord{b.str("/x")});
  wire[3] = 0xfe;  // length -2 is neither null (-1) nor a size
  wire[0] = wire[1] = wire[2] = 0xff;
  Body decoded;
  EXPECT_FALSE(decode_request_body(6, wire, decoded).ok);
}

TEST(BodyRoundTrip, MultiInsideMultiIsRefused) {
  FrameBuilder b;
  MultiOps inner = b.multi({{9, PathRecord{b.str("/a")}}}, false);
  MultiOps outer = b.multi({{14, MultiRequest{inner}}}, false);
  Bytes wire = encode(MultiRequest{outer});
  Body decoded;
  EXPECT_FALSE(decode_request_body(14, wire, decoded).ok);
}

}  // namespace
}  // namespace zkwire
