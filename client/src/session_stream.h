// The session of one Client: SessionService.OpenSession, kept open.
#pragma once

#include <grpcpp/client_context.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ccs/error.h"
#include "ccs/v1/session.grpc.pb.h"

namespace ccs {

// What the daemon says about a new session (its first event).
struct SessionHello {
  uint64_t session_id = 0;
  uint32_t uid = 0;
  int32_t pid = 0;
  std::string daemon_version;
};

// Owns the server-streaming OpenSession call and a thread blocked in its
// Read. The daemon keeps the session while the stream is open; this object
// cancels the stream on destruction, and records it when the stream ends by
// itself (daemon exit or crash). Thread-safe.
class SessionStream {
 public:
  // Opens the stream on `stub` (which must outlive the returned object) and
  // waits until `deadline` for the first event. Throws Error: UNAVAILABLE if
  // the daemon does not answer in time, else the daemon's error.
  static std::unique_ptr<SessionStream> Open(
      v1::SessionService::Stub* stub, const std::string& client_name,
      const std::string& address, std::chrono::steady_clock::time_point deadline);

  // Cancels the stream (the daemon ends the session) and joins the reader.
  ~SessionStream();
  SessionStream(const SessionStream&) = delete;
  SessionStream& operator=(const SessionStream&) = delete;

  const SessionHello& hello() const { return hello_; }

  // nullopt while the session is open; afterwards the UNAVAILABLE error
  // every later call of the Client raises ("lost the session ...").
  std::optional<Error> Lost() const;
  // Like Lost(), but first waits up to `timeout` for the stream to end. For
  // callers whose RPC just failed in a way that suggests the daemon died.
  std::optional<Error> WaitLost(std::chrono::milliseconds timeout) const;

 private:
  enum class State { kOpening, kOpen, kEnded };

  SessionStream(v1::SessionService::Stub* stub, std::string address);
  void ReadLoop(std::string client_name);
  std::optional<Error> LostLocked() const;

  v1::SessionService::Stub* stub_;
  const std::string address_;
  grpc::ClientContext context_;
  SessionHello hello_;  // written once, before Open returns

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  State state_ = State::kOpening;
  grpc::Status end_status_;
  bool cancelled_ = false;  // by us: no "lost" report

  std::thread reader_;  // last: started after every other member exists
};

}  // namespace ccs
