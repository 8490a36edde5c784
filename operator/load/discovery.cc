#include "operator/load/discovery.h"

namespace cop::load {

namespace {

std::string inDirectory(const std::string& dir, const char* name) {
  return dir.empty() ? std::string(name) : dir + "/" + name;
}

}  // namespace

std::vector<std::string> discoverComposeFiles(
    const std::vector<std::string>& parents,
    const std::function<bool(const std::string&)>& isFile) {
  std::vector<std::string> dirs{""};
  dirs.insert(dirs.end(), parents.begin(), parents.end());
  for (const std::string& dir : dirs) {
    for (const char* name : kDefaultComposeFiles) {
      const std::string candidate = inDirectory(dir, name);
      if (!isFile(candidate)) {
        continue;
      }
      std::vector<std::string> files{candidate};
      // compose merges one override file, from the directory the main file was found in.
      for (const char* override : kDefaultOverrideFiles) {
        if (const std::string path = inDirectory(dir, override); isFile(path)) {
          files.push_back(path);
          break;
        }
      }
      return files;
    }
  }
  return {};
}

}  // namespace cop::load
