#include "daemon/meta/object_ops.h"

#include <algorithm>

#include "daemon/meta/payload_io.h"

namespace ccs::meta {
namespace {

std::string RankList(const std::vector<uint32_t>& ranks) {
  std::string s = "[";
  for (size_t i = 0; i < ranks.size(); ++i)
    s += (i ? "," : "") + std::to_string(ranks[i]);
  return s + "]";
}

long long ElapsedMs(const ObjectOpContext& ctx) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ctx.started)
      .count();
}

std::string OpName(const ObjectOpContext& ctx, ObjectKind kind, uint64_t n) {
  return std::string(ObjectKindName(kind)) + " #" + std::to_string(n) + " of group '" +
         ctx.group + "'";
}

// Why the epoch broke on another node, if it did (the reason that node
// recorded: "<code>\n<message>").
std::optional<std::string> BrokenElsewhere(const ObjectOpContext& ctx) {
  StatusOr<std::string> why = ctx.store->Get(ctx.keys->Broken());
  if (!why.ok()) return std::nullopt;
  const size_t nl = why.value().find('\n');
  return nl == std::string::npos ? why.value() : why.value().substr(nl + 1);
}

ChunkKey CollectiveChunk(const ObjectOpContext& ctx, uint64_t n, uint32_t rank,
                         uint32_t part) {
  return [&ctx, n, rank, part](uint64_t c) { return ctx.keys->Chunk(n, rank, part, c); };
}

// Publishes this rank's header and payload chunks of op n.
Status Publish(const ObjectOpContext& ctx, uint64_t n, const ObjectHeader& header,
               const std::vector<std::string>& payloads) {
  for (size_t p = 0; p < payloads.size(); ++p) {
    RETURN_IF_ERROR(PutPayload(
        *ctx.store, CollectiveChunk(ctx, n, ctx.rank, static_cast<uint32_t>(p)),
        payloads[p], ctx.ttl));
  }
  return ctx.store->Set(ctx.keys->Header(n, ctx.rank), EncodeHeader(header), ctx.ttl);
}

// Every rank's header of op n; DEADLINE_EXCEEDED naming the missing ranks.
StatusOr<std::vector<ObjectHeader>> AwaitHeaders(const ObjectOpContext& ctx, uint64_t n,
                                                 ObjectKind kind) {
  std::vector<std::string> keys;
  for (uint32_t r = 0; r < ctx.world; ++r) keys.push_back(ctx.keys->Header(n, r));
  Status waited = WaitInterruptibly(ctx, keys);
  std::vector<ObjectHeader> headers;
  std::vector<uint32_t> missing;
  for (uint32_t r = 0; r < ctx.world; ++r) {
    StatusOr<std::string> text = ctx.store->Get(keys[r]);
    if (!text.ok() && text.status().code() != StatusCode::kNotFound) return text.status();
    if (!text.ok()) {
      missing.push_back(r);
      continue;
    }
    std::optional<ObjectHeader> h = DecodeHeader(text.value());
    if (!h)
      return Internal("unreadable object header '" + keys[r] + "': " + text.value());
    headers.push_back(std::move(*h));
  }
  if (missing.empty()) return headers;
  if (waited.ok() || waited.code() == StatusCode::kDeadlineExceeded) {
    return DeadlineExceeded(OpName(ctx, kind, n) + " timed out after " +
                            std::to_string(ElapsedMs(ctx)) + " ms: ranks " +
                            RankList(missing) + " never called it");
  }
  return waited;
}

// Counts this rank done with op n; the last rank deletes op n's keys.
void FinishReading(const ObjectOpContext& ctx, uint64_t n,
                   const std::vector<ObjectHeader>& headers) {
  StatusOr<int64_t> done = IncrementWithTtl(*ctx.store, ctx.keys->Done(n), ctx.ttl);
  if (!done.ok() || done.value() < static_cast<int64_t>(ctx.world)) return;
  for (uint32_t r = 0; r < ctx.world; ++r) {
    for (uint32_t p = 0; p < headers[r].sizes.size(); ++p) {
      DeletePayload(*ctx.store, CollectiveChunk(ctx, n, r, p), headers[r].sizes[p]);
    }
    (void)ctx.store->Delete(ctx.keys->Header(n, r));
  }
  (void)ctx.store->Delete(ctx.keys->Done(n));
}

// The first rank whose call differs from rank 0's: the same text on every rank.
std::string FindMismatch(const std::vector<ObjectHeader>& headers) {
  for (uint32_t r = 1; r < headers.size(); ++r) {
    std::string why = ObjectMismatch(headers[0], 0, headers[r], r);
    if (!why.empty()) return why;
  }
  return "";
}

