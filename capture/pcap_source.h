// Packets out of a pcap/pcapng file or a live interface, through libpcap.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "capture/capture_error.h"
#include "capture/mapped_pcap.h"
#include "capture/packet_parser.h"
#include "decoder/basics.h"

struct pcap;  // libpcap's handle, kept out of this header

namespace zkwire::capture {

struct RawPacket {
  Timestamp ts;
  std::span<const uint8_t> bytes;  // valid until the next call to PcapSource::next
  uint32_t wire_length = 0;        // the original length; more than bytes.size() when cut
};

enum class NextOutcome { packet, timeout, end, error };

class PcapSource;

struct OpenedSource {
  std::unique_ptr<PcapSource> source;  // null exactly when error.failed()
  CaptureError error;
};

class PcapSource {
 public:
  static OpenedSource open_file(const std::string& path);
  // Snap length 262144, immediate mode, 16 MB kernel buffer; `bpf_filter` may be empty.
  static OpenedSource open_live(const std::string& interface, const std::string& bpf_filter);

  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;
  ~PcapSource();

  int dlt() const { return dlt_; }
  LinkLayer link_layer() const { return link_; }
  uint64_t packets_read() const { return packets_read_; }

  // `timeout` only happens on a live interface, so a caller can check whether to stop.
  NextOutcome next(RawPacket& out, CaptureError& error) {
    // A mapped file's records come inline: the libpcap path out of line would make every packet pay its frame.
    if (mapped_ && mapped_->next(out.ts, out.bytes, out.wire_length)) {
      ++packets_read_;
      return NextOutcome::packet;
    }
    return next_slowly(out, error);
  }

 private:
  NextOutcome next_slowly(RawPacket& out, CaptureError& error);
  PcapSource(pcap* handle, int dlt, LinkLayer link, bool live);
  static OpenedSource adopt(pcap* handle, const std::string& name, bool live);
  // Hands the rest of a mapped file to libpcap, from the record the mapped reader left alone.
  bool continue_with_libpcap(CaptureError& error);

  pcap* handle_;  // null while a mapped file is being read
  // Classic pcap files are read from memory: most of the cost of reading through libpcap is copying.
  std::unique_ptr<MappedPcap> mapped_;
  std::FILE* mapped_file_ = nullptr;  // kept open for libpcap to take over
  int dlt_;
  LinkLayer link_;
  bool live_;
  int64_t ns_per_fraction_;  // 1 when libpcap gives nanoseconds, 1000 for microseconds
  uint64_t packets_read_ = 0;
};

}  // namespace zkwire::capture
