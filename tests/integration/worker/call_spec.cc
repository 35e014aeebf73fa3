#include "worker/call_spec.h"

#include "worker/names.h"

namespace ccs::it {

CallSpec ParseCallSpec(const Args& args) {
  CallSpec s;
  auto kind = KindFromName(args.Str("kind", "all_reduce"));
  auto dtype = DtypeFromName(args.Str("dtype", "float32"));
  auto op = OpFromName(args.Str("op", "sum"));
  if (!kind || !dtype || !op) throw UsageError("bad --kind, --dtype or --op");
  s.kind = *kind;
  s.dtype = *dtype;
  s.op = *op;
  s.count = args.U64("count", s.count);
  s.counts = args.U64List("counts");
  s.send_counts = args.U64List("send-counts");
  s.recv_counts = args.U64List("recv-counts");
  s.root = static_cast<uint32_t>(args.U64("root", 0));
  s.peer = static_cast<uint32_t>(args.U64("peer", 0));
  s.timeout_ms = args.U64("timeout-ms", 0);
  s.in_place = args.Has("inplace");
  s.send_in_recv = args.Has("send-in-recv");
  s.send_offset = args.U64("send-offset", 0);
  s.recv_offset = args.U64("recv-offset", 0);
  s.buf_bytes = args.U64("buf-bytes", s.buf_bytes);
  return s;
}

CollectiveCall ToCall(const CallSpec& spec, const HostBuffer& send,
                      const HostBuffer& recv) {
  CollectiveCall c;
  c.kind = spec.kind;
  c.dtype = spec.dtype;
  c.op = spec.op;
  c.count = spec.count;
  c.counts = spec.counts;
  c.send_counts = spec.send_counts;
  c.recv_counts = spec.recv_counts;
  c.root = spec.root;
  c.peer = spec.peer;
  c.timeout = std::chrono::milliseconds(spec.timeout_ms);
  if (!spec.in_place)
    c.send = BufferView(spec.send_in_recv ? recv : send, spec.send_offset);
  c.recv = BufferView(recv, spec.recv_offset);
  return c;
}

}  // namespace ccs::it
