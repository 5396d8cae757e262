// Rendering rules: which fields print as hex, how data and secrets show, where each record's fields go.
#include "output/record_renderer.h"

#include <algorithm>

#include "decoder/error_codes.h"
#include "decoder/opcodes.h"
#include "decoder/watch_events.h"
#include "output/json_emitter.h"
#include "output/utf8.h"
#include "output/text_emitter.h"

namespace zkwire {
namespace {

// zxids and session ids are read in hex by every ZooKeeper log and tool.
bool is_hex_field(std::string_view name) {
  return name == "lastZxidSeen" || name == "sessionId" || name == "czxid" || name == "mzxid" ||
         name == "pzxid" || name == "ephemeralOwner" || name == "relativeZxid" || name == "curConfigId";
}

// Printable UTF-8 (tabs and newlines allowed) renders as text; anything else as hex.
bool is_printable_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) return false;
    size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Cuts at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  return s.substr(0, end);
}

template <class E>
class FieldRenderer {
 public:
  FieldRenderer(E& e, const RenderOptions& options) : e_(e), options_(options) {}

  void operator()(std::string_view name, int32_t v) {
    e_.key(name);
    e_.value_int(v);
  }
  void operator()(std::string_view name, int64_t v) {
    e_.key(name);
    if (is_hex_field(name) && v >= 0)
      e_.value_hex(v);
    else
      e_.value_int(v);
  }
  void operator()(std::string_view name, bool v) {
    e_.key(name);
    e_.value_bool(v);
  }
  void operator()(std::string_view name, const OptionalBool& v) {
    if (v.present) (*this)(name, v.value);
  }
  void operator()(std::string_view name, const JString& v) {
    e_.key(name);
    string_value(v);
  }
  void operator()(std::string_view name, const RestOfFrame& v) {
    e_.key(name);
    e_.value_string(v.text);
  }
  void operator()(std::string_view name, const JBuffer& v) {
    e_.key(name);
    buffer_value(v);
  }
  void operator()(std::string_view name, const Secret& v) {
    e_.key(name);
    if (options_.show_secrets) return buffer_value(v.value);
    if (v.value.null) return e_.value_null();
    e_.begin_object();
    e_.key("len");
    e_.value_int(static_cast<int64_t>(v.value.bytes.size()));
    e_.key("redacted");
    e_.value_bool(true);
    e_.end_object();
  }
  void operator()(std::string_view name, const ACL& acl) {
    e_.key(name);
    acl_value(acl);
  }
  template <JuteRecord T>
  void operator()(std::string_view name, const T& record) {
    e_.key(name);
    e_.begin_object();
    T::visit(record, *this);
    e_.end_object();
  }
  template <class T>
  void operator()(std::string_view name, const JList<T>& list) {
    e_.key(name);
    if (list.null()) return e_.value_null();
    e_.begin_array();
    list.for_each([this](const T& element) { element_value(element); });
    e_.end_array();
  }
  void operator()(std::string_view name, const MultiOps& ops) {
    e_.key(name);
    e_.begin_array();
    for_each_multi_entry(ops, [&](const MultiEntry& entry) {
      e_.begin_object();
      e_.key("op");
      op_value(entry.header.type);
      if (ops.is_response && entry.header.type == -1) {
        e_.key("err");
        e_.value_int(entry.header.err);
        err_name_value(entry.header.err);
      } else {
        // this-> spelled out: clang misses an unqualified member call in a generic lambda as a use of `this`.
        std::visit([this](const auto& record) { this->fields(record); }, entry.body);
      }
      e_.end_object();
    });
    e_.end_array();
  }

  // The fields of a body, spread into the enclosing object.
  template <class T>
  void fields(const T& record) {
    T::visit(record, *this);
    if constexpr (std::is_same_v<T, WatcherEvent>) {
      e_.key("type_name");
      named_value(watch_event_type_name(record.type));
      e_.key("state_name");
      named_value(keeper_state_name(record.state));
    }
  }

