// Classic pcap files read whole and written back record by record, with no libpcap: the big-capture generator's I/O.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace zkwire::bench {

struct PcapRecord {
  int64_t ts_ns = 0;
  uint32_t wire_length = 0;
  std::vector<uint8_t> bytes;  // the captured part
};

struct PcapFile {
  uint32_t link_type = 0;
  uint32_t snap_length = 0;
  std::vector<PcapRecord> records;
};

// Classic pcap only (either byte order, micro- or nanoseconds); the error says why a file was refused.
bool read_pcap_file(const std::string& path, PcapFile& out, std::string& error);

// Writes microsecond little-endian pcap through a large buffer: generating a gigabyte must not be the slow part.
class PcapWriter {
 public:
  PcapWriter() = default;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter();

  bool open(const std::string& path, uint32_t link_type, uint32_t snap_length, std::string& error);
  void write(int64_t ts_ns, uint32_t wire_length, const uint8_t* bytes, uint32_t length);
  // Flushes and closes; false when any write failed.
  bool close();
  uint64_t bytes_written() const { return written_; }

 private:
  void put(const void* data, size_t length);
  void drain();

  std::FILE* file_ = nullptr;
  std::vector<uint8_t> buffer_;
  uint64_t written_ = 0;
  bool failed_ = false;
};

}  // namespace zkwire::bench
