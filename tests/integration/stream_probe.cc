// ccs-test-stream-probe ADDRESS: opens a session on the ccsd at ADDRESS
// and asks it to register a stream (BufferService.RegisterStream) with a
// well-formed client event on a made-up GPU, as the SDK would for a device
// buffer's stream. Prints one line:
//   RESULT status=OK stream_id=<id>            (registered; it then unregisters)
//   RESULT status=<CODE> message=<daemon's message>
// Exit 0 either way (the driver judges the result); 2 when the session
// cannot be opened. Uses the SDK's internals (client/src), not only its
// public API: a GPU-less machine cannot register a device buffer, so the
// public path never reaches RegisterStream there.
#include <cstdio>
#include <string>

#include "ccs/error.h"
#include "client/src/client_impl.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ccs-test-stream-probe ADDRESS\n");
    return 2;
  }
  std::unique_ptr<ccs::ClientImpl> client;
  try {
    ccs::ClientOptions options;
    options.address = argv[1];
    options.client_name = "stream-probe";
    client = ccs::ClientImpl::Connect(options);
  } catch (const ccs::Error& e) {
    std::fprintf(stderr, "cannot open a session: %s\n", e.what());
    return 2;
  }
  std::string uuid(16, '\0');
  uuid[0] = '\x5e';
  uuid[15] = '\x01';
  try {
    auto r = client->RegisterStream(std::string(64, '\x2a'), uuid);
    std::printf("RESULT status=OK stream_id=%llu\n",
                static_cast<unsigned long long>(r.stream_id));
    client->UnregisterStream(r.stream_id);
  } catch (const ccs::Error& e) {
    std::printf("RESULT status=%s message=%s\n",
                std::string(ccs::CodeName(e.code())).c_str(), e.message().c_str());
  }
  return 0;
}
