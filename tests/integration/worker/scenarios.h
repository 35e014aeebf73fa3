// The non-sweep scenarios of ccs-test-rank. Each prints RESULT lines (see
// report.h) for the driver to assert on and returns the exit code: 0 when the
// scenario ran to its end, whatever the daemon answered; 1 when something the
// scenario needs (connect, a buffer) failed unexpectedly.
//
// `call` runs: join (step=join), the collective of call_spec.h on two fresh
// buffers (step=op, with send_unchanged/recv_unchanged and the buffers' ids
// and shm names), then optionally:
//   --call-wait-file F   call only once F exists (prints WAITING first)
//   --announce           print "CALLING t_ms=..." just before the call
//   --again              the same call once more (step=again)
//   --recover-group G    join G with the same world/rank and run a verified
//                        all_reduce (step=recover, with the new epoch);
//                        --recover-wait-file F delays that join until F exists
//   --hold               stay alive (and a member) until killed
#pragma once

#include "worker/args.h"

namespace ccs::it {

int RunPing(const Args& args);          // connect until --timeout-ms
int RunJoin(const Args& args);          // join [--allreduce] [--leave-on-file F] [--hold]
int RunCall(const Args& args);          // join + one collective; see call_spec.h
int RunRestartProbe(const Args& args);  // a call after the daemon restarted
int RunForeignBuffer(const Args& args);  // another session's buffer
int RunUnknownBuffer(const Args& args);  // a buffer id of another daemon
int RunUnknownGroup(const Args& args);   // a collective on a group left
int RunCreateBuffers(const Args& args);  // --sizes a,b,c [--hold]
int RunRegisterShm(const Args& args);    // --name /x --bytes n
int RunMultiGroup(const Args& args);     // --groups K --iters M, one thread per group
int RunShrinkAfterRegister(const Args& args);  // truncate a registered segment
int RunJoinMany(const Args& args);             // --groups k world-1 groups
int RunSelfTest(const Args& args);             // reference codec self-test

}  // namespace ccs::it
