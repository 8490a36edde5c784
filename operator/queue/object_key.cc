#include "operator/queue/object_key.h"

namespace cop::queue {

std::string ObjectKey::str() const {
  return ns.empty() ? name : ns + "/" + name;
}

std::size_t ObjectKeyHash::operator()(const ObjectKey& key) const {
  // '/' cannot appear in a namespace or a name, so "a/b" + "c" never collides with "a" + "b/c".
  const std::size_t h = std::hash<std::string>{}(key.ns);
  return h ^ (std::hash<std::string>{}(key.name) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

}  // namespace cop::queue
