#include "operator/leaderelection/lease_record.h"

#include <cstdio>
#include <limits>

namespace cop::leaderelection {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view kApiVersion = "coordination.k8s.io/v1";
constexpr std::string_view kKind = "Lease";

// Reads exactly `count` decimal digits at `pos`, advancing it.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool literal(std::string_view text, std::size_t& pos, char expected) {
  if (pos >= text.size() || text[pos] != expected) {
    return false;
  }
  ++pos;
  return true;
}

// A JSON integer that fits an int32 (the Lease fields are int32), or the error to report.
Expected<int, std::string> int32Field(const nlohmann::json& spec, const char* name) {
  const auto it = spec.find(name);
  if (it == spec.end() || it->is_null()) {
    return 0;
  }
  if (!it->is_number_integer()) {
    return Unexpected(std::string("spec.") + name + " is not an integer");
  }
  const auto value = it->get<long long>();
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    return Unexpected(std::string("spec.") + name + " is out of range");
  }
  return static_cast<int>(value);
}

Expected<std::optional<MicroTime>, std::string> timeField(const nlohmann::json& spec,
                                                          const char* name) {
  const auto it = spec.find(name);
  if (it == spec.end() || it->is_null()) {
    return std::optional<MicroTime>{};
  }
  if (!it->is_string()) {
    return Unexpected(std::string("spec.") + name + " is not a string");
  }
  auto parsed = parseMicroTime(it->get_ref<const std::string&>());
  if (!parsed) {
    return Unexpected(std::string("spec.") + name + " is not an RFC 3339 time");
  }
  return parsed;
}

}  // namespace

std::string formatMicroTime(MicroTime time) {
  const auto dayPoint = std::chrono::floor<days>(time);
  std::chrono::year_month_day ymd{dayPoint};
  const auto sinceMidnight = time - dayPoint;
  const auto h = std::chrono::duration_cast<hours>(sinceMidnight);
  const auto m = std::chrono::duration_cast<minutes>(sinceMidnight - h);
  const auto s = std::chrono::duration_cast<seconds>(sinceMidnight - h - m);
  const auto us = std::chrono::duration_cast<microseconds>(sinceMidnight - h - m - s);
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    ymd = year < 0 ? std::chrono::year_month_day{std::chrono::year{0} / 1 / 1}
                   : std::chrono::year_month_day{std::chrono::year{9999} / 12 / 31};
    year = static_cast<int>(ymd.year());
  }
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", year,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(h.count()), static_cast<int>(m.count()),
                static_cast<int>(s.count()), static_cast<long long>(us.count()));
  return buffer;
}

std::optional<MicroTime> parseMicroTime(std::string_view text) {
  std::size_t pos = 0;
  const auto year = digits(text, pos, 4);
  if (!year || !literal(text, pos, '-')) {
    return std::nullopt;
  }
  const auto month = digits(text, pos, 2);
  if (!month || !literal(text, pos, '-')) {
    return std::nullopt;
  }
  const auto day = digits(text, pos, 2);
  if (!day || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) {
    return std::nullopt;
  }
  ++pos;
  const auto hour = digits(text, pos, 2);
  if (!hour || !literal(text, pos, ':')) {
    return std::nullopt;
  }
  const auto minute = digits(text, pos, 2);
  if (!minute || !literal(text, pos, ':')) {
    return std::nullopt;
  }
  const auto second = digits(text, pos, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                        std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  long long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t count = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (count < 6) {
        micros = micros * 10 + (text[pos] - '0');
      }
      ++count;
      ++pos;
    }
    // Go's time.Parse takes up to nine digits (nanoseconds); none at all is not a fraction.
    if (count == 0 || count > 9) {
      return std::nullopt;
    }
    for (std::size_t i = count; i < 6; ++i) {
      micros *= 10;
    }
  }
  minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const bool negative = text[pos] == '-';
    ++pos;
    const auto offsetHours = digits(text, pos, 2);
    if (!offsetHours || !literal(text, pos, ':')) {
      return std::nullopt;
    }
    const auto offsetMinutes = digits(text, pos, 2);
    if (!offsetMinutes || *offsetHours > 23 || *offsetMinutes > 59) {
      return std::nullopt;
    }
    offset = hours(*offsetHours) + minutes(*offsetMinutes);
    if (negative) {
      offset = -offset;
    }
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  // A local time with offset +hh:mm is that much ahead of UTC.
  return MicroTime{std::chrono::sys_days{ymd} + hours(*hour) + minutes(*minute) + seconds(*second) +
                   microseconds(micros) - offset};
}

Expected<LeaderElectionRecord, std::string> recordFromLease(const nlohmann::json& lease) {
  if (!lease.is_object()) {
    return Unexpected(std::string("the Lease is not a JSON object"));
  }
  LeaderElectionRecord record;
  const auto specIt = lease.find("spec");
  if (specIt == lease.end() || specIt->is_null()) {
    return record;  // a Lease nobody has written to yet
  }
  if (!specIt->is_object()) {
    return Unexpected(std::string("spec is not an object"));
  }
  const nlohmann::json& spec = *specIt;
  if (const auto holder = spec.find("holderIdentity"); holder != spec.end() && !holder->is_null()) {
    if (!holder->is_string()) {
      return Unexpected(std::string("spec.holderIdentity is not a string"));
    }
    record.holderIdentity = holder->get<std::string>();
  }
  COP_ASSIGN_OR_RETURN(duration, int32Field(spec, "leaseDurationSeconds"));
  COP_ASSIGN_OR_RETURN(transitions, int32Field(spec, "leaseTransitions"));
  COP_ASSIGN_OR_RETURN(acquireTime, timeField(spec, "acquireTime"));
  COP_ASSIGN_OR_RETURN(renewTime, timeField(spec, "renewTime"));
  record.leaseDurationSeconds = duration;
  record.leaseTransitions = transitions;
  record.acquireTime = acquireTime;
  record.renewTime = renewTime;
  return record;
}

void writeRecordToLease(const LeaderElectionRecord& record, nlohmann::json& lease) {
  nlohmann::json& spec = lease["spec"];
  if (!spec.is_object()) {
    spec = nlohmann::json::object();
  }
  // client-go sends holderIdentity even when empty (a pointer to ""): a released lease says so.
  spec["holderIdentity"] = record.holderIdentity;
  spec["leaseDurationSeconds"] = record.leaseDurationSeconds;
  spec["leaseTransitions"] = record.leaseTransitions;
  const auto setTime = [&spec](const char* name, const std::optional<MicroTime>& time) {
    if (time) {
      spec[name] = formatMicroTime(*time);
    } else {
      spec.erase(name);
    }
  };
  setTime("acquireTime", record.acquireTime);
  setTime("renewTime", record.renewTime);
}

nlohmann::json newLease(const std::string& nameSpace, const std::string& name,
                        const LeaderElectionRecord& record) {
  nlohmann::json lease = {
      {"apiVersion", kApiVersion},
      {"kind", kKind},
      {"metadata", {{"name", name}, {"namespace", nameSpace}}},
  };
  writeRecordToLease(record, lease);
  return lease;
}

}  // namespace cop::leaderelection
