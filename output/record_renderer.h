// Walks a Record and its body's jute fields into any emitter: the one description behind JSON and text.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "decoder/record.h"
#include "output/text_buffer.h"

namespace zkwire {

struct RenderOptions {
  bool show_secrets = false;  // passwords, digest auth, SASL tokens, digest ACL ids
  size_t data_prefix = 32;  // znode data bytes shown; SIZE_MAX shows all
  bool color = false;  // ANSI colour in text output (terminals only)
};

// Appends one line for `record` to `out`.
void render_jsonl(const Record& record, const FlowLabels& flow, const RenderOptions& options, std::string& out);
void render_jsonl(const Record& record, const FlowLabels& flow, const RenderOptions& options, TextBuffer& out);
// `relative_ts` is the record's time since the first record of the output, in seconds.
void render_text(const Record& record, const FlowLabels& flow, double relative_ts, const RenderOptions& options,
                 std::string& out);

}  // namespace zkwire
