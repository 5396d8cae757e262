// Recognising the classic pcap files the mapped reader handles, and mapping them.
#include "capture/mapped_pcap.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/dlt.h>

namespace zkwire::capture {
namespace {

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
// libpcap's own largest snap length for the link types below: a larger header value makes it adjust things.
constexpr uint32_t kMaxSnapLength = 262144;

// Link types whose DLT number libpcap reports unchanged, plus LINKTYPE_RAW, which it renumbers.
int dlt_of(uint32_t linktype) {
  switch (linktype) {
    case DLT_NULL:
    case DLT_EN10MB:
    case DLT_LOOP:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_IPV4:
    case DLT_IPV6: return static_cast<int>(linktype);
    case 101: return DLT_RAW;  // LINKTYPE_RAW
    default: return -1;
  }
}

}  // namespace

std::unique_ptr<MappedPcap> MappedPcap::map(int fd) {
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < 24) return nullptr;
  const auto size = static_cast<size_t>(info.st_size);
  void* mapped = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapped == MAP_FAILED) return nullptr;
  // Records are read once, front to back.
  madvise(mapped, size, MADV_SEQUENTIAL);
  std::unique_ptr<MappedPcap> file(new MappedPcap(static_cast<const uint8_t*>(mapped), size));

  uint32_t magic;
  __builtin_memcpy(&magic, file->data_, 4);
  if (magic == __builtin_bswap32(kMagicMicro) || magic == __builtin_bswap32(kMagicNano)) {
    file->swapped_ = true;
    magic = __builtin_bswap32(magic);
  }
  if (magic != kMagicMicro && magic != kMagicNano) return nullptr;
  file->ns_per_fraction_ = magic == kMagicNano ? 1 : 1000;
  uint16_t version[2];  // major, minor
  __builtin_memcpy(version, file->data_ + 4, 4);
  if (file->swapped_) version[0] = __builtin_bswap16(version[0]), version[1] = __builtin_bswap16(version[1]);
  // Version 2.4 only: libpcap swaps the length fields of older files.
  if (version[0] != 2 || version[1] != 4) return nullptr;
  file->snap_length_ = file->field(file->data_ + 16);
  if (file->snap_length_ == 0 || file->snap_length_ > kMaxSnapLength) return nullptr;
  file->dlt_ = dlt_of(file->field(file->data_ + 20));
  if (file->dlt_ < 0) return nullptr;
  return file;
}

void MappedPcap::release_read_pages() {
  // Everything before the next record is done with: the previous packet's bytes are only valid until this call.
  static const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t until = offset_ / page * page;
  if (until > released_) madvise(const_cast<uint8_t*>(data_) + released_, until - released_, MADV_DONTNEED);
  released_ = until;
}

MappedPcap::~MappedPcap() { munmap(const_cast<uint8_t*>(data_), size_); }

}  // namespace zkwire::capture