  void op_value(int32_t op) {
    std::string_view name = opcode_name(op);
    if (name.empty())
      e_.value_int(op);
    else
      e_.value_name(name);
  }
  void err_name_value(int32_t err) {
    e_.key("err_name");
    named_value(error_name(err));
  }

 private:
  void named_value(std::string_view name) {
    if (name.empty())
      e_.value_null();
    else
      e_.value_name(name);
  }
  void string_value(const JString& v) {
    if (v.null) return e_.value_null();
    e_.value_string(v.text);
  }
  void element_value(const JString& v) { string_value(v); }
  void element_value(const ACL& acl) { acl_value(acl); }
  template <JuteRecord T>
  void element_value(const T& record) {
    e_.begin_object();
    T::visit(record, *this);
    e_.end_object();
  }
  // A digest ACL id is user:base64(sha1(user:password)): an offline-crackable hash, so the hash is hidden.
  void acl_value(const ACL& acl) {
    e_.begin_object();
    e_.key("perms");
    e_.value_int(acl.perms);
    e_.key("scheme");
    string_value(acl.id.scheme);
    e_.key("id");
    if (!options_.show_secrets && acl.id.scheme.text == "digest" && !acl.id.id.null) {
      std::string_view id = acl.id.id.text;
      std::string redacted(id.substr(0, id.find(':')));
      redacted += ":<redacted>";
      e_.value_string(redacted);
    } else {
      string_value(acl.id.id);
    }
    e_.end_object();
  }
  void buffer_value(const JBuffer& v) {
    if (v.null) return e_.value_null();
    std::string_view all = v.as_text();
    e_.begin_object();
    e_.key("len");
    e_.value_int(static_cast<int64_t>(all.size()));
    if (is_printable_utf8(all)) {
      std::string_view shown = utf8_prefix(all, options_.data_prefix);
      e_.key("text");
      e_.value_string(shown);
      if (shown.size() < all.size()) truncated();
    } else {
      std::string_view shown = all.substr(0, std::min(all.size(), options_.data_prefix));
      e_.key("hex");
      e_.value_hex_bytes(shown);
      if (shown.size() < all.size()) truncated();
    }
    e_.end_object();
  }
  void truncated() {
    e_.key("truncated");
    e_.value_bool(true);
  }

  E& e_;
  const RenderOptions& options_;
};

// Everything after the common header fields: the body, then what only some kinds carry.
template <class E>
void render_details(E& e, FieldRenderer<E>& f, const Record& r) {
  if (r.has_body) std::visit([&f](const auto& record) { f.fields(record); }, r.body);
  switch (r.kind) {
    case RecordKind::four_letter:
    case RecordKind::four_letter_reply:
      e.key("text");
      e.value_string(r.text);
      if (r.text_truncated) {
        e.key("truncated");
        e.value_bool(true);
      }
      break;
    case RecordKind::decode_error:
      e.key("error");
      e.value_name(decode_error_name(r.error));
      e.key("error_offset");
      e.value_int(static_cast<int64_t>(r.error_offset));
      e.key("error_value");
      e.value_int(r.error_value);
      break;
    case RecordKind::capture_gap:
      e.key("missing_bytes");
      e.value_int(static_cast<int64_t>(r.byte_count));
      break;
    case RecordKind::stream_resync:
      e.key("skipped_bytes");
      e.value_int(static_cast<int64_t>(r.byte_count));
      break;
    case RecordKind::connection_close:
      e.key("pending");
      e.value_int(r.pending);
      break;
    case RecordKind::anomaly:
      e.key("anomaly");
      e.value_string(r.anomaly);
      e.key("severity");
      e.value_string(r.severity);
      break;
    default:
      break;
  }
  if (!r.detail.empty()) {
    e.key("detail");
    e.value_string(r.detail);
  }
  if (r.unmatched) {
    e.key("unmatched");
    e.value_bool(true);
  }
  if (r.out_of_order) {
    e.key("out_of_order");
    e.value_bool(true);
  }
  if (r.trailing_bytes) {
    e.key("trailing_bytes");
    e.value_int(r.trailing_bytes);
  }
}

