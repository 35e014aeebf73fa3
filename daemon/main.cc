// ccsd: parses flags, loads the configuration, starts the Daemon and hands
// it to ServeUntilStopped (signals, drain, systemd). Wiring only.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "daemon/daemon.h"
#include "daemon/lifecycle.h"
#include "daemon/obs/logging.h"

namespace {

int Fail(const ccs::Status& s) {
  std::cerr << "ccsd: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ccsd: the Collective Communication Service daemon"};
  std::string config_file;
  bool print_config = false;
  std::map<std::string, std::string> flags;
  app.add_option("--config", config_file, "YAML configuration file (env CCS_CONFIG)")
      ->envname("CCS_CONFIG");
  app.add_flag("--print-config", print_config,
               "print the effective configuration and where each value came from, then exit");
  std::map<std::string, std::string> raw;
  for (const ccs::ConfigOption& opt : ccs::ConfigOptions()) {
    app.add_option(opt.flag, raw[opt.key], opt.help + " (env " + opt.env + ")");
  }
  CLI11_PARSE(app, argc, argv);
  for (const ccs::ConfigOption& opt : ccs::ConfigOptions()) {
    if (app.get_option(opt.flag)->count() > 0) flags[opt.key] = raw[opt.key];
  }

  ccs::ConfigLoader loader;
  const auto env = ccs::ProcessEnvironment();
  if (ccs::Status s = loader.Load(config_file, env, flags); !s.ok()) return Fail(s);
  if (print_config) {
    std::cout << loader.Render();
    return 0;
  }
  const ccs::Config& config = loader.config();
  if (ccs::Status s = ccs::SetupLogging(config.log_level, config.log_format); !s.ok()) {
    return Fail(s);
  }

  // Signals are taken synchronously by this thread; block them before any
  // other thread starts so none of those receives them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ccs::Daemon daemon(config);
  if (ccs::Status s = daemon.Start(); !s.ok()) {
    spdlog::critical("cannot start: {}", s.ToString());
    return 1;
  }
  ccs::ServeUntilStopped(daemon, signals, [&]() -> ccs::StatusOr<ccs::Config> {
    ccs::ConfigLoader reloaded;
    RETURN_IF_ERROR(reloaded.Load(config_file, ccs::ProcessEnvironment(), flags));
    return reloaded.config();
  });
  return 0;
}
