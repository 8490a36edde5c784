#include "operator/load/paths.h"

#include <vector>

namespace cop::load {

bool isAbsolutePath(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

std::string normalizePath(std::string_view path) {
  const bool absolute = isAbsolutePath(path);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (part == ".." && absolute) {
      // "/.." is "/"
    } else {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += '/';
    }
    out += parts[i];
  }
  if (out.empty()) {
    return ".";
  }
  return out;
}

std::string fileNameOf(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string directoryOf(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    return "";
  }
  if (slash == 0) {
    return "/";
  }
  return std::string(path.substr(0, slash));
}

std::string joinPath(std::string_view base, std::string_view relative) {
  if (isAbsolutePath(relative) || base.empty()) {
    return normalizePath(relative);
  }
  std::string joined(base);
  joined += '/';
  joined += relative;
  return normalizePath(joined);
}

bool hasParentSegment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (path.substr(start, end - start) == "..") {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool isWithin(std::string_view path, std::string_view root) {
  const std::string normalizedPath = normalizePath(path);
  const std::string normalizedRoot = normalizePath(root.empty() ? "." : root);
  if (normalizedRoot == ".") {
    return !isAbsolutePath(normalizedPath) && normalizedPath != ".." &&
           !normalizedPath.starts_with("../");
  }
  if (normalizedPath == normalizedRoot) {
    return true;
  }
  const std::string prefix = normalizedRoot == "/" ? "/" : normalizedRoot + "/";
  return normalizedPath.starts_with(prefix);
}

}  // namespace cop::load

namespace cop::load {

namespace {

std::vector<std::string> splitSegments(std::string_view normalized) {
  std::vector<std::string> parts;
  if (normalized == ".") {
    return parts;
  }
  std::size_t start = 0;
  while (start <= normalized.size()) {
    std::size_t end = normalized.find('/', start);
    if (end == std::string_view::npos) {
      end = normalized.size();
    }
    if (end > start) {
      parts.emplace_back(normalized.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::string relativeTo(std::string_view path, std::string_view base) {
  if (isAbsolutePath(path)) {
    return std::string(path);
  }
  const std::vector<std::string> target = splitSegments(normalizePath(path));
  const std::vector<std::string> from = splitSegments(normalizePath(base.empty() ? "." : base));
  std::size_t common = 0;
  while (common < target.size() && common < from.size() && target[common] == from[common]) {
    ++common;
  }
  std::string out = ".";
  for (std::size_t i = common; i < from.size(); ++i) {
    out += "/..";
  }
  for (std::size_t i = common; i < target.size(); ++i) {
    out += "/" + target[i];
  }
  return out;
}

}  // namespace cop::load
