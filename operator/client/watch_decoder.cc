#include "operator/client/watch_decoder.h"

#include <algorithm>

namespace cop::client {
namespace {

bool isBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

Unexpected<WatchStreamError> streamError(WatchStreamError::Kind kind, std::string message) {
  return Unexpected(WatchStreamError{kind, std::move(message)});
}

std::optional<WatchEventType> eventType(std::string_view name) {
  if (name == "ADDED") {
    return WatchEventType::Added;
  }
  if (name == "MODIFIED") {
    return WatchEventType::Modified;
  }
  if (name == "DELETED") {
    return WatchEventType::Deleted;
  }
  if (name == "BOOKMARK") {
    return WatchEventType::Bookmark;
  }
  if (name == "ERROR") {
    return WatchEventType::Error;
  }
  return std::nullopt;
}

}  // namespace

Expected<WatchEvent, WatchStreamError> parseWatchEvent(std::string_view line) {
  nlohmann::json document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return streamError(WatchStreamError::Kind::Malformed, "watch event is not valid JSON");
  }
  if (!document.is_object()) {
    return streamError(WatchStreamError::Kind::Malformed, "watch event is not a JSON object");
  }
  const auto type = document.find("type");
  if (type == document.end() || !type->is_string()) {
    return streamError(WatchStreamError::Kind::Malformed, "watch event has no string 'type'");
  }
  const std::optional<WatchEventType> parsedType = eventType(type->get_ref<const std::string&>());
  if (!parsedType) {
    // The type is one of a handful of words; quoting at most 16 characters leaks nothing.
    return streamError(
        WatchStreamError::Kind::Malformed,
        "watch event has unknown type '" + type->get_ref<const std::string&>().substr(0, 16) + "'");
  }
  const auto object = document.find("object");
  if (object == document.end() || !object->is_object()) {
    return streamError(WatchStreamError::Kind::Malformed, "watch event has no 'object'");
  }
  WatchEvent event;
  event.type = *parsedType;
  event.object = std::move(*object);
  if (event.type == WatchEventType::Error) {
    // An ERROR without a code is a server error (client-go apierrors.FromObject: 500).
    event.status = parseApiStatus(event.object, 500);
  }
  return event;
}

WatchDecoder::WatchDecoder(std::size_t maxEventBytes) : maxEventBytes_(maxEventBytes) {}

Expected<void, WatchStreamError> WatchDecoder::fail(WatchStreamError error) {
  failed_ = error;
  pending_.clear();
  pending_.shrink_to_fit();
  return Unexpected(std::move(error));
}

Expected<void, WatchStreamError> WatchDecoder::feed(std::string_view bytes,
                                                    std::vector<WatchEvent>& events) {
  if (failed_) {
    return Unexpected(*failed_);
  }
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    // The limit counts the event's bytes, the '\n' excluded, before anything is copied.
    if (pending_.size() + piece.size() > maxEventBytes_) {
      return fail(
          WatchStreamError{WatchStreamError::Kind::TooLarge,
                           "watch event exceeds " + std::to_string(maxEventBytes_) + " bytes"});
    }
    if (newline == std::string_view::npos) {
      pending_.append(piece);
      return {};
    }
    if (pending_.empty()) {
      COP_TRY(decodeLine(piece, events));  // the whole line is in this chunk: no copy
    } else {
      pending_.append(piece);
      const std::string line = std::move(pending_);
      pending_.clear();
      COP_TRY(decodeLine(line, events));
    }
    bytes.remove_prefix(newline + 1);
  }
  return {};
}

Expected<void, WatchStreamError> WatchDecoder::decodeLine(std::string_view line,
                                                          std::vector<WatchEvent>& events) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);  // "\r\n" line ends
  }
  if (isBlank(line)) {
    return {};
  }
  Expected<WatchEvent, WatchStreamError> event = parseWatchEvent(line);
  if (!event) {
    return fail(std::move(event).error());
  }
  events.push_back(std::move(event).value());
  return {};
}

Expected<void, WatchStreamError> WatchDecoder::finish() {
  if (failed_) {
    return Unexpected(*failed_);
  }
  if (!isBlank(pending_)) {
    return fail(WatchStreamError{WatchStreamError::Kind::Truncated,
                                 "watch stream ended inside an event (" +
                                     std::to_string(pending_.size()) + " bytes pending)"});
  }
  pending_.clear();
  return {};
}

}  // namespace cop::client
