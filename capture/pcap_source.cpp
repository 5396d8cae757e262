// Opening captures with libpcap and turning its return codes into packets or error values.
#include "capture/pcap_source.h"

#include <poll.h>

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace zkwire::capture {
namespace {

constexpr int live_snaplen = 262144;
constexpr int live_buffer_bytes = 16 * 1024 * 1024;
// Short enough that a live reader notices a stop request promptly.
constexpr int live_read_timeout_ms = 200;

std::string unsupported_link_message(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  return "unsupported link type '" + std::string(name ? name : "unknown") + "' (DLT " +
         std::to_string(dlt) + ")";
}

}  // namespace

PcapSource::PcapSource(pcap* handle, int dlt, LinkLayer link, bool live)
    : handle_(handle),
      dlt_(dlt),
      link_(link),
      live_(live),
      // Mapped files (no handle yet) give nanoseconds, and libpcap does too when it takes one over.
      ns_per_fraction_(handle == nullptr || pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO
                           ? 1
                           : 1000) {}

PcapSource::~PcapSource() {
  if (handle_ != nullptr) {
    pcap_close(handle_);  // closes the file too
  } else if (mapped_file_ != nullptr) {
    std::fclose(mapped_file_);
  }
}

OpenedSource PcapSource::adopt(pcap* handle, const std::string& name, bool live) {
  const int dlt = pcap_datalink(handle);
  const auto link = link_layer_for_dlt(dlt);
  if (!link) {
    pcap_close(handle);
    return {nullptr,
            {CaptureErrorKind::unsupported_link_type, name + ": " + unsupported_link_message(dlt)}};
  }
  return {std::unique_ptr<PcapSource>(new PcapSource(handle, dlt, *link, live)), {}};
}

OpenedSource PcapSource::open_file(const std::string& path) {
  // Opening the file ourselves keeps "does not exist" apart from "is not a capture".
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return {nullptr,
            {CaptureErrorKind::cannot_open, "cannot open " + path + ": " + std::strerror(errno)}};
  }
  if (auto mapped = MappedPcap::map(fileno(file))) {
    const int dlt = mapped->dlt();
    const auto link = link_layer_for_dlt(dlt);
    if (link) {
      std::unique_ptr<PcapSource> source(new PcapSource(nullptr, dlt, *link, false));
      source->mapped_ = std::move(mapped);
      source->mapped_file_ = file;
      return {std::move(source), {}};
    }
    // An unsupported link type: libpcap's path below says so in its usual words.
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap* handle = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) {
    std::fclose(file);  // libpcap only takes ownership of the file on success
    return {nullptr,
            {CaptureErrorKind::not_a_capture,
             path + " is not a pcap or pcapng capture (" + std::string(errbuf) + ")"}};
  }
  return adopt(handle, path, false);
}

OpenedSource PcapSource::open_live(const std::string& interface, const std::string& bpf_filter) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap* handle = pcap_create(interface.c_str(), errbuf);
  if (handle == nullptr) {
    return {nullptr, {CaptureErrorKind::cannot_open,
                      "cannot open interface " + interface + ": " + std::string(errbuf)}};
  }
  pcap_set_snaplen(handle, live_snaplen);
  pcap_set_immediate_mode(handle, 1);
  pcap_set_buffer_size(handle, live_buffer_bytes);
  pcap_set_timeout(handle, live_read_timeout_ms);
  // Not every interface offers nanoseconds; the precision is read back after activation.
  pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO);

  auto fail = [&](CaptureErrorKind kind, const std::string& what) {
    std::string message = what + " on " + interface + ": " + pcap_geterr(handle);
    pcap_close(handle);
    return OpenedSource{nullptr, {kind, std::move(message)}};
  };
  if (pcap_activate(handle) < 0) return fail(CaptureErrorKind::cannot_open, "cannot capture");
  if (pcap_setnonblock(handle, 1, errbuf) != 0) return fail(CaptureErrorKind::live_setup_failed, "cannot go non-blocking");
  if (!bpf_filter.empty()) {
    bpf_program program{};
    if (pcap_compile(handle, &program, bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return fail(CaptureErrorKind::live_setup_failed, "bad filter '" + bpf_filter + "'");
    }
    const int set = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (set != 0) return fail(CaptureErrorKind::live_setup_failed, "cannot set filter");
  }
  return adopt(handle, interface, true);
}

bool PcapSource::continue_with_libpcap(CaptureError& error) {
  const auto offset = static_cast<long>(mapped_->offset());
  mapped_.reset();
  std::FILE* file = mapped_file_;
  mapped_file_ = nullptr;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // libpcap reads the file header from the start, then records from wherever the file stands.
  pcap* handle = std::fseek(file, 0, SEEK_SET) == 0
                     ? pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf)
                     : nullptr;
  if (handle == nullptr || std::fseek(file, offset, SEEK_SET) != 0) {
    if (handle != nullptr) {
      pcap_close(handle);
    } else {
      std::fclose(file);
    }
    error = {CaptureErrorKind::read_failed, "capture could not be read on after " + std::to_string(packets_read_) +
                                                " packets (" + std::string(errbuf) + ")"};
    return false;
  }
  handle_ = handle;
  return true;
}

NextOutcome PcapSource::next_slowly(RawPacket& out, CaptureError& error) {
  if (mapped_) {
    // The mapped reader stopped (next() tried it first): at the end, or at a record it leaves to libpcap.
    if (mapped_->at_end()) return NextOutcome::end;
    if (!continue_with_libpcap(error)) return NextOutcome::error;
  }
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int got = pcap_next_ex(handle_, &header, &data);
  if (got == 0 && live_) {
    // Non-blocking live capture: wait here, bounded, so a stop request is seen within the timeout even
    // when no packet ever comes (a blocking read may sleep through a signal).
    pollfd ready{pcap_get_selectable_fd(handle_), POLLIN, 0};
    poll(&ready, 1, live_read_timeout_ms);
  }
  switch (got) {
    case 1:
      ++packets_read_;
      out.ts.ns = static_cast<int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                  static_cast<int64_t>(header->ts.tv_usec) * ns_per_fraction_;
      out.bytes = {data, header->caplen};
      out.wire_length = header->len;
      return NextOutcome::packet;
    case 0:
      return NextOutcome::timeout;
    case PCAP_ERROR_BREAK:
      return NextOutcome::end;
    default:
      if (live_) {
        error = {CaptureErrorKind::read_failed, std::string("capture failed: ") + pcap_geterr(handle_)};
      } else {
        // Offline, libpcap only fails mid-file when a record runs past the end of the file.
        error = {CaptureErrorKind::truncated, "capture truncated after " +
                                                  std::to_string(packets_read_) + " packets (" +
                                                  pcap_geterr(handle_) + ")"};
      }
      return NextOutcome::error;
  }
}

}  // namespace zkwire::capture
