#include "daemon/engine/gloo/context.h"

#include <gloo/rendezvous/context.h>
#include <gloo/transport/tcp/device.h>

#include <charconv>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "daemon/engine/gloo/error.h"
#include "daemon/engine/gloo/store_adapter.h"
#include "daemon/rendezvous/prefix_store.h"

namespace ccs::gloo_engine {
namespace {

Status Validate(const GlooContextOptions& o) {
  if (o.size < 1) {
    return InvalidArgument("Gloo context size " + std::to_string(o.size) +
                           " is not positive");
  }
  if (o.rank < 0 || o.rank >= o.size) {
    return InvalidArgument("Gloo rank " + std::to_string(o.rank) + " is outside 0.." +
                           std::to_string(o.size - 1));
  }
  if (o.store_prefix.empty()) {
    return InvalidArgument(
        "Gloo context needs a store prefix (e.g. gloo/<group>/<epoch>)");
  }
  if (o.hostname.empty() == o.interface.empty()) {
    return InvalidArgument(
        "Gloo context needs exactly one of a hostname and a network interface to listen "
        "on");
  }
  if (o.timeout <= std::chrono::milliseconds::zero() ||
      o.timeout > std::chrono::hours(24)) {
    return InvalidArgument("Gloo context timeout of " +
                           std::to_string(o.timeout.count()) +
                           " ms is outside 1 ms .. 24 h");
  }
  return Status::Ok();
}

// connectFullMesh keys each rank's entries "rank_<r>" and "<r>".
std::optional<int> RankOfKey(std::string_view key) {
  if (key.starts_with("rank_")) key.remove_prefix(5);
  int rank = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), rank);
  if (ec != std::errc() || end != key.data() + key.size()) return std::nullopt;
  return rank;
}

// The ranks behind the keys of a wait that timed out. connectFullMesh waits
// for one key at a time, so each of them was missing.
std::map<int, std::string> MissingRanks(const std::vector<std::string>& keys) {
  std::map<int, std::string> ranks;
  for (const std::string& key : keys) {
    if (std::optional<int> rank = RankOfKey(key)) ranks.emplace(*rank, key);
  }
  return ranks;
}

// "rank(s) 2, 5 did not publish their address within T ms (store key(s)
// 'p/2', 'p/5' absent)".
std::string DescribeMissing(const std::map<int, std::string>& missing,
                            const std::string& prefix,
                            std::chrono::milliseconds timeout) {
  std::string ranks;
  std::string keys;
  for (const auto& [rank, key] : missing) {
    ranks += (ranks.empty() ? "" : ", ") + std::to_string(rank);
    keys += (keys.empty() ? "'" : ", '") + prefix + "/" + key + "'";
  }
  return "rank(s) " + ranks + " did not publish their address within " +
         std::to_string(timeout.count()) + " ms (store key(s) " + keys + " absent)";
}

}  // namespace

StatusOr<std::shared_ptr<::gloo::Context>> MakeGlooContext(
    std::shared_ptr<rendezvous::Store> store, const GlooContextOptions& o) {
  RETURN_IF_ERROR(Validate(o));
  const std::string who = "Gloo rendezvous of rank " + std::to_string(o.rank) + " of " +
                          std::to_string(o.size) + " (store prefix '" + o.store_prefix +
                          "')";
  std::shared_ptr<::gloo::transport::Device> device;
  RETURN_IF_ERROR(GlooCall(who + ": creating the TCP device on " +
                               (o.hostname.empty() ? "interface '" + o.interface + "'"
                                                   : "host '" + o.hostname + "'"),
                           [&] {
                             ::gloo::transport::tcp::attr attr;
                             attr.hostname = o.hostname;
                             attr.iface = o.interface;
                             device = ::gloo::transport::tcp::CreateDevice(attr);
                           }));

  rendezvous::PrefixStore scoped(std::move(store), o.store_prefix);
  // Every store wait of this rendezvous ends by one deadline.
  GlooStoreAdapter adapter(scoped, o.timeout,
                           rendezvous::Store::Clock::now() + o.timeout);
  auto context = std::make_shared<::gloo::rendezvous::Context>(o.rank, o.size);
  context->setTimeout(o.timeout);
  Status connected = GlooCall(who + ": connecting to the peers",
                              [&] { context->connectFullMesh(adapter, device); });
  if (connected.ok()) return std::shared_ptr<::gloo::Context>(std::move(context));

  const Status store_error = adapter.first_error();
  if (store_error.ok()) return connected;  // the transport failed, not the store
  if (store_error.code() == StatusCode::kDeadlineExceeded) {
    const std::map<int, std::string> missing = MissingRanks(adapter.first_error_keys());
    if (!missing.empty()) {
      return DeadlineExceeded(
          who + ": " + DescribeMissing(missing, o.store_prefix, o.timeout) +
          "; start them (same store, same prefix) or raise the timeout");
    }
  }
  return Status(store_error.code(), who + ": " + store_error.message());
}

}  // namespace ccs::gloo_engine
