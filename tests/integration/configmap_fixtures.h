#pragma once

// What the informer integration tests share: ConfigMaps in a namespace of their own per run, a
// "counter" ConfigMap written value after value, and the check that an informer's cache equals
// a fresh LIST.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>

#include "operator/cache/informer.h"
#include "operator/client/rest_client.h"

namespace cop::testing {

inline const client::ApiResource& configMaps() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  return resource;
}

inline nlohmann::json configMap(const std::string& ns, const std::string& name, int n) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", {{"n", std::to_string(n)}}}};
}

// A namespace of its own for each run, so a test can run again on the same cluster.
inline std::string runNamespace(const std::string& base) {
  return base + "-" + std::to_string(::getpid());
}

inline void ensureNamespace(client::ApiClient& api, const std::string& name) {
  const client::ApiResource namespaces =
      *client::builtinResourceMap().forKind("", "v1", "Namespace");
  const nlohmann::json object = {
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  auto applied = api.apply(namespaces, "", object, {.fieldManager = "runtime-test"});
  ASSERT_TRUE(applied) << applied.error().describe();
}

// Sets data.n of the ConfigMap "counter" to each value from `from` to `to`, one write each.
inline void writeCounter(client::ApiClient& api, const std::string& ns, int from, int to) {
  for (int n = from; n <= to; ++n) {
    auto written =
        api.mergePatch(configMaps(), ns, "counter", {{"data", {{"n", std::to_string(n)}}}});
    ASSERT_TRUE(written) << written.error().describe();
  }
}

// The cache equals a fresh LIST, object for object and version for version.
inline void expectCacheEqualsList(client::ApiClient& api, const cache::Informer& informer,
                                  const std::string& ns) {
  auto fresh = client::listAll(api, configMaps(), ns);
  ASSERT_TRUE(fresh) << fresh.error().describe();
  std::map<std::string, std::string> listed;
  for (const nlohmann::json& item : fresh->items) {
    listed[item["metadata"]["name"]] = item["metadata"]["resourceVersion"];
  }
  std::map<std::string, std::string> cached;
  for (const cache::ObjectPtr& object : informer.store().list()) {
    cached[(*object)["metadata"]["name"]] = (*object)["metadata"]["resourceVersion"];
  }
  EXPECT_EQ(cached, listed);
}

inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cop::testing
