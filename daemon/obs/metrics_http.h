// MetricsHttpServer: serves GET /metrics (Prometheus text format) over HTTP
// with civetweb. Every other path is 404, every other method 405; no files
// are served.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "daemon/core/status.h"

struct mg_context;
struct mg_connection;

namespace ccs {

class MetricsHttpServer {
 public:
  // Produces the exposition; called on civetweb's worker threads, possibly
  // concurrently, so it must be thread-safe.
  using Render = std::function<std::string()>;

  // Listens on `listen` ("127.0.0.1:9464", "0.0.0.0:9464", "[::1]:9464";
  // port 0 picks a free one) and serves `render`. UNAVAILABLE naming the
  // address when it cannot listen; INVALID_ARGUMENT for a malformed one.
  static StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listen,
                                                            Render render);
  // Stops listening and waits for civetweb's threads (requests in progress
  // finish first).
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // The address actually bound, with the port chosen for port 0:
  // "127.0.0.1:41157".
  const std::string& address() const { return address_; }

 private:
  explicit MetricsHttpServer(Render render);
  static int Handle(mg_connection* conn, void* self);

  Render render_;
  mg_context* ctx_ = nullptr;
  std::string address_;
};

}  // namespace ccs
