// ClientImpl: the metadata plane calls (ccs.v1.MetadataService).
#include <utility>

#include "client/src/client_impl.h"

namespace ccs {
namespace {

// A MetaTarget for `group_id` with `timeout`.
v1::MetaTarget Target(uint64_t session_id, uint64_t group_id,
                      std::chrono::milliseconds timeout) {
  v1::MetaTarget t;
  t.set_session_id(session_id);
  t.set_group_id(group_id);
  t.set_timeout_ms(TimeoutMs(timeout));
  return t;
}

// The one payload of `r`; INTERNAL if the daemon sent another count.
std::string Single(v1::ObjectResponse& r, std::string_view method) {
  if (r.payloads_size() != 1) {
    throw Error(Code::kInternal, std::string(method) + ": ccsd answered with " +
                                     std::to_string(r.payloads_size()) +
                                     " payloads instead of one");
  }
  return std::move(*r.mutable_payloads(0));
}

uint32_t TtlMs(std::chrono::milliseconds ttl) { return TimeoutMs(ttl); }

}  // namespace

std::string ClientImpl::BroadcastObject(uint64_t group_id, uint32_t root,
                                        const std::string& payload,
                                        std::chrono::milliseconds timeout) {
  v1::BroadcastObjectRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, timeout);
  request.set_root(root);
  request.set_payload(payload);
  v1::ObjectResponse response;
  Invoke("BroadcastObject", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return metadata_->BroadcastObject(context, request, &response);
  });
  return Single(response, "BroadcastObject");
}

std::vector<std::string> ClientImpl::AllGatherObject(uint64_t group_id,
                                                     const std::string& payload,
                                                     std::chrono::milliseconds timeout) {
  v1::AllGatherObjectRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, timeout);
  request.set_payload(payload);
  v1::ObjectResponse response;
  Invoke("AllGatherObject", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return metadata_->AllGatherObject(context, request, &response);
  });
  std::vector<std::string> out;
  for (std::string& p : *response.mutable_payloads()) out.push_back(std::move(p));
  return out;
}

std::string ClientImpl::ScatterObject(uint64_t group_id, uint32_t root,
                                      const std::vector<std::string>& payloads,
                                      std::chrono::milliseconds timeout) {
  v1::ScatterObjectRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, timeout);
  request.set_root(root);
  for (const std::string& p : payloads) request.add_payloads(p);
  v1::ObjectResponse response;
  Invoke("ScatterObject", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return metadata_->ScatterObject(context, request, &response);
  });
  return Single(response, "ScatterObject");
}

void ClientImpl::SendObject(uint64_t group_id, uint32_t dst, const std::string& payload,
                            std::chrono::milliseconds timeout) {
  v1::SendObjectRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, timeout);
  request.set_dst(dst);
  request.set_payload(payload);
  v1::ObjectResponse response;
  Invoke("SendObject", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return metadata_->SendObject(context, request, &response);
  });
}

std::string ClientImpl::RecvObject(uint64_t group_id, uint32_t src,
                                   std::chrono::milliseconds timeout) {
  v1::RecvObjectRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, timeout);
  request.set_src(src);
  v1::ObjectResponse response;
  Invoke("RecvObject", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return metadata_->RecvObject(context, request, &response);
  });
  return Single(response, "RecvObject");
}

void ClientImpl::KvSet(uint64_t group_id, const std::string& key,
                       const std::string& value, std::chrono::milliseconds ttl) {
  v1::KvSetRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, {});
  request.set_key(key);
  request.set_value(value);
  request.set_ttl_ms(TtlMs(ttl));
  v1::KvSetResponse response;
  Invoke("KvSet", kControlDeadline, [&](grpc::ClientContext* context) {
    return metadata_->KvSet(context, request, &response);
  });
}

std::string ClientImpl::KvGet(uint64_t group_id, const std::string& key) {
  v1::KvGetRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, {});
  request.set_key(key);
  v1::KvGetResponse response;
  Invoke("KvGet", kControlDeadline, [&](grpc::ClientContext* context) {
    return metadata_->KvGet(context, request, &response);
  });
  return std::move(*response.mutable_value());
}

void ClientImpl::KvWait(uint64_t group_id, const std::vector<std::string>& keys,
                        std::chrono::milliseconds timeout) {
  v1::KvWaitRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, timeout);
  for (const std::string& k : keys) request.add_keys(k);
  v1::KvWaitResponse response;
  Invoke("KvWait", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return metadata_->KvWait(context, request, &response);
  });
}

int64_t ClientImpl::KvAdd(uint64_t group_id, const std::string& key, int64_t delta) {
  v1::KvAddRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, {});
  request.set_key(key);
  request.set_delta(delta);
  v1::KvAddResponse response;
  Invoke("KvAdd", kControlDeadline, [&](grpc::ClientContext* context) {
    return metadata_->KvAdd(context, request, &response);
  });
  return response.value();
}

bool ClientImpl::KvCompareAndSet(uint64_t group_id, const std::string& key,
                                 const std::string& expected, const std::string& desired,
                                 std::chrono::milliseconds ttl, std::string* current) {
  v1::KvCompareAndSetRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, {});
  request.set_key(key);
  request.set_expected(expected);
  request.set_desired(desired);
  request.set_ttl_ms(TtlMs(ttl));
  v1::KvCompareAndSetResponse response;
  Invoke("KvCompareAndSet", kControlDeadline, [&](grpc::ClientContext* context) {
    return metadata_->KvCompareAndSet(context, request, &response);
  });
  if (current != nullptr) *current = std::move(*response.mutable_current());
  return response.swapped();
}

bool ClientImpl::KvDelete(uint64_t group_id, const std::string& key) {
  v1::KvDeleteRequest request;
  *request.mutable_target() = Target(hello().session_id, group_id, {});
  request.set_key(key);
  v1::KvDeleteResponse response;
  Invoke("KvDelete", kControlDeadline, [&](grpc::ClientContext* context) {
    return metadata_->KvDelete(context, request, &response);
  });
  return response.existed();
}

}  // namespace ccs
