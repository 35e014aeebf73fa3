// MetadataPlane: the key-value scope of a group epoch (keys under
// ".../<epoch>/kv/"), a thin layer over the Store with the group's checks.
#include <algorithm>

#include "daemon/meta/metadata_plane.h"
#include "daemon/meta/object_ops.h"

namespace ccs::meta {
namespace {

std::string KeyList(const std::vector<std::string>& keys) {
  std::string s = "[";
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", '" : "'") + keys[i] + "'";
  return s + "]";
}

}  // namespace

std::string_view KvOpName(KvOp op) {
  switch (op) {
    case KvOp::kSet:
      return "kv set";
    case KvOp::kGet:
      return "kv get";
    case KvOp::kWait:
      return "kv wait";
    case KvOp::kAdd:
      return "kv add";
    case KvOp::kCompareAndSet:
      return "kv compare_and_set";
    case KvOp::kDelete:
      return "kv delete";
  }
  return "kv";
}

Status MetadataPlane::CheckKvCall(const KvCall& call) const {
  const std::string what(KvOpName(call.op));
  if (call.keys.empty() || (call.op != KvOp::kWait && call.keys.size() != 1)) {
    return InvalidArgument(what + " needs " +
                           (call.op == KvOp::kWait ? "one or more keys" : "one key") +
                           ", got " + std::to_string(call.keys.size()));
  }
  for (const std::string& k : call.keys) {
    if (k.empty() || k.size() > kMaxKvKeyBytes) {
      return InvalidArgument(what + ": a key must be 1 to " +
                             std::to_string(kMaxKvKeyBytes) + " bytes, got " +
                             std::to_string(k.size()));
    }
  }
  const uint64_t size = std::max(call.value.size(), call.expected.size());
  if (size > max_kv_value_bytes()) {
    return ResourceExhausted(
        what + " of key '" + call.keys[0] + "': " + std::to_string(size) +
        " bytes exceed the KV value limit (" + std::to_string(max_kv_value_bytes()) +
        " bytes: max_object_bytes, at most 512 KiB); nothing was stored");
  }
  if (call.ttl.count() < 0)
    return InvalidArgument(what + ": the ttl must not be negative");
  return Status::Ok();
}

void MetadataPlane::RunKv(const PeerIdentity& caller, KvCall call, KvDone done) {
  const Clock::time_point started = Clock::now();
  StatusOr<Caller> c = Authorize(caller, call.session_id, call.group_id);
  if (!c.ok()) return done(c.status(), {});
  if (Status s = CheckKvCall(call); !s.ok()) return done(s, {});
  auto shared_done = std::make_shared<KvDone>(std::move(done));
  Status queued;
  {
    std::lock_guard lock(mu_);
    GroupMeta& meta = MetaLocked(*c);
    if (call.op == KvOp::kSet || call.op == KvOp::kAdd ||
        call.op == KvOp::kCompareAndSet) {
      meta.kv_keys.insert(meta.keys->Kv(call.keys[0]));
    }
    queued = runner_.Run([this, member = *c, keys = meta.keys, started, shared_done,
                          call = std::move(call)] {
      StatusOr<KvResult> r = ExecuteKv(member, *keys, call, started);
      (*shared_done)(r.status(), r.ok() ? r.value() : KvResult{});
    });
  }
  if (!queued.ok()) (*shared_done)(queued, {});
}

StatusOr<KvResult> MetadataPlane::ExecuteKv(const Caller& c, const MetaKeys& keys,
                                            const KvCall& call,
                                            Clock::time_point started) {
  rendezvous::Store& store = *store_;
  const std::string key = keys.Kv(call.keys[0]);
  const std::string scope = "the KV scope of group '" + c.group->name() + "'";
  KvResult r;
  switch (call.op) {
    case KvOp::kSet: {
      RETURN_IF_ERROR(store.Set(key, call.value, call.ttl));
      return r;
    }
    case KvOp::kGet: {
      StatusOr<std::string> v = store.Get(key);
      if (v.status().code() == StatusCode::kNotFound) {
        return NotFound("key '" + call.keys[0] + "' is not set in " + scope +
                        " (never set, deleted or expired)");
      }
      ASSIGN_OR_RETURN(r.value, std::move(v));
      return r;
    }
    case KvOp::kAdd: {
      ASSIGN_OR_RETURN(r.number, store.Add(key, call.delta));
      return r;
    }
    case KvOp::kCompareAndSet: {
      ASSIGN_OR_RETURN(rendezvous::Store::CasResult cas,
                       store.CompareAndSet(key, call.expected, call.value, call.ttl));
      r.flag = cas.swapped;
      r.value = std::move(cas.current);
      return r;
    }
    case KvOp::kDelete: {
      ASSIGN_OR_RETURN(r.flag, store.Delete(key));
      return r;
    }
    case KvOp::kWait:
      break;
  }
  const auto timeout = call.timeout.count() > 0 ? call.timeout : options_.default_timeout;
  ObjectOpContext ctx;
  ctx.store = store_.get();
  ctx.keys = &keys;
  ctx.group = c.group->name();
  ctx.started = started;
  ctx.deadline = started + timeout;
  ctx.interrupted = [this, group = c.group] { return Interrupted(*group); };
  ctx.broken_elsewhere = BreakLocally(c.group);
  std::vector<std::string> full;
  for (const std::string& k : call.keys) full.push_back(keys.Kv(k));
  Status waited = WaitInterruptibly(ctx, full);
  if (waited.code() != StatusCode::kDeadlineExceeded) {
    RETURN_IF_ERROR(waited);
    return r;
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < full.size(); ++i) {
    if (!store.Get(full[i]).ok()) missing.push_back(call.keys[i]);
  }
  return DeadlineExceeded(
      "kv wait in " + scope + " timed out after " +
      std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)
              .count()) +
      " ms: keys " + KeyList(missing) + " were never set");
}

}  // namespace ccs::meta
