#pragma once

// A Transport that plays a script: it records every request and answers each with the next
// canned step (a response, a transport failure, or a stream of body chunks cut wherever the
// test likes). Pure logic only: the real transport is tested against a real apiserver.

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "operator/client/rest_client.h"
#include "operator/client/transport.h"

namespace cop::client::testing {

struct Step {
  HttpResponse response;
  std::optional<TransportError> failure;  // before any byte, or after the chunks
  std::vector<std::string> chunks;        // a 2xx stream's body, piece by piece
  // Runs after the chunks, before the end: e.g. a stop request while the stream is idle.
  std::function<void()> whileIdle;
};

inline HttpResponse response(long status, std::string body,
                             HttpHeaderList headers = {{"content-type", "application/json"}}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline Step ok(std::string body, HttpHeaderList headers = {}) {
  headers.emplace_back("content-type", "application/json");
  return Step{response(200, std::move(body), std::move(headers)), std::nullopt, {}, {}};
}

// A metav1.Status answer.
inline Step status(long code, const std::string& reason, const std::string& message,
                   HttpHeaderList headers = {}, std::string details = "{}") {
  headers.emplace_back("content-type", "application/json");
  const std::string body = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                           R"("message":")" +
                           message + R"(","reason":")" + reason + R"(","details":)" + details +
                           R"(,"code":)" + std::to_string(code) + "}";
  return Step{response(code, body, std::move(headers)), std::nullopt, {}, {}};
}

inline Step failure(TransportFailure kind, std::string message = "connection failed") {
  return Step{{}, TransportError{kind, std::move(message)}, {}, {}};
}

inline Step streamOf(std::vector<std::string> chunks) {
  return Step{response(200, ""), std::nullopt, std::move(chunks), {}};
}

class ScriptedTransport final : public Transport {
 public:
  void push(Step step) { script_.push_back(std::move(step)); }

  TransportResult send(const HttpRequest& request) override {
    requests.push_back(request);
    Step step = next();
    if (step.failure) {
      return Unexpected(*step.failure);
    }
    return step.response;
  }

  TransportResult stream(const HttpRequest& request, const BodyChunkHandler& onChunk) override {
    requests.push_back(request);
    Step step = next();
    const bool success = step.response.status >= 200 && step.response.status < 300;
    if (success) {
      for (const std::string& chunk : step.chunks) {
        if (!onChunk(chunk)) {
          return Unexpected(TransportError{TransportFailure::kAborted, "stopped by the receiver"});
        }
      }
    }
    if (step.whileIdle) {
      step.whileIdle();
    }
    // As CurlTransport: an idle stream ends within a second of a stop request.
    if (request.stop.stop_requested()) {
      return Unexpected(TransportError{TransportFailure::kAborted, "stop requested"});
    }
    if (step.failure) {
      return Unexpected(*step.failure);
    }
    return step.response;
  }

  std::vector<HttpRequest> requests;

 private:
  Step next() {
    if (script_.empty()) {
      return failure(TransportFailure::kOther, "the script has no more steps");
    }
    Step step = std::move(script_.front());
    script_.pop_front();
    return step;
  }

  std::deque<Step> script_;
};

// The value of a request header, or "" when absent.
inline std::string header(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

class RecordingSleeper final : public Sleeper {
 public:
  void sleep(std::chrono::milliseconds duration) override { sleeps.push_back(duration); }
  std::vector<std::chrono::milliseconds> sleeps;
};

class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_{std::chrono::seconds(1'800'000'000)};
};

inline ApiResource configMaps() {
  ApiResource r;
  r.version = "v1";
  r.resource = "configmaps";
  r.kind = "ConfigMap";
  r.namespaced = true;
  return r;
}

inline ApiResource deployments() {
  ApiResource r;
  r.group = "apps";
  r.version = "v1";
  r.resource = "deployments";
  r.kind = "Deployment";
  r.namespaced = true;
  r.subresources = {"status", "scale"};
  return r;
}

inline ApiResource clusterRoles() {
  ApiResource r;
  r.group = "rbac.authorization.k8s.io";
  r.version = "v1";
  r.resource = "clusterroles";
  r.kind = "ClusterRole";
  r.namespaced = false;
  return r;
}

}  // namespace cop::client::testing
