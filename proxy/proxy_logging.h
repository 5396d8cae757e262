// The proxy's two logs: a human log on stderr (spdlog, levelled), and the traffic log of decoded records,
// to stdout or to a file rotated by size.
#pragma once
#include <memory>
#include <string>

#include "output/record_output.h"
#include "proxy/proxy_options.h"

namespace zkwire {

// Sets up the human log on stderr at the configured level; call again after a reload.
void configure_human_log(const ProxyOptions& options);

// The traffic log, or nullptr when none is asked for; on failure `error` says why.
std::unique_ptr<RecordOutput> open_traffic_log(const ProxyOptions& options, std::string& error);

}  // namespace zkwire
