#include "daemon/obs/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace ccs {
namespace {

// Writes each record as {"ts": ..., "level": ..., "msg": ...} with the
// message JSON-escaped.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    time_.format(msg, dest);  // fills "ts"
    nlohmann::json line = {
        {"ts", std::string(dest.data(), dest.size())},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    dest.clear();
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }

 private:
  spdlog::pattern_formatter time_{"%Y-%m-%dT%H:%M:%S.%e%z", spdlog::pattern_time_type::local, ""};
};

}  // namespace

Status SetupLogging(const std::string& level, const std::string& format) {
  spdlog::level::level_enum lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgument("unknown log level '" + level + "'");
  }
  static auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("ccsd",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(l);
    return l;
  }();
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else if (format == "text") {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %v"));
  } else {
    return InvalidArgument("unknown log format '" + format + "' (text|json)");
  }
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::info);
  return Status::Ok();
}

}  // namespace ccs