bool is_frame(RecordKind kind) {
  return kind == RecordKind::connect_request || kind == RecordKind::connect_response ||
         kind == RecordKind::request || kind == RecordKind::reply || kind == RecordKind::event ||
         kind == RecordKind::decode_error;
}

template <class Out>
void render_json_line(const Record& r, const FlowLabels& flow, const RenderOptions& options, Out out) {
  BasicJsonEmitter<Out> e(out);
  FieldRenderer<BasicJsonEmitter<Out>> f(e, options);
  e.begin_record();
  e.key("ts");
  e.value_seconds(r.ts.ns);
  e.key("client");
  e.value_string(flow.client);
  e.key("server");
  e.value_string(flow.server);
  e.key("dir");
  e.value_name(direction_name(r.dir));
  e.key("kind");
  e.value_name(record_kind_name(r.kind));
  if (r.op != kNoOp) {
    e.key("op");
    f.op_value(r.op);
  }
  if (r.has_header) {
    e.key("xid");
    e.value_int(r.xid);
    bool server_side = r.dir == Direction::server_to_client;
    if (server_side) {
      e.key("zxid");
      e.value_hex(r.zxid);
      e.key("err");
      e.value_int(r.err);
      f.err_name_value(r.err);
    }
  }
  if (r.session != 0) {
    e.key("session");
    e.value_hex(r.session);
  }
  if (r.latency_us >= 0) {
    e.key("latency_us");
    e.value_int(r.latency_us);
  }
  if (is_frame(r.kind)) {
    e.key("offset");
    e.value_int(static_cast<int64_t>(r.offset));
    e.key("len");
    e.value_int(r.length);
  } else if (r.kind == RecordKind::stream_resync) {
    e.key("offset");  // the boundary found: where decoding starts again (docs/output.md)
    e.value_int(static_cast<int64_t>(r.offset));
  }
  render_details(e, f, r);
  e.end_record();
}

}  // namespace

void render_jsonl(const Record& record, const FlowLabels& flow, const RenderOptions& options, std::string& out) {
  render_json_line<StringOutput>(record, flow, options, out);
}

void render_jsonl(const Record& record, const FlowLabels& flow, const RenderOptions& options, TextBuffer& out) {
  render_json_line<TextBuffer&>(record, flow, options, out);
}

void render_text(const Record& r, const FlowLabels& flow, double relative_ts, const RenderOptions& options,
                 std::string& out) {
  TextEmitter e(out);
  FieldRenderer<TextEmitter> f(e, options);
  e.begin_record();
  e.value_double(relative_ts, 6);
  bool c2s = r.dir == Direction::client_to_server;
  e.word(c2s ? flow.client : flow.server);
  e.word("→");
  e.word(c2s ? flow.server : flow.client);
  bool failed = r.kind == RecordKind::decode_error || r.kind == RecordKind::capture_gap ||
                (r.has_header && r.err != 0 && !c2s);
  if (options.color) out += failed ? "\x1b[31m" : c2s ? "\x1b[36m" : "\x1b[32m";
  e.word(record_kind_name(r.kind));
  if (options.color) out += "\x1b[0m";
  if (r.op != kNoOp) {
    std::string_view name = opcode_name(r.op);
    if (name.empty()) {
      e.key("op");
      e.value_int(r.op);
    } else {
      e.word(name);
    }
  }
  if (r.has_header) {
    e.key("xid");
    e.value_int(r.xid);
    if (!c2s) {
      e.key("zxid");
      e.value_hex(r.zxid);
      if (r.err != 0) {
        std::string_view name = error_name(r.err);
        e.key("err");
        if (name.empty())
          e.value_int(r.err);
        else
          e.word(name);
      }
    }
  }
  if (r.session != 0) {
    e.key("session");
    e.value_hex(r.session);
  }
  if (r.latency_us >= 0) {
    e.key("latency_us");
    e.value_int(r.latency_us);
  }
  render_details(e, f, r);
  e.end_record();
}

}  // namespace zkwire
