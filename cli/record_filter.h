// The analyze filters (--session, --op, --path, --errors-only, --anomalies-only) as one pass-through stage.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "decoder/record.h"

namespace zkwire {

struct FilterOptions {
  std::optional<int64_t> session;
  std::optional<int32_t> op;
  std::optional<std::string> path_prefix;
  bool errors_only = false;
  bool anomalies_only = false;
  bool active() const { return session || op || path_prefix || errors_only || anomalies_only; }
};

class RecordFilter : public RecordConsumer {
 public:
  RecordFilter(const FilterOptions& options, RecordConsumer& next) : options_(options), next_(next) {}
  void consume(uint64_t connection, const Record& record, const FlowLabels& flow) override;
  static bool is_trouble(const Record& record);

 private:
  FilterOptions options_;
  RecordConsumer& next_;
};

}  // namespace zkwire
