// The anomaly table's rows and lookups.
#include "inspector/anomalies.h"

namespace zkwire {
namespace {
constexpr AnomalyInfo kAnomalies[] = {
#define ZKWIRE_ANOMALY_ROW(id, severity, description) {Anomaly::id, #id, Severity::severity, description},
    ZKWIRE_ANOMALIES(ZKWIRE_ANOMALY_ROW)
#undef ZKWIRE_ANOMALY_ROW
};
}  // namespace

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "";
}

std::span<const AnomalyInfo> all_anomalies() { return kAnomalies; }
const AnomalyInfo& anomaly_info(Anomaly a) { return kAnomalies[static_cast<size_t>(a)]; }

}  // namespace zkwire
