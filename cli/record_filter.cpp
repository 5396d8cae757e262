// Which records each filter keeps.
#include "cli/record_filter.h"

#include "decoder/body_paths.h"

namespace zkwire {

bool RecordFilter::is_trouble(const Record& r) {
  switch (r.kind) {
    case RecordKind::decode_error:
    case RecordKind::capture_gap:
    case RecordKind::stream_resync:
    case RecordKind::anomaly:
      return true;
    case RecordKind::reply:
    case RecordKind::connect_response:
      return r.has_header && r.err != 0;
    default:
      return false;
  }
}

void RecordFilter::consume(uint64_t connection, const Record& r, const FlowLabels& flow) {
  if (options_.anomalies_only && r.kind != RecordKind::anomaly) return;
  if (options_.errors_only && !is_trouble(r)) return;
  if (options_.session && r.session != *options_.session) return;
  if (options_.op && r.op != *options_.op) return;
  if (options_.path_prefix) {
    if (!r.has_body) return;
    bool match = false;
    for_each_path(r.body, [&](std::string_view path) { match = match || path.starts_with(*options_.path_prefix); });
    if (!match) return;
  }
  next_.consume(connection, r, flow);
}

}  // namespace zkwire
