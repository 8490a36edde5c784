#include "operator/client/resource_path.h"

#include <algorithm>

namespace cop::client {
namespace {

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// The "namespaces/NS/" part, or nothing for a cluster-scoped resource or all namespaces.
std::string namespacePart(const ApiResource& resource, std::string_view nameSpace) {
  if (!resource.namespaced || nameSpace.empty()) {
    return {};
  }
  return "/namespaces/" + percentEncode(nameSpace);
}

}  // namespace

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (isUnreserved(c)) {
      out += raw;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::optional<std::string> pathSegmentProblem(std::string_view what, std::string_view value) {
  const std::string name(what);
  if (value.empty()) {
    return name + " must not be empty";
  }
  if (value == "." || value == "..") {
    return name + " may not be '" + std::string(value) + "'";
  }
  for (const char raw : value) {
    const auto c = static_cast<unsigned char>(raw);
    if (c == '/' || c == '%') {
      return name + " may not contain '" + std::string(1, raw) + "'";
    }
    if (c < 0x20 || c == 0x7F) {
      return name + " may not contain control characters";
    }
  }
  return std::nullopt;
}

std::string groupVersionPrefix(const ApiResource& resource) {
  if (resource.group.empty()) {
    return "/api/" + percentEncode(resource.version);
  }
  return "/apis/" + percentEncode(resource.group) + "/" + percentEncode(resource.version);
}

std::string collectionPath(const ApiResource& resource, std::string_view nameSpace) {
  return groupVersionPrefix(resource) + namespacePart(resource, nameSpace) + "/" +
         percentEncode(resource.resource);
}

std::string objectPath(const ApiResource& resource, std::string_view nameSpace,
                       std::string_view name, std::string_view subresource) {
  std::string path = collectionPath(resource, nameSpace) + "/" + percentEncode(name);
  if (!subresource.empty()) {
    path += '/';
    path += percentEncode(subresource);
  }
  return path;
}

Query& Query::add(std::string name, std::string value) {
  params_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Query& Query::addIfSet(std::string name, std::string value) {
  if (!value.empty()) {
    add(std::move(name), std::move(value));
  }
  return *this;
}

std::string Query::encode() const {
  auto sorted = params_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [name, value] : sorted) {
    out += out.empty() ? '?' : '&';
    out += percentEncode(name) + "=" + percentEncode(value);
  }
  return out;
}

}  // namespace cop::client
