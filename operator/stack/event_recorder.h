#pragma once

// Kubernetes Events for a stack (events.k8s.io/v1, as controller-runtime's GetEventRecorder
// writes them since v0.23; operator-conventions.md §3): one per change of state, never one per
// reconcile. An event is a best-effort record: a failure to write one is logged by the caller
// and never fails the reconcile.

#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "operator/client/api_client.h"

namespace cop::stack {

// events.k8s.io/v1 limits: reason, action and reportingInstance at most 128 characters (the
// note's limit is stack_status.h's kMaxEventNoteBytes).
inline constexpr std::size_t kMaxEventReasonLength = 128;
inline constexpr const char* kReportingController = "compose.operator.dev/compose-operator";

struct EventRecord {
  std::string type;    // Normal | Warning
  std::string reason;  // CamelCase category
  std::string note;    // already free of secret values
  std::string action = "Reconcile";
};

class EventRecorder {
 public:
  // `instance`: this process (the pod's name), reportingInstance.
  EventRecorder(client::ApiClient& api, std::string instance)
      : api_(api), instance_(std::move(instance)) {}

  // `regarding`: the object the event is about (its metadata names it).
  Expected<void, client::ApiError> record(const nlohmann::json& regarding,
                                          const EventRecord& event);

 private:
  std::string eventName(const std::string& objectName);

  client::ApiClient& api_;
  std::string instance_;
  std::mutex mutex_;
  std::mt19937_64 random_{std::random_device{}()};  // guarded by mutex_
};

}  // namespace cop::stack
