#include "tests/unit/leaderelection/fake_lease_client.h"

#include <utility>

namespace cop::leaderelection::testing {
namespace {

client::ApiError error(client::ApiErrorKind kind, int code, std::string reason) {
  client::ApiError e;
  e.kind = kind;
  e.code = code;
  e.reason = std::move(reason);
  e.message = "fake " + e.reason;
  e.statusBody = true;
  return e;
}

std::string resourceVersionOf(const nlohmann::json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return "";
  }
  const auto rv = metadata->find("resourceVersion");
  return rv != metadata->end() && rv->is_string() ? rv->get<std::string>() : "";
}

std::string nameOf(const nlohmann::json& object) {
  return object.at("metadata").at("name").get<std::string>();
}

}  // namespace

client::ApiError notFoundError() {
  return error(client::ApiErrorKind::NotFound, 404, "NotFound");
}
client::ApiError conflictError() {
  return error(client::ApiErrorKind::Conflict, 409, "Conflict");
}
client::ApiError alreadyExistsError() {
  return error(client::ApiErrorKind::AlreadyExists, 409, "AlreadyExists");
}
client::ApiError unavailableError() {
  return error(client::ApiErrorKind::ServiceUnavailable, 503, "ServiceUnavailable");
}

std::string LeaseStore::key(const std::string& nameSpace, const std::string& name) {
  return nameSpace + "/" + name;
}

client::ApiResult LeaseStore::get(const std::string& nameSpace, const std::string& name) {
  std::lock_guard guard(mutex_);
  const auto it = objects_.find(key(nameSpace, name));
  if (it == objects_.end()) {
    return Unexpected(notFoundError());
  }
  return client::ApiObject{it->second, {}};
}

client::ApiResult LeaseStore::create(const std::string& nameSpace, nlohmann::json object) {
  std::lock_guard guard(mutex_);
  const std::string k = key(nameSpace, nameOf(object));
  if (objects_.contains(k)) {
    return Unexpected(alreadyExistsError());
  }
  object["metadata"]["namespace"] = nameSpace;
  object["metadata"]["resourceVersion"] = std::to_string(nextResourceVersion_++);
  objects_[k] = object;
  ++writes_;
  return client::ApiObject{object, {}};
}

client::ApiResult LeaseStore::update(const std::string& nameSpace, nlohmann::json object) {
  std::lock_guard guard(mutex_);
  const auto it = objects_.find(key(nameSpace, nameOf(object)));
  if (it == objects_.end()) {
    return Unexpected(notFoundError());
  }
  const std::string sent = resourceVersionOf(object);
  if (!sent.empty() && sent != resourceVersionOf(it->second)) {
    return Unexpected(conflictError());
  }
  object["metadata"]["resourceVersion"] = std::to_string(nextResourceVersion_++);
  it->second = object;
  ++writes_;
  return client::ApiObject{object, {}};
}

std::optional<nlohmann::json> LeaseStore::object(const std::string& nameSpace,
                                                 const std::string& name) const {
  std::lock_guard guard(mutex_);
  const auto it = objects_.find(key(nameSpace, name));
  if (it == objects_.end()) {
    return std::nullopt;
  }
  return it->second;
}

void LeaseStore::put(const std::string& nameSpace, nlohmann::json object) {
  std::lock_guard guard(mutex_);
  object["metadata"]["namespace"] = nameSpace;
  object["metadata"]["resourceVersion"] = std::to_string(nextResourceVersion_++);
  const std::string k = key(nameSpace, nameOf(object));
  objects_[k] = std::move(object);
}

int LeaseStore::writes() const {
  std::lock_guard guard(mutex_);
  return writes_;
}

void FakeLeaseClient::failNext(Verb verb, client::ApiError error) {
  std::lock_guard guard(mutex_);
  failures_[verb].push_back(std::move(error));
}

void FakeLeaseClient::failAll(bool fail) {
  std::lock_guard guard(mutex_);
  failAll_ = fail;
}

void FakeLeaseClient::hangNextUpdate() {
  std::lock_guard guard(mutex_);
  hangNext_ = true;
  released_ = false;
}

bool FakeLeaseClient::awaitBlocked() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return blocked_; });
  return blocked_;
}

void FakeLeaseClient::unblock(bool succeed) {
  std::lock_guard guard(mutex_);
  released_ = true;
  succeedAfterHang_ = succeed;
  cv_.notify_all();
}

int FakeLeaseClient::calls() const {
  std::lock_guard guard(mutex_);
  int total = 0;
  for (const auto& [verb, count] : calls_) {
    total += count;
  }
  return total;
}

int FakeLeaseClient::calls(Verb verb) const {
  std::lock_guard guard(mutex_);
  const auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

std::optional<client::ApiError> FakeLeaseClient::enter(Verb verb) {
  std::unique_lock lock(mutex_);
  ++calls_[verb];
  if (verb == Verb::Update && hangNext_) {
    hangNext_ = false;
    blocked_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    blocked_ = false;
    if (!succeedAfterHang_) {
      return unavailableError();
    }
  }
  if (failAll_) {
    return unavailableError();
  }
  auto& queued = failures_[verb];
  if (!queued.empty()) {
    client::ApiError e = queued.front();
    queued.erase(queued.begin());
    return e;
  }
  return std::nullopt;
}

client::ApiResult FakeLeaseClient::get(const client::ApiResource&, const std::string& nameSpace,
                                       const std::string& name, const client::GetOptions&) {
  if (auto e = enter(Verb::Get)) {
    return Unexpected(*e);
  }
  return store_.get(nameSpace, name);
}

client::ApiResult FakeLeaseClient::create(const client::ApiResource&, const std::string& nameSpace,
                                          const nlohmann::json& object) {
  if (auto e = enter(Verb::Create)) {
    return Unexpected(*e);
  }
  return store_.create(nameSpace, object);
}

client::ApiResult FakeLeaseClient::update(const client::ApiResource&, const std::string& nameSpace,
                                          const nlohmann::json& object, const std::string&) {
  if (auto e = enter(Verb::Update)) {
    return Unexpected(*e);
  }
  return store_.update(nameSpace, object);
}

Expected<client::ListPage, client::ApiError> FakeLeaseClient::list(const client::ApiResource&,
                                                                   const std::string&,
                                                                   const client::ListOptions&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "MethodNotAllowed"));
}
client::ApiResult FakeLeaseClient::mergePatch(const client::ApiResource&, const std::string&,
                                              const std::string&, const nlohmann::json&,
                                              const std::string&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "MethodNotAllowed"));
}
client::ApiResult FakeLeaseClient::apply(const client::ApiResource&, const std::string&,
                                         const nlohmann::json&, const client::ApplyOptions&,
                                         const std::string&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "MethodNotAllowed"));
}
client::ApiResult FakeLeaseClient::remove(const client::ApiResource&, const std::string&,
                                          const std::string&, const client::DeleteOptions&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "MethodNotAllowed"));
}
client::WatchResult FakeLeaseClient::watch(const client::ApiResource&, const std::string&,
                                           const client::WatchOptions&,
                                           const client::WatchHandler&) {
  return Unexpected(error(client::ApiErrorKind::MethodNotAllowed, 405, "MethodNotAllowed"));
}

}  // namespace cop::leaderelection::testing