// What this rank reads once every header agreed.
StatusOr<std::vector<std::string>> Collect(const ObjectOpContext& ctx, uint64_t n,
                                           ObjectKind kind, uint32_t root,
                                           const std::vector<ObjectHeader>& headers) {
  std::vector<std::pair<uint32_t, uint32_t>> parts;  // (rank, part) to read
  if (kind == ObjectKind::kAllGather) {
    for (uint32_t r = 0; r < ctx.world; ++r) parts.push_back({r, 0});
  } else {
    parts.push_back({root, kind == ObjectKind::kScatter ? ctx.rank : 0});
  }
  uint64_t total = 0;
  for (auto [r, p] : parts) {
    if (p >= headers[r].sizes.size()) {
      return Internal(OpName(ctx, kind, n) + ": rank " + std::to_string(r) +
                      " published no part " + std::to_string(p));
    }
    total = TotalBytes({total, headers[r].sizes[p]});
  }
  if (total > ctx.max_bytes) {
    return ResourceExhausted(OpName(ctx, kind, n) + " would deliver " +
                             std::to_string(total) +
                             " bytes to each rank, more than max_object_bytes (" +
                             std::to_string(ctx.max_bytes) + "); send smaller objects");
  }
  std::vector<std::string> out;
  for (auto [r, p] : parts) {
    ASSIGN_OR_RETURN(
        std::string payload,
        GetPayload(*ctx.store, CollectiveChunk(ctx, n, r, p), headers[r].sizes[p]));
    out.push_back(std::move(payload));
  }
  return out;
}

}  // namespace

Status WaitInterruptibly(const ObjectOpContext& ctx,
                         const std::vector<std::string>& keys) {
  for (;;) {
    const Clock::time_point now = Clock::now();
    Status s = ctx.store->Wait(keys, std::min(ctx.deadline, now + kWaitSlice));
    if (s.code() != StatusCode::kDeadlineExceeded) return s;
    if (Clock::now() >= ctx.deadline) return s;
    if (ctx.interrupted) {
      if (std::optional<Status> why = ctx.interrupted()) return *why;
    }
    if (std::optional<std::string> reason = BrokenElsewhere(ctx)) {
      if (ctx.broken_elsewhere) ctx.broken_elsewhere(*reason);
      return Aborted("group '" + ctx.group + "' is BROKEN: " + *reason +
                     "; form it again to continue");
    }
  }
}

StatusOr<std::vector<std::string>> RunObjectCollective(
    const ObjectOpContext& ctx, uint64_t n, ObjectKind kind, uint32_t root,
    std::vector<std::string> payloads) {
  ObjectHeader mine{kind, root, {}};
  for (const std::string& p : payloads) mine.sizes.push_back(p.size());
  RETURN_IF_ERROR(Publish(ctx, n, mine, payloads));
  payloads.clear();
  ASSIGN_OR_RETURN(std::vector<ObjectHeader> headers, AwaitHeaders(ctx, n, kind));
  StatusOr<std::vector<std::string>> result = std::vector<std::string>{};
  if (std::string why = FindMismatch(headers); !why.empty()) {
    result =
        InvalidArgument("object op mismatch at object op #" + std::to_string(n) +
                        " of group '" + ctx.group + "': " + why +
                        "; every rank must make the same object calls in the same order");
  } else {
    result = Collect(ctx, n, kind, root, headers);
  }
  FinishReading(ctx, n, headers);
  return result;
}

Status SendObject(const ObjectOpContext& ctx, uint32_t dst, uint64_t n,
                  const std::string& payload) {
  const uint32_t src = ctx.rank;
  RETURN_IF_ERROR(PutPayload(
      *ctx.store, [&](uint64_t c) { return ctx.keys->P2pChunk(src, dst, n, c); }, payload,
      ctx.ttl));
  ObjectHeader h{ObjectKind::kSend, 0, {payload.size()}};
  return ctx.store->Set(ctx.keys->P2pHeader(src, dst, n), EncodeHeader(h), ctx.ttl);
}

StatusOr<std::string> RecvObject(const ObjectOpContext& ctx, uint32_t src, uint64_t n) {
  const uint32_t dst = ctx.rank;
  const std::string header_key = ctx.keys->P2pHeader(src, dst, n);
  Status waited = WaitInterruptibly(ctx, {header_key});
  if (waited.code() == StatusCode::kDeadlineExceeded) {
    return DeadlineExceeded("recv_object #" + std::to_string(n) + " from rank " +
                            std::to_string(src) + " to rank " + std::to_string(dst) +
                            " of group '" + ctx.group + "' timed out after " +
                            std::to_string(ElapsedMs(ctx)) + " ms: rank " +
                            std::to_string(src) + " never sent it");
  }
  RETURN_IF_ERROR(waited);
  ASSIGN_OR_RETURN(std::string text, ctx.store->Get(header_key));
  std::optional<ObjectHeader> h = DecodeHeader(text);
  if (!h || h->kind != ObjectKind::kSend || h->sizes.size() != 1) {
    return Internal("unreadable send header '" + header_key + "': " + text);
  }
  ChunkKey chunk = [&](uint64_t c) { return ctx.keys->P2pChunk(src, dst, n, c); };
  StatusOr<std::string> payload = GetPayload(*ctx.store, chunk, h->sizes[0]);
  DeletePayload(*ctx.store, chunk, h->sizes[0]);
  (void)ctx.store->Delete(header_key);
  return payload;
}

}  // namespace ccs::meta
