// Runs a built capture through CaptureReader and keeps what the sink saw, for flow-level tests.
#pragma once
#include <string>

#include "capture/capture_reader.h"
#include "tests/capture/pcap_builder.h"
#include "tests/capture/recording_sink.h"

namespace zkwire::capture::testing {

struct CaptureRun {
  RecordingSink sink;
  CaptureResult result;
};

inline CaptureRun run_capture(const PcapBuilder& builder, CaptureOptions options = {}) {
  CaptureRun run;
  TempFile file(builder.pcap());
  run.result = CaptureReader(std::move(options)).run_file(file.path(), run.sink);
  return run;
}

// The usual cast of a test: a client at 10.0.0.1:40000 talking to a server at 10.0.0.2:2181.
inline Tcp from_client(uint32_t seq, std::string payload = {},
                       uint8_t flags = flag::ack | flag::psh, uint32_t ack = 0) {
  return Tcp{"10.0.0.1", 40000, "10.0.0.2", 2181, seq, ack, flags, std::move(payload)};
}
inline Tcp from_server(uint32_t seq, std::string payload = {},
                       uint8_t flags = flag::ack | flag::psh, uint32_t ack = 0) {
  return Tcp{"10.0.0.2", 2181, "10.0.0.1", 40000, seq, ack, flags, std::move(payload)};
}

// A handshake with client ISN 1000 and server ISN 5000: the first payload bytes are 1001 / 5001.
inline void add_handshake(PcapBuilder& builder) {
  builder.add(from_client(1000, {}, flag::syn));
  builder.add(from_server(5000, {}, flag::syn | flag::ack, 1001));
  builder.add(from_client(1001, {}, flag::ack, 5001));
}

}  // namespace zkwire::capture::testing
