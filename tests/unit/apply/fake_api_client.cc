#include "tests/unit/apply/fake_api_client.h"

#include <sstream>

namespace cop::apply::testing {
namespace {

client::ApiError error(client::ApiErrorKind kind, int code, std::string message) {
  client::ApiError e;
  e.kind = kind;
  e.code = code;
  e.message = std::move(message);
  return e;
}

// "a=b,c=d": the only selector form the tests use.
bool matches(const nlohmann::json& object, const std::string& selector) {
  std::istringstream parts(selector);
  std::string term;
  const nlohmann::json labels = object["metadata"].value("labels", nlohmann::json::object());
  while (std::getline(parts, term, ',')) {
    const auto eq = term.find('=');
    const std::string key = term.substr(0, eq);
    if (!labels.contains(key) || (eq != std::string::npos && labels[key] != term.substr(eq + 1))) {
      return false;
    }
  }
  return true;
}

}  // namespace

client::ApiResource configMapResource() {
  client::ApiResource r;
  r.version = "v1";
  r.resource = "configmaps";
  r.kind = "ConfigMap";
  r.namespaced = true;
  return r;
}

client::ApiError serverError() {
  return error(client::ApiErrorKind::InternalError, 500, "etcd timed out");
}

client::ApiError notFound(const std::string& name) {
  return error(client::ApiErrorKind::NotFound, 404, "\"" + name + "\" not found");
}

nlohmann::json FakeApiClient::storeLocked(const Key& key, nlohmann::json object,
                                          bool keepIdentity) {
  const auto existing = objects_.find(key);
  nlohmann::json& metadata = object["metadata"];
  if (keepIdentity && existing != objects_.end()) {
    const nlohmann::json& old = existing->second["metadata"];
    metadata["uid"] = old["uid"];
    metadata["resourceVersion"] = old["resourceVersion"];
    if (existing->second == object) {
      return object;  // no change: the server writes nothing and keeps the version
    }
  } else {
    metadata["uid"] = "uid-" + std::to_string(nextUid_++);
  }
  metadata["resourceVersion"] = std::to_string(nextResourceVersion_++);
  objects_[key] = object;
  return object;
}

nlohmann::json FakeApiClient::put(const client::ApiResource& resource, const std::string& nameSpace,
                                  nlohmann::json object) {
  const std::lock_guard lock(mutex_);
  object["metadata"]["namespace"] = nameSpace;
  const std::string name = object["metadata"]["name"];
  return storeLocked({resource.resource, nameSpace, name}, std::move(object), false);
}

nlohmann::json FakeApiClient::stored(const client::ApiResource& resource,
                                     const std::string& nameSpace, const std::string& name) const {
  const std::lock_guard lock(mutex_);
  const auto found = objects_.find({resource.resource, nameSpace, name});
  return found == objects_.end() ? nlohmann::json() : found->second;
}

void FakeApiClient::vanishBeforeDelete(const std::string& name) {
  const std::lock_guard lock(mutex_);
  vanishing_.insert(name);
}

void FakeApiClient::replaceBeforeDelete(const std::string& name) {
  const std::lock_guard lock(mutex_);
  replacing_.insert(name);
}

void FakeApiClient::failNextApply(client::ApiError error) {
  const std::lock_guard lock(mutex_);
  applyFailure_ = std::move(error);
}

int FakeApiClient::applies() const {
  const std::lock_guard lock(mutex_);
  return applies_;
}

int FakeApiClient::removes() const {
  const std::lock_guard lock(mutex_);
  return removes_;
}

client::ApiResult FakeApiClient::get(const client::ApiResource& resource,
                                     const std::string& nameSpace, const std::string& name,
                                     const client::GetOptions&) {
  nlohmann::json object = stored(resource, nameSpace, name);
  if (object.is_null()) {
    return Unexpected(notFound(name));
  }
  return client::ApiObject{std::move(object), {}};
}

Expected<client::ListPage, client::ApiError> FakeApiClient::list(
    const client::ApiResource& resource, const std::string& nameSpace,
    const client::ListOptions& options) {
  const std::lock_guard lock(mutex_);
  client::ListPage page;
  for (const auto& [key, object] : objects_) {
    if (std::get<0>(key) == resource.resource &&
        (nameSpace.empty() || std::get<1>(key) == nameSpace) &&
        matches(object, options.labelSelector)) {
      page.items.push_back(object);
    }
  }
  page.resourceVersion = std::to_string(nextResourceVersion_ - 1);
  return page;
}

client::ApiResult FakeApiClient::create(const client::ApiResource& resource,
                                        const std::string& nameSpace,
                                        const nlohmann::json& object) {
  return client::ApiObject{put(resource, nameSpace, object), {}};
}

client::ApiResult FakeApiClient::update(const client::ApiResource&, const std::string&,
                                        const nlohmann::json&, const std::string&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "not in this fake"));
}

client::ApiResult FakeApiClient::mergePatch(const client::ApiResource& resource,
                                            const std::string& nameSpace, const std::string& name,
                                            const nlohmann::json& patch, const std::string&) {
  const std::lock_guard lock(mutex_);
  const Key key{resource.resource, nameSpace, name};
  const auto found = objects_.find(key);
  if (found == objects_.end()) {
    return Unexpected(notFound(name));
  }
  nlohmann::json object = found->second;
  object.merge_patch(patch);
  return client::ApiObject{storeLocked(key, std::move(object), true), {}};
}

client::ApiResult FakeApiClient::apply(const client::ApiResource& resource,
                                       const std::string& nameSpace, const nlohmann::json& object,
                                       const client::ApplyOptions&, const std::string&) {
  const std::lock_guard lock(mutex_);
  ++applies_;
  if (applyFailure_) {
    client::ApiError failure = std::move(*applyFailure_);
    applyFailure_.reset();
    return Unexpected(std::move(failure));
  }
  nlohmann::json copy = object;
  copy["metadata"]["namespace"] = nameSpace;
  const std::string name = copy["metadata"]["name"];
  return client::ApiObject{storeLocked({resource.resource, nameSpace, name}, std::move(copy), true),
                           {}};
}

client::ApiResult FakeApiClient::remove(const client::ApiResource& resource,
                                        const std::string& nameSpace, const std::string& name,
                                        const client::DeleteOptions& options) {
  const std::lock_guard lock(mutex_);
  ++removes_;
  const Key key{resource.resource, nameSpace, name};
  if (vanishing_.erase(name) > 0) {
    objects_.erase(key);
  }
  const auto found = objects_.find(key);
  if (found == objects_.end()) {
    return Unexpected(notFound(name));
  }
  if (replacing_.erase(name) > 0) {
    found->second["metadata"]["uid"] = "uid-" + std::to_string(nextUid_++);
  }
  if (!options.preconditionUid.empty() &&
      found->second["metadata"].value("uid", "") != options.preconditionUid) {
    return Unexpected(error(client::ApiErrorKind::Conflict, 409, "uid precondition failed"));
  }
  nlohmann::json gone = found->second;
  objects_.erase(found);
  return client::ApiObject{std::move(gone), {}};
}

client::WatchResult FakeApiClient::watch(const client::ApiResource&, const std::string&,
                                         const client::WatchOptions&, const client::WatchHandler&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "not in this fake"));
}

}  // namespace cop::apply::testing
