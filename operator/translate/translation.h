#pragma once

// The translator's structured result, as the operator needs it: the objects, what each compose
// service owns and waits for, and diagnostics that carry the service, a stable code
// (diagnostic_codes.h) and whether the user must change the stack to fix them. The operator
// reads this instead of re-parsing the objects it is about to apply.

#include <string>
#include <string_view>
#include <vector>

#include "operator/common/diagnostic.h"
#include "operator/translate/diagnostic_codes.h"
#include "operator/translate/translator.h"

namespace cop::translate {

struct ObjectRef {
  std::string apiVersion;
  std::string kind;
  std::string name;
};

struct StackDiagnostic {
  Diagnostic where;     // file, line, compose path, message (already redacted); where.code == code
  std::string service;  // compose service name, empty for stack-level
  std::string code;     // stable PascalCase code (diagnostic_codes.h)
  Permanence permanence = Permanence::kPermanent;
};

enum class DependencyCondition { kStarted, kHealthy, kCompletedSuccessfully };

struct ServiceDependency {
  std::string service;  // compose name of the dependency
  std::string name;     // its Kubernetes name (sanitised)
  DependencyCondition condition = DependencyCondition::kStarted;
  bool required = true;
  bool restart = false;  // compose's depends_on.restart: restart this one when it restarts
};

struct ServiceManifest {
  std::string composeName;
  std::string name;          // Kubernetes name
  std::string workloadKind;  // Deployment | DaemonSet | StatefulSet | Job
  // Every object made for this service only, in the order of Translation::objects: its
  // workload, its Services (aliases and the -published one too), its -env Secret, the
  // ConfigMaps and Secrets of its bind-mounted files, and the claims that only it mounts.
  // Stack-wide objects (the ServiceAccount, top-level secrets and configs, claims that several
  // services mount, NetworkPolicies) belong to no service.
  std::vector<ObjectRef> objects;
  std::vector<ServiceDependency> dependsOn;  // sorted by name; only enabled services
};

struct Translation {
  std::vector<Object> objects;            // as translate() returns them, same order
  std::vector<ServiceManifest> services;  // in project order
  std::vector<StackDiagnostic> warnings;  // in the order they were found
};

// translate(), with the structured result. The error is a StackDiagnostic too (code, service,
// permanence); messages never quote a substituted variable's value.
Expected<Translation, StackDiagnostic> translateStack(const load::Project& project,
                                                      const TranslateOptions& options);

// service_started | service_healthy | service_completed_successfully
std::string_view toString(DependencyCondition condition);

}  // namespace cop::translate
