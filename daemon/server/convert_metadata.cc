// convert.h: the metadata plane's requests and results.
#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

using meta::KvCall;
using meta::KvOp;
using meta::ObjectCall;
using meta::ObjectKind;

ObjectCall Object(ObjectKind kind, const v1::MetaTarget& target) {
  ObjectCall call;
  call.kind = kind;
  call.session_id = target.session_id();
  call.group_id = target.group_id();
  call.timeout = std::chrono::milliseconds(target.timeout_ms());
  return call;
}

KvCall Kv(KvOp op, const v1::MetaTarget& target, const std::string& key) {
  KvCall call;
  call.op = op;
  call.session_id = target.session_id();
  call.group_id = target.group_id();
  call.timeout = std::chrono::milliseconds(target.timeout_ms());
  call.keys.push_back(key);
  return call;
}

}  // namespace

ObjectCall FromProto(const v1::BroadcastObjectRequest& request) {
  ObjectCall call = Object(ObjectKind::kBroadcast, request.target());
  call.root = request.root();
  call.payloads.push_back(request.payload());
  return call;
}

ObjectCall FromProto(const v1::AllGatherObjectRequest& request) {
  ObjectCall call = Object(ObjectKind::kAllGather, request.target());
  call.payloads.push_back(request.payload());
  return call;
}

ObjectCall FromProto(const v1::ScatterObjectRequest& request) {
  ObjectCall call = Object(ObjectKind::kScatter, request.target());
  call.root = request.root();
  call.payloads.assign(request.payloads().begin(), request.payloads().end());
  return call;
}

ObjectCall FromProto(const v1::SendObjectRequest& request) {
  ObjectCall call = Object(ObjectKind::kSend, request.target());
  call.peer = request.dst();
  call.payloads.push_back(request.payload());
  return call;
}

ObjectCall FromProto(const v1::RecvObjectRequest& request) {
  ObjectCall call = Object(ObjectKind::kRecv, request.target());
  call.peer = request.src();
  return call;
}

KvCall FromProto(const v1::KvSetRequest& request) {
  KvCall call = Kv(KvOp::kSet, request.target(), request.key());
  call.value = request.value();
  call.ttl = std::chrono::milliseconds(request.ttl_ms());
  return call;
}

KvCall FromProto(const v1::KvGetRequest& request) {
  return Kv(KvOp::kGet, request.target(), request.key());
}

KvCall FromProto(const v1::KvWaitRequest& request) {
  KvCall call = Kv(KvOp::kWait, request.target(), "");
  call.keys.assign(request.keys().begin(), request.keys().end());
  return call;
}

KvCall FromProto(const v1::KvAddRequest& request) {
  KvCall call = Kv(KvOp::kAdd, request.target(), request.key());
  call.delta = request.delta();
  return call;
}

KvCall FromProto(const v1::KvCompareAndSetRequest& request) {
  KvCall call = Kv(KvOp::kCompareAndSet, request.target(), request.key());
  call.expected = request.expected();
  call.value = request.desired();
  call.ttl = std::chrono::milliseconds(request.ttl_ms());
  return call;
}

KvCall FromProto(const v1::KvDeleteRequest& request) {
  return Kv(KvOp::kDelete, request.target(), request.key());
}

void ToProto(meta::ObjectResult result, v1::ObjectResponse* out) {
  out->set_seq(result.seq);
  for (std::string& p : result.payloads) out->add_payloads(std::move(p));
}

}  // namespace ccs::server
