// Short text for ids in messages and metrics: session ids and zxids in hex, ops and errors by name.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "decoder/error_codes.h"
#include "decoder/opcodes.h"

namespace zkwire {

// "0x100000abc0000", as every ZooKeeper log prints session ids and zxids.
inline std::string hex_label(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// The op's ZooDefs.OpCode name, or its number when ZooKeeper defines none.
inline std::string op_label(int32_t op) {
  std::string_view name = opcode_name(op);
  return name.empty() ? std::to_string(op) : std::string(name);
}

// The KeeperException.Code name, or the number.
inline std::string err_label(int32_t err) {
  std::string_view name = error_name(err);
  return name.empty() ? std::to_string(err) : std::string(name);
}

}  // namespace zkwire
