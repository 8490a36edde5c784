#pragma once

// Lexical path helpers (no filesystem access): compose resolves relative paths against the
// project directory, and the loader must do so identically for real and in-memory files.

#include <string>
#include <string_view>

namespace cop::load {

bool isAbsolutePath(std::string_view path);
// Removes "." segments, folds "a/../", collapses slashes; keeps leading ".." segments.
std::string normalizePath(std::string_view path);
// The last segment of a path ("nginx.conf" for "/etc/nginx/nginx.conf").
std::string fileNameOf(std::string_view path);
// The directory part of a path ("" for a bare file name).
std::string directoryOf(std::string_view path);
// Joins base and relative; returns relative unchanged when it is absolute.
std::string joinPath(std::string_view base, std::string_view relative);
// Whether a path has a ".." segment ("a/../b", "..", "/x/.."): a mount target or subpath
// with one could leave the directory it names once the runtime resolves it.
bool hasParentSegment(std::string_view path);
// Whether `path` (normalised) lies at or below `root` (normalised; "." is the working
// directory). Lexical only: the FileSystemReader also resolves symlinks.
bool isWithin(std::string_view path, std::string_view root);

}  // namespace cop::load

namespace cop::load {

// `path` (relative to the working directory) rewritten relative to `base`, with a leading
// "./" so compose still reads it as a path. Absolute paths are returned unchanged.
std::string relativeTo(std::string_view path, std::string_view base);

}  // namespace cop::load
