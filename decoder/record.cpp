// Names and descriptions for the record kind and decode error tables.
#include "decoder/record.h"

namespace zkwire {
namespace {
constexpr std::string_view kKindNames[] = {
#define ZKWIRE_KIND_NAME(id, description) #id,
    ZKWIRE_RECORD_KINDS(ZKWIRE_KIND_NAME)
#undef ZKWIRE_KIND_NAME
};
struct DecodeErrorRow {
  std::string_view name, description;
};
constexpr DecodeErrorRow kDecodeErrors[] = {
#define ZKWIRE_DECODE_ERROR_ROW(id, description) {#id, description},
    ZKWIRE_DECODE_ERRORS(ZKWIRE_DECODE_ERROR_ROW)
#undef ZKWIRE_DECODE_ERROR_ROW
};
}  // namespace

std::string_view record_kind_name(RecordKind kind) { return kKindNames[static_cast<size_t>(kind)]; }
std::string_view decode_error_name(DecodeError e) { return kDecodeErrors[static_cast<size_t>(e)].name; }
std::string_view decode_error_description(DecodeError e) {
  return kDecodeErrors[static_cast<size_t>(e)].description;
}

}  // namespace zkwire
