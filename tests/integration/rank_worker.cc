// ccs-test-rank: the client process of the integration tests. One scenario
// per run, chosen by argv[1]; it talks to ccsd only through the public SDK
// (client/include/ccs) and reports through its exit code and RESULT lines.
//
//   ccs-test-rank sweep --addr A --group G --world N --rank R [--large-bytes B] ...
//   ccs-test-rank call  --addr A --group G --world N --rank R --kind all_reduce ...
//   ccs-test-rank join  --addr A --group G --world N --rank R [--hold]
//   (see worker/scenarios.h for the rest)
//
// Exit codes: 0 scenario completed (sweep: every case matched), 1 failure,
// 2 bad command line, 3 unexpected SDK error outside a checked step.
#include <cstdio>
#include <map>
#include <string>

#include "ccs/ccs.h"
#include "worker/args.h"
#include "worker/object_scenarios.h"
#include "worker/ops_scenario.h"
#include "worker/scenarios.h"
#include "worker/subgroup_scenario.h"
#include "worker/sweep.h"

int main(int argc, char** argv) {
  using Scenario = int (*)(const ccs::it::Args&);
  const std::map<std::string, Scenario> scenarios = {
      {"sweep", ccs::it::RunSweep},
      {"ping", ccs::it::RunPing},
      {"join", ccs::it::RunJoin},
      {"call", ccs::it::RunCall},
      {"restart-probe", ccs::it::RunRestartProbe},
      {"foreign-buffer", ccs::it::RunForeignBuffer},
      {"unknown-buffer", ccs::it::RunUnknownBuffer},
      {"unknown-group", ccs::it::RunUnknownGroup},
      {"create-buffers", ccs::it::RunCreateBuffers},
      {"register-shm", ccs::it::RunRegisterShm},
      {"join-many", ccs::it::RunJoinMany},
      {"multi-group", ccs::it::RunMultiGroup},
      {"shrink-after-register", ccs::it::RunShrinkAfterRegister},
      {"ops", ccs::it::RunOps},
      {"subgroups", ccs::it::RunSubgroups},
      {"model-parallel", ccs::it::RunModelParallel},
      {"objects", ccs::it::RunObjects},
      {"object-call", ccs::it::RunObjectCall},
      {"selftest", ccs::it::RunSelfTest},
  };
  try {
    ccs::it::Args args(argc, argv);
    auto it = scenarios.find(args.scenario());
    if (it == scenarios.end()) throw ccs::it::UsageError("unknown scenario " + args.scenario());
    return it->second(args);
  } catch (const ccs::it::UsageError& e) {
    std::fprintf(stderr, "ccs-test-rank: usage: %s\n", e.what());
    return 2;
  } catch (const ccs::Error& e) {
    std::printf("ERROR code=%s message=%s\n", std::string(ccs::CodeName(e.code())).c_str(),
                e.message().c_str());
    std::fprintf(stderr, "ccs-test-rank %s: unexpected error: %s\n",
                 argc > 1 ? argv[1] : "", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccs-test-rank %s: %s\n", argc > 1 ? argv[1] : "", e.what());
    return 3;
  }
}
