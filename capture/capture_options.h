// The knobs of capture reading and reassembly, with the defaults the analyser uses.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "capture/orientation.h"

namespace zkwire::capture {

struct CaptureOptions {
  // A flow with exactly one end on one of these ports has its server side settled.
  std::vector<uint16_t> server_ports{2181};
  // Asked when neither ports nor a handshake tell the roles; may be empty.
  PayloadClassifier classifier;
  // Out-of-order data held per direction before the hole in front of it is declared lost.
  size_t max_held_bytes_per_direction = 1 << 20;
  // Bytes per direction kept for the classifier before falling back to a guess.
  size_t orientation_buffer_bytes = 64 << 10;
  // Capture time without a packet after which a flow is closed as evicted.
  int64_t idle_timeout_ns = 10LL * 60 * 1'000'000'000;
  // Open flows tracked at once; the least recently active is evicted beyond it.
  size_t max_flows = 100'000;
  // Capture time a closed flow's ports are remembered, so its stray late packets (the last ACK, a
  // retransmitted FIN) open no phantom flow: Linux's TIME_WAIT. Only the key is kept, not the flow.
  int64_t closed_linger_ns = 60LL * 1'000'000'000;
  // Called now and then while a file is read, with about how many bytes of it have been read so far.
  std::function<void(uint64_t file_bytes_read)> progress;
};

}  // namespace zkwire::capture
