#include "daemon/obs/metrics_http.h"

#include <civetweb.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <mutex>

namespace ccs {
namespace {

constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Splits "host:port" / "[v6]:port" into host and port; civetweb wants
// "host:port", "[v6]:port" or a bare port for every interface.
StatusOr<std::pair<std::string, std::string>> SplitHostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return InvalidArgument("metrics_listen '" + listen +
                           "' is not host:port (e.g. \"127.0.0.1:9464\")");
  }
  const std::string port = listen.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) {
    return InvalidArgument("metrics_listen '" + listen + "' has no valid port");
  }
  return std::make_pair(listen.substr(0, colon), port);
}

// A complete plain-text response written by hand: civetweb's own error
// pages (mg_send_http_error) crash in this Debian build when no
// document_root is configured.
int SendPlain(mg_connection* conn, int code, const char* reason, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n\r\n%s",
            code, reason, body.size(), body.c_str());
  return code;
}

// Everything but /metrics.
int NotFound(mg_connection* conn, void*) {
  return SendPlain(conn, 404, "Not Found", "only GET /metrics is served here\n");
}

int LogMessage(const mg_connection*, const char* message) {
  spdlog::warn("metrics http: {}", message);
  return 1;
}

}  // namespace

MetricsHttpServer::MetricsHttpServer(Render render) : render_(std::move(render)) {}

StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, Render render) {
  ASSIGN_OR_RETURN(auto host_port, SplitHostPort(listen));
  auto& [host, port] = host_port;
  static std::once_flag init;
  std::call_once(init, [] { mg_init_library(0); });
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(std::move(render)));
  const std::string ports = host.empty() ? port : host + ":" + port;
  // Scrapes are small and rare: two workers, no keep-alive, bounded reads.
  const char* options[] = {"listening_ports",    ports.c_str(), "num_threads", "2",
                           "request_timeout_ms", "10000",       nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = LogMessage;
  server->ctx_ = mg_start(&callbacks, nullptr, options);
  if (server->ctx_ == nullptr) {
    return Unavailable("cannot serve metrics on '" + listen +
                       "' (address in use or not local?); fix metrics_listen");
  }
  mg_set_request_handler(server->ctx_, "/metrics$", &MetricsHttpServer::Handle,
                         server.get());
  mg_set_request_handler(server->ctx_, "/", &NotFound, nullptr);
  mg_server_port bound[1] = {};
  if (mg_get_server_ports(server->ctx_, 1, bound) != 1) {
    return Internal("metrics http server started but reports no listening port");
  }
  server->address_ = host + ":" + std::to_string(bound[0].port);
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (ctx_ != nullptr) mg_stop(ctx_);
}

int MetricsHttpServer::Handle(mg_connection* conn, void* self) {
  const mg_request_info* request = mg_get_request_info(conn);
  const bool head = std::strcmp(request->request_method, "HEAD") == 0;
  if (!head && std::strcmp(request->request_method, "GET") != 0) {
    return SendPlain(conn, 405, "Method Not Allowed", "only GET /metrics is served here\n");
  }
  const std::string body = static_cast<MetricsHttpServer*>(self)->render_();
  mg_send_http_ok(conn, kContentType, static_cast<long long>(body.size()));
  if (!head) mg_write(conn, body.data(), body.size());
  return 200;
}

}  // namespace ccs
