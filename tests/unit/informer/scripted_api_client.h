#pragma once

// An ApiClient that answers from a script, for the reflector's and informer's pure logic: each
// LIST takes the next scripted page, each WATCH the next scripted stream (events, then how it
// ends, or a failure to start). When the watch script runs out, a WATCH blocks until its stop
// token fires, as an idle real watch does. Every request's options are recorded.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "operator/client/api_client.h"

namespace cop::cache::testing {

inline nlohmann::json configMap(const std::string& name, const std::string& rv,
                                const std::string& ns = "default") {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", name},
            {"namespace", ns},
            {"resourceVersion", rv},
            {"managedFields", nlohmann::json::array({{{"manager", "kubectl"}}})}}}};
}

inline client::WatchEvent event(client::WatchEventType type, nlohmann::json object) {
  client::WatchEvent e;
  e.type = type;
  e.object = std::move(object);
  return e;
}

inline client::WatchEvent bookmark(const std::string& rv, bool initialEventsEnd = false) {
  nlohmann::json object = {{"kind", "ConfigMap"}, {"metadata", {{"resourceVersion", rv}}}};
  if (initialEventsEnd) {
    object["metadata"]["annotations"] = {{client::kInitialEventsEndAnnotation, "true"}};
  }
  return event(client::WatchEventType::Bookmark, std::move(object));
}

inline client::WatchEvent errorEvent(int code, const std::string& reason) {
  client::WatchEvent e;
  e.type = client::WatchEventType::Error;
  e.object = {{"kind", "Status"}, {"code", code}, {"reason", reason}};
  e.status = client::parseApiStatus(e.object);
  return e;
}

inline client::ApiError apiError(int code, const std::string& reason) {
  client::ApiError error;
  error.code = code;
  error.reason = reason;
  error.kind = code == 422   ? client::ApiErrorKind::Invalid
               : code == 410 ? client::ApiErrorKind::Expired
               : code == 429 ? client::ApiErrorKind::TooManyRequests
                             : client::ApiErrorKind::InternalError;
  return error;
}

struct ScriptedWatch {
  std::vector<client::WatchEvent> events;
  client::WatchEnd end = client::WatchEnd::Closed;
  std::optional<client::ApiError> startError;  // set: the watch does not start
};

class ScriptedApiClient final : public client::ApiClient {
 public:
  void addPage(client::ListPage page) {
    const std::lock_guard lock(mutex_);
    pages_.push_back(std::move(page));
  }
  void addListError(client::ApiError error) {
    const std::lock_guard lock(mutex_);
    pages_.push_back(std::move(error));
  }
  void addWatch(ScriptedWatch watch) {
    const std::lock_guard lock(mutex_);
    watches_.push_back(std::move(watch));
  }

  std::vector<client::ListOptions> lists() const {
    const std::lock_guard lock(mutex_);
    return listCalls_;
  }
  std::vector<client::WatchOptions> watchCalls() const {
    const std::lock_guard lock(mutex_);
    return watchCalls_;
  }
  // Blocks until `count` watches are idle (script exhausted, blocked until stop).
  void awaitIdleWatches(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return idleWatches_ >= count; });
  }

  Expected<client::ListPage, client::ApiError> list(const client::ApiResource&, const std::string&,
                                                    const client::ListOptions& options) override {
    const std::lock_guard lock(mutex_);
    listCalls_.push_back(options);
    if (pages_.empty()) {
      return client::ListPage{};
    }
    auto next = std::move(pages_.front());
    pages_.pop_front();
    if (auto* error = std::get_if<client::ApiError>(&next)) {
      return Unexpected(std::move(*error));
    }
    return std::get<client::ListPage>(std::move(next));
  }

  client::WatchResult watch(const client::ApiResource&, const std::string&,
                            const client::WatchOptions& options,
                            const client::WatchHandler& onEvent) override {
    std::unique_lock lock(mutex_);
    watchCalls_.push_back(options);
    if (watches_.empty()) {
      ++idleWatches_;
      changed_.notify_all();
      std::condition_variable_any idle;
      idle.wait(lock, options.stop, [] { return false; });
      return client::WatchEnd::Stopped;
    }
    ScriptedWatch watch = std::move(watches_.front());
    watches_.pop_front();
    lock.unlock();
    if (watch.startError) {
      return Unexpected(*watch.startError);
    }
    for (client::WatchEvent& e : watch.events) {
      if (!onEvent(e)) {
        return client::WatchEnd::Stopped;
      }
    }
    return watch.end;
  }

  // Not used by informers.
  client::ApiResult get(const client::ApiResource&, const std::string&, const std::string&,
                        const client::GetOptions&) override {
    return Unexpected(client::ApiError{});
  }
  client::ApiResult create(const client::ApiResource&, const std::string&,
                           const nlohmann::json&) override {
    return Unexpected(client::ApiError{});
  }
  client::ApiResult update(const client::ApiResource&, const std::string&, const nlohmann::json&,
                           const std::string&) override {
    return Unexpected(client::ApiError{});
  }
  client::ApiResult mergePatch(const client::ApiResource&, const std::string&, const std::string&,
                               const nlohmann::json&, const std::string&) override {
    return Unexpected(client::ApiError{});
  }
  client::ApiResult apply(const client::ApiResource&, const std::string&, const nlohmann::json&,
                          const client::ApplyOptions&, const std::string&) override {
    return Unexpected(client::ApiError{});
  }
  client::ApiResult remove(const client::ApiResource&, const std::string&, const std::string&,
                           const client::DeleteOptions&) override {
    return Unexpected(client::ApiError{});
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::variant<client::ListPage, client::ApiError>> pages_;
  std::deque<ScriptedWatch> watches_;
  std::vector<client::ListOptions> listCalls_;
  std::vector<client::WatchOptions> watchCalls_;
  int idleWatches_ = 0;
};

}  // namespace cop::cache::testing
