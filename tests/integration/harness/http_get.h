// A minimal HTTP/1.0 GET over a TCP socket, for fetching a daemon's
// /metrics without an HTTP client library. No gRPC, safe to use in drivers.
#pragma once

#include <chrono>
#include <string>

namespace ccs::it {

struct HttpResponse {
  bool ok = false;      // a response with a status line arrived
  std::string error;    // why not
  int status = 0;       // e.g. 200
  std::string headers;  // the header block, without the status line
  std::string body;
};

// GET http://<host_port><path> ("127.0.0.1:9464", "/metrics") with
// "Connection: close"; reads until the server closes. The whole exchange is
// bounded by `timeout`.
HttpResponse HttpGet(const std::string& host_port, const std::string& path,
                     std::chrono::milliseconds timeout);

}  // namespace ccs::it
