#include "operator/load/rebase.h"

#include "operator/load/paths.h"
#include "operator/load/volume_syntax.h"

namespace cop::load {

namespace {

std::string moved(const std::string& path, const std::string& fromDir, const std::string& toDir) {
  if (path.empty() || isAbsolutePath(path) || path.starts_with('~')) {
    return path;
  }
  return relativeTo(joinPath(fromDir, path), toDir);
}

void moveScalar(Node* node, const std::string& fromDir, const std::string& toDir) {
  if (node != nullptr && node->isScalar()) {
    node->setText(moved(node->text(), fromDir, toDir));
  }
}

void moveFileList(Node* node, const std::string& fromDir, const std::string& toDir) {
  if (node == nullptr) {
    return;
  }
  if (node->isScalar()) {
    moveScalar(node, fromDir, toDir);
    return;
  }
  if (node->isSequence()) {
    for (Node& item : node->items()) {
      if (item.isScalar()) {
        moveScalar(&item, fromDir, toDir);
      } else if (item.isMapping()) {
        moveScalar(item.find("path"), fromDir, toDir);
      }
    }
  }
}

}  // namespace

void rebaseServicePaths(Node& service, const std::string& fromDir, const std::string& toDir) {
  if (!service.isMapping() || normalizePath(fromDir.empty() ? "." : fromDir) ==
                                  normalizePath(toDir.empty() ? "." : toDir)) {
    return;
  }
  moveFileList(service.find("env_file"), fromDir, toDir);
  moveFileList(service.find("label_file"), fromDir, toDir);
  if (Node* build = service.find("build")) {
    if (build->isScalar()) {
      moveScalar(build, fromDir, toDir);
    } else if (build->isMapping()) {
      moveScalar(build->find("context"), fromDir, toDir);
    }
  }
  if (Node* extends = service.find("extends"); extends != nullptr && extends->isMapping()) {
    moveScalar(extends->find("file"), fromDir, toDir);
  }
  if (Node* volumes = service.find("volumes"); volumes != nullptr && volumes->isSequence()) {
    for (Node& item : volumes->items()) {
      if (item.isMapping()) {
        const Node* type = item.find("type");
        if (type != nullptr && type->isScalar() && type->text() == "bind") {
          moveScalar(item.find("source"), fromDir, toDir);
        }
      } else if (item.isScalar()) {
        auto spec = parseVolumeSpec(item.text());
        if (spec && spec->type == "bind" && spec->source.starts_with('.')) {
          const std::string rest = item.text().substr(spec->source.size());
          item.setText(moved(spec->source, fromDir, toDir) + rest);
        }
      }
    }
  }
}

void rebaseDocumentPaths(Node& document, const std::string& fromDir, const std::string& toDir) {
  if (!document.isMapping()) {
    return;
  }
  if (Node* services = document.find("services"); services != nullptr && services->isMapping()) {
    for (auto& entry : services->entries()) {
      rebaseServicePaths(entry.value, fromDir, toDir);
    }
  }
  for (std::string_view section : {"secrets", "configs"}) {
    if (Node* objects = document.find(section); objects != nullptr && objects->isMapping()) {
      for (auto& entry : objects->entries()) {
        if (entry.value.isMapping()) {
          moveScalar(entry.value.find("file"), fromDir, toDir);
        }
      }
    }
  }
}

}  // namespace cop::load
