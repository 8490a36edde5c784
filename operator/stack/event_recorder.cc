#include "operator/stack/event_recorder.h"

#include <chrono>
#include <cstdio>
#include <random>

#include "operator/client/json_fields.h"
#include "operator/leaderelection/lease_record.h"
#include "operator/stack/stack_status.h"
#include "operator/stack/status_text.h"

namespace cop::stack {

namespace {

const client::ApiResource& eventResource() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("events.k8s.io", "v1", "Event");
  return resource;
}

// MicroTime: RFC 3339 with microseconds, UTC (as Lease records carry it).
std::string microTimeNow() {
  return leaderelection::formatMicroTime(
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
}

}  // namespace

// client-go names events "<object>.<unique hex>".
std::string EventRecorder::eventName(const std::string& objectName) {
  constexpr std::size_t kHexDigits = 16;
  char suffix[kHexDigits + 1];
  {
    const std::lock_guard lock(mutex_);
    std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random_()));
  }
  return objectName + "." + suffix;
}

Expected<void, client::ApiError> EventRecorder::record(const nlohmann::json& regarding,
                                                       const EventRecord& event) {
  const nlohmann::json& metadata = regarding.at("metadata");
  const std::string nameSpace = client::stringAt(metadata, "namespace");
  const std::string name = client::stringAt(metadata, "name");
  const nlohmann::json object = {
      {"apiVersion", "events.k8s.io/v1"},
      {"kind", "Event"},
      {"metadata", {{"name", eventName(name)}, {"namespace", nameSpace}}},
      {"eventTime", microTimeNow()},
      {"reportingController", kReportingController},
      {"reportingInstance", bounded(instance_, kMaxEventReasonLength)},
      {"action", bounded(event.action, kMaxEventReasonLength)},
      {"reason", bounded(event.reason, kMaxEventReasonLength)},
      {"note", bounded(event.note, kMaxEventNoteBytes)},
      {"type", event.type},
      {"regarding",
       {{"apiVersion", client::stringAt(regarding, "apiVersion")},
        {"kind", client::stringAt(regarding, "kind")},
        {"namespace", nameSpace},
        {"name", name},
        {"uid", client::stringAt(metadata, "uid")},
        {"resourceVersion", client::stringAt(metadata, "resourceVersion")}}}};
  auto created = api_.create(eventResource(), nameSpace, object);
  if (!created) {
    return Unexpected(std::move(created).error());
  }
  return {};
}

}  // namespace cop::stack
