#pragma once

// An in-memory ApiClient for the apply and prune logic: objects by (resource, namespace, name),
// a global resourceVersion counter bumped only when an object really changes (as the server
// skips no-op applies, kube-runtime.md §3.3), equality label selectors, UID preconditions.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "operator/client/api_client.h"

namespace cop::apply::testing {

client::ApiResource configMapResource();

class FakeApiClient final : public client::ApiClient {
 public:
  // Stores `object` (as a create would) with a fresh uid and resourceVersion; returns it.
  nlohmann::json put(const client::ApiResource& resource, const std::string& nameSpace,
                     nlohmann::json object);
  // The stored object, or null.
  nlohmann::json stored(const client::ApiResource& resource, const std::string& nameSpace,
                        const std::string& name) const;
  // The next remove of `name` finds it already gone (deleted by someone else after our list).
  void vanishBeforeDelete(const std::string& name);
  // Before the next remove of `name`, the object is replaced by a new one (a new uid).
  void replaceBeforeDelete(const std::string& name);
  // The next apply fails with `error` (and changes nothing).
  void failNextApply(client::ApiError error);

  int applies() const;
  int removes() const;

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
  using Key = std::tuple<std::string, std::string, std::string>;  // resource, namespace, name
  nlohmann::json storeLocked(const Key& key, nlohmann::json object, bool keepIdentity);

  mutable std::mutex mutex_;
  std::map<Key, nlohmann::json> objects_;
  std::set<std::string> vanishing_;
  std::set<std::string> replacing_;
  std::optional<client::ApiError> applyFailure_;
  int nextResourceVersion_ = 1;
  int nextUid_ = 1;
  int applies_ = 0;
  int removes_ = 0;
};

client::ApiError notFound(const std::string& name);
client::ApiError serverError();

}  // namespace cop::apply::testing
