#include "client/src/session_stream.h"

#include <utility>

#include "client/src/convert.h"

namespace ccs {

SessionStream::SessionStream(v1::SessionService::Stub* stub, std::string address)
    : stub_(stub), address_(std::move(address)) {}

std::unique_ptr<SessionStream> SessionStream::Open(
    v1::SessionService::Stub* stub, const std::string& client_name,
    const std::string& address, std::chrono::steady_clock::time_point deadline) {
  std::unique_ptr<SessionStream> stream(new SessionStream(stub, address));
  stream->reader_ = std::thread(&SessionStream::ReadLoop, stream.get(), client_name);

  std::unique_lock lock(stream->mu_);
  const bool answered = stream->changed_.wait_until(
      lock, deadline, [&] { return stream->state_ != State::kOpening; });
  if (answered && stream->state_ == State::kOpen) return stream;

  grpc::Status status = stream->end_status_;
  lock.unlock();
  stream.reset();  // cancels and joins
  if (!answered) {
    throw Error(Code::kUnavailable,
                "ccsd at " + address +
                    " accepted the connection but did not open a session in time");
  }
  Error error = convert::ToError(status);
  if (status.ok()) {
    error = Error(Code::kInternal,
                  "ccsd at " + address + " ended OpenSession without a session id");
  }
  throw Error(error.code(),
              "cannot open a session with ccsd at " + address + ": " + error.message());
}

SessionStream::~SessionStream() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  context_.TryCancel();
  if (reader_.joinable()) reader_.join();
}

void SessionStream::ReadLoop(std::string client_name) {
  v1::OpenSessionRequest request;
  request.set_client_name(std::move(client_name));
  std::unique_ptr<grpc::ClientReader<v1::OpenSessionResponse>> reader =
      stub_->OpenSession(&context_, request);
  v1::OpenSessionResponse event;
  if (reader->Read(&event)) {
    std::lock_guard lock(mu_);
    hello_ = SessionHello{event.session_id(), event.uid(), event.pid(),
                          event.daemon_version()};
    state_ = State::kOpen;
    changed_.notify_all();
  }
  // Later events carry nothing the SDK needs; the stream's end is the news.
  while (reader->Read(&event)) {
  }
  grpc::Status status = reader->Finish();
  std::lock_guard lock(mu_);
  state_ = State::kEnded;
  end_status_ = std::move(status);
  changed_.notify_all();
}

std::optional<Error> SessionStream::LostLocked() const {
  if (state_ != State::kEnded || cancelled_) return std::nullopt;
  std::string why = end_status_.ok() ? "the daemon closed the session stream"
                                     : convert::ToError(end_status_).message();
  return Error(Code::kUnavailable, "lost the session with ccsd at " + address_ + ": " +
                                       why +
                                       " (the daemon exited or restarted; "
                                       "connect a new Client)");
}

std::optional<Error> SessionStream::Lost() const {
  std::lock_guard lock(mu_);
  return LostLocked();
}

std::optional<Error> SessionStream::WaitLost(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [&] { return state_ == State::kEnded; });
  return LostLocked();
}

}  // namespace ccs
