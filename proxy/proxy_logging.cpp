// spdlog set-up for the human log and the size-rotated traffic log.
#include "proxy/proxy_logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace zkwire {

void configure_human_log(const ProxyOptions& options) {
  static std::shared_ptr<spdlog::logger> human = [] {
    auto logger = spdlog::stderr_color_mt("zkwire");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    spdlog::set_default_logger(logger);
    return logger;
  }();
  human->set_level(static_cast<spdlog::level::level_enum>(options.log_level));
  human->flush_on(spdlog::level::info);
}

std::unique_ptr<RecordOutput> open_traffic_log(const ProxyOptions& options, std::string& error) {
  if (options.log_traffic.empty()) return nullptr;
  OutputFormat format = options.log_format == LogFormat::text ? OutputFormat::text : OutputFormat::jsonl;
  RenderOptions render;
  if (options.log_traffic == "-") {
    render.color = format == OutputFormat::text && isatty(fileno(stdout));
    return std::make_unique<RecordOutput>(stdout, format, render);
  }
  std::shared_ptr<spdlog::logger> log;
  try {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(options.log_traffic, options.log_max_bytes,
                                                                        options.log_files);
    log = std::make_shared<spdlog::logger>("traffic", sink);
  } catch (const spdlog::spdlog_ex& e) {
    error = "cannot write the traffic log " + options.log_traffic + ": " + e.what();
    return nullptr;
  }
  log->set_pattern("%v");  // the records are complete lines already
  log->set_level(spdlog::level::info);
  return std::make_unique<RecordOutput>(
      [log](std::string_view lines) {
        log->info("{}", lines);
        log->flush();
      },
      format, render);
}

}  // namespace zkwire
