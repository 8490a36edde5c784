#pragma once

// An in-memory stand-in for the API server's Lease collection, for the elector's pure logic:
// get/create/update with real resourceVersion optimistic concurrency (a PUT with a stale
// resourceVersion is a 409 Conflict, a create of an existing name a 409 AlreadyExists). Several
// FakeLeaseClients share one LeaseStore, like processes sharing a server; each client can be
// told to fail or to hang its calls. The other verbs are not used by the elector and fail.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "operator/client/api_client.h"

namespace cop::leaderelection::testing {

class LeaseStore {
 public:
  client::ApiResult get(const std::string& nameSpace, const std::string& name);
  client::ApiResult create(const std::string& nameSpace, nlohmann::json object);
  client::ApiResult update(const std::string& nameSpace, nlohmann::json object);

  // The stored object, if any (for assertions).
  std::optional<nlohmann::json> object(const std::string& nameSpace, const std::string& name) const;
  // Writes as another party would (kubectl, a candidate we do not run): stores the object as
  // it is, with a new resourceVersion.
  void put(const std::string& nameSpace, nlohmann::json object);
  // Successful creates and updates so far.
  int writes() const;

 private:
  static std::string key(const std::string& nameSpace, const std::string& name);

  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> objects_;
  std::uint64_t nextResourceVersion_ = 100;
  int writes_ = 0;
};

// A 404/409/503 as the server sends them.
client::ApiError notFoundError();
client::ApiError conflictError();
client::ApiError alreadyExistsError();
client::ApiError unavailableError();

class FakeLeaseClient final : public client::ApiClient {
 public:
  enum class Verb { Get, Create, Update };

  explicit FakeLeaseClient(LeaseStore& store) : store_(store) {}

  // The next call of `verb` fails with `error` (queued: several calls fail in turn).
  void failNext(Verb verb, client::ApiError error);
  // Every call fails with 503 (an API server this client cannot reach) until turned off.
  void failAll(bool fail);
  // The next update blocks until unblock(); awaitBlocked() returns once it is stuck there.
  // It then fails with 503 (the transport's deadline) unless `succeed`.
  void hangNextUpdate();
  bool awaitBlocked();
  void unblock(bool succeed);

  int calls() const;
  int calls(Verb verb) const;

  // client::ApiClient
  client::ApiResult get(const client::ApiResource& resource, const std::string& nameSpace,
                        const std::string& name, const client::GetOptions& options) override;
  Expected<client::ListPage, client::ApiError> list(const client::ApiResource& resource,
                                                    const std::string& nameSpace,
                                                    const client::ListOptions& options) override;
  client::ApiResult create(const client::ApiResource& resource, const std::string& nameSpace,
                           const nlohmann::json& object) override;
  client::ApiResult update(const client::ApiResource& resource, const std::string& nameSpace,
                           const nlohmann::json& object, const std::string& subresource) override;
  client::ApiResult mergePatch(const client::ApiResource& resource, const std::string& nameSpace,
                               const std::string& name, const nlohmann::json& patch,
                               const std::string& subresource) override;
  client::ApiResult apply(const client::ApiResource& resource, const std::string& nameSpace,
                          const nlohmann::json& object, const client::ApplyOptions& options,
                          const std::string& subresource) override;
  client::ApiResult remove(const client::ApiResource& resource, const std::string& nameSpace,
                           const std::string& name, const client::DeleteOptions& options) override;
  client::WatchResult watch(const client::ApiResource& resource, const std::string& nameSpace,
                            const client::WatchOptions& options,
                            const client::WatchHandler& onEvent) override;

 private:
  // Counts the call; the error it must fail with, if any (may block for a hang).
  std::optional<client::ApiError> enter(Verb verb);

  LeaseStore& store_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<Verb, std::vector<client::ApiError>> failures_;
  std::map<Verb, int> calls_;
  bool failAll_ = false;
  bool hangNext_ = false;
  bool blocked_ = false;
  bool released_ = false;
  bool succeedAfterHang_ = false;
};

}  // namespace cop::leaderelection::testing
