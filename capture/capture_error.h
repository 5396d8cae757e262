// Errors of the capture layer, carried as values: what went wrong and a sentence saying so.
#pragma once
#include <string>

namespace zkwire::capture {

enum class CaptureErrorKind {
  none,
  cannot_open,            // the file or interface could not be opened at all
  not_a_capture,          // the file opened but libpcap does not recognise its format
  unsupported_link_type,  // a capture we cannot take apart below IP
  truncated,              // the file ends in the middle of a packet; what came before is valid
  read_failed,            // any other libpcap read error
  live_setup_failed,      // activating an interface or compiling its filter failed
};

struct CaptureError {
  CaptureErrorKind kind = CaptureErrorKind::none;
  std::string message;

  bool failed() const { return kind != CaptureErrorKind::none; }
};

}  // namespace zkwire::capture
