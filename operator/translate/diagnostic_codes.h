#pragma once

// Every class of error and warning the translator reports, as a stable PascalCase code: the
// operator puts it in a condition's reason, an Event's reason and the status' warnings, so a
// code never changes once released (add a new one instead). One table, here; every warn() and
// failAt() of the translator names one of these constants.
//
// Permanence says whether the user must change the stack (permanent) or whether the problem
// may go away by itself (transient: a Secret that does not exist yet may appear). The
// translator is pure and sees only the stack, so all of its codes are permanent; the operator
// reports its own transient classes (a missing Secret) in the same shape.

#include <string_view>

namespace cop::translate {

enum class Permanence { kPermanent, kTransient };

namespace codes {

// --- Errors: the stack cannot be translated -------------------------------------------------
// -- Hardening (Pod Security)
// privileged: true (Pod Security baseline forbids it)
inline constexpr std::string_view kPrivilegedService = "PrivilegedService";
// network_mode, pid, ipc, uts, userns_mode or cgroup set to host
inline constexpr std::string_view kHostNamespace = "HostNamespace";
// network_mode service:X or container:X (each service is its own pod)
inline constexpr std::string_view kSharedNamespace = "SharedNamespace";
// devices (host device access)
inline constexpr std::string_view kHostDevice = "HostDevice";
// security_opt seccomp, apparmor or systempaths unconfined
inline constexpr std::string_view kUnconfined = "Unconfined";
// user root or uid 0 under the restricted profile
inline constexpr std::string_view kRootUser = "RootUser";
// gid 0 in user or group_add under the restricted profile
inline constexpr std::string_view kRootGroup = "RootGroup";
// cap_add beyond what the security profile allows
inline constexpr std::string_view kForbiddenCapability = "ForbiddenCapability";
// a sysctl outside Pod Security's safe set
inline constexpr std::string_view kUnsafeSysctl = "UnsafeSysctl";
// a bind mount of an absolute or home path (hostPath)
inline constexpr std::string_view kHostPathVolume = "HostPathVolume";

// -- Storage
// a relative bind mount where no files are at hand (the operator)
inline constexpr std::string_view kBindMountUnsupported = "BindMountUnsupported";
// a bind-mounted file that is missing, too large or not a regular file
inline constexpr std::string_view kBindFileUnreadable = "BindFileUnreadable";
// a volume type with no Kubernetes equivalent (npipe, cluster, ...)
inline constexpr std::string_view kUnsupportedVolumeType = "UnsupportedVolumeType";
// a volume size that is not a Kubernetes quantity
inline constexpr std::string_view kInvalidVolumeSize = "InvalidVolumeSize";
// two mounts on one target
inline constexpr std::string_view kMountConflict = "MountConflict";

// -- Credentials
// a credential would be a literal outside a Secret (label, config, ...)
inline constexpr std::string_view kCredentialLiteral = "CredentialLiteral";

// -- Names, labels and metadata
// two compose names become one Kubernetes name (or one Secret key)
inline constexpr std::string_view kNameCollision = "NameCollision";
// a name Kubernetes refuses (external object, hostname, storage class, ...)
inline constexpr std::string_view kInvalidName = "InvalidName";
// an object's label key or value is invalid
inline constexpr std::string_view kInvalidLabel = "InvalidLabel";
// an object's annotation key is invalid
inline constexpr std::string_view kInvalidAnnotation = "InvalidAnnotation";
// an object's annotations exceed 256 KiB
inline constexpr std::string_view kAnnotationsTooLarge = "AnnotationsTooLarge";
// a label or annotation key reserved for the operator and GitOps tools
inline constexpr std::string_view kReservedKey = "ReservedKey";
// an environment variable name Kubernetes refuses
inline constexpr std::string_view kInvalidEnvironmentName = "InvalidEnvironmentName";

// -- Images and workloads
// no image (a build-only service without an image supplied for it)
inline constexpr std::string_view kMissingImage = "MissingImage";
// an image that is not an image reference
inline constexpr std::string_view kInvalidImage = "InvalidImage";
// an unknown pull_policy
inline constexpr std::string_view kInvalidPullPolicy = "InvalidPullPolicy";
// an unknown restart policy
inline constexpr std::string_view kInvalidRestartPolicy = "InvalidRestartPolicy";
// an unknown controller type, or a global service that runs to completion
inline constexpr std::string_view kUnsupportedController = "UnsupportedController";
// a placement constraint that is malformed or names no valid node label
inline constexpr std::string_view kInvalidPlacement = "InvalidPlacement";
// a platform that is no valid os/arch
inline constexpr std::string_view kInvalidPlatform = "InvalidPlatform";
// an extra_hosts entry that is no host name and IP address
inline constexpr std::string_view kInvalidExtraHost = "InvalidExtraHost";
// a CPU or memory reservation above its limit
inline constexpr std::string_view kReservationAboveLimit = "ReservationAboveLimit";
// a number beyond what the Kubernetes field holds (int32 probe timings)
inline constexpr std::string_view kValueOutOfRange = "ValueOutOfRange";

// -- Services and networks
// one Service port published to two targets
inline constexpr std::string_view kPortConflict = "PortConflict";
// an unknown kompose.service.type, or a typed Service without ports
inline constexpr std::string_view kInvalidServiceType = "InvalidServiceType";
// a NodePort or LoadBalancer Service would expose a loopback-bound port
inline constexpr std::string_view kLoopbackExposed = "LoopbackExposed";
// network_mode none with ports, networks or links to it
inline constexpr std::string_view kIsolatedService = "IsolatedService";

// -- Options and the translator itself
// a TranslateOptions value is refused (namespace, stack name, DNS, --image)
inline constexpr std::string_view kInvalidOption = "InvalidOption";
// a translator bug (two objects of one kind and name)
inline constexpr std::string_view kInternalError = "InternalError";
// only when a site forgot its code (a unit test sweeps the error classes)
inline constexpr std::string_view kTranslationFailed = "TranslationFailed";

// --- Warnings: translated, but not everything carried over ----------------------------------
// a compose key with no Kubernetes equivalent is not carried over
inline constexpr std::string_view kIgnoredKey = "IgnoredKey";
// a value Kubernetes cannot express is not carried over
inline constexpr std::string_view kIgnoredValue = "IgnoredValue";
// build: is not carried over; the image is used
inline constexpr std::string_view kBuildNotCarriedOver = "BuildNotCarriedOver";
// a kompose.* label we do not act on
inline constexpr std::string_view kUnsupportedKomposeLabel = "UnsupportedKomposeLabel";
// a label or annotation key that is not valid is dropped
inline constexpr std::string_view kInvalidLabelKey = "InvalidLabelKey";
// a user or group given by name (Kubernetes needs numbers)
inline constexpr std::string_view kNonNumericId = "NonNumericId";
// pull_policy build, daily, weekly, every_* become IfNotPresent or Always
inline constexpr std::string_view kPullPolicyChanged = "PullPolicyChanged";
// a healthcheck with no test (the image's): no probe
inline constexpr std::string_view kHealthcheckWithoutTest = "HealthcheckWithoutTest";
// compose's 0 (unlimited) gets the default limit
inline constexpr std::string_view kUnlimitedResource = "UnlimitedResource";
// a port name Kubernetes refuses; a generated one is used
inline constexpr std::string_view kInvalidPortName = "InvalidPortName";
// a port bound to a loopback address stays inside the stack
inline constexpr std::string_view kLoopbackPort = "LoopbackPort";
// a service only on internal networks publishes no port
inline constexpr std::string_view kNotPublished = "NotPublished";
// a bind-mounted file becomes a ConfigMap or Secret, mounted read-only
inline constexpr std::string_view kBindFileReadOnly = "BindFileReadOnly";
// an anonymous volume becomes an emptyDir
inline constexpr std::string_view kAnonymousVolume = "AnonymousVolume";
// update_config is overridden by Recreate (a ReadWriteOnce claim)
inline constexpr std::string_view kRecreateStrategy = "RecreateStrategy";
// a run-to-completion restart policy under a controller that restarts
inline constexpr std::string_view kControllerMismatch = "ControllerMismatch";
// the project has no enabled services
inline constexpr std::string_view kNoServices = "NoServices";

struct CodeInfo {
  std::string_view code;
  Permanence permanence;
  bool error;  // reported as the translation's error (else as a warning)
};

// Every code above, once.
inline constexpr CodeInfo kAll[] = {
    {kPrivilegedService, Permanence::kPermanent, true},
    {kHostNamespace, Permanence::kPermanent, true},
    {kSharedNamespace, Permanence::kPermanent, true},
    {kHostDevice, Permanence::kPermanent, true},
    {kUnconfined, Permanence::kPermanent, true},
    {kRootUser, Permanence::kPermanent, true},
    {kRootGroup, Permanence::kPermanent, true},
    {kForbiddenCapability, Permanence::kPermanent, true},
    {kUnsafeSysctl, Permanence::kPermanent, true},
    {kHostPathVolume, Permanence::kPermanent, true},
    {kBindMountUnsupported, Permanence::kPermanent, true},
    {kBindFileUnreadable, Permanence::kPermanent, true},
    {kUnsupportedVolumeType, Permanence::kPermanent, true},
    {kInvalidVolumeSize, Permanence::kPermanent, true},
    {kMountConflict, Permanence::kPermanent, true},
    {kCredentialLiteral, Permanence::kPermanent, true},
    {kNameCollision, Permanence::kPermanent, true},
    {kInvalidName, Permanence::kPermanent, true},
    {kInvalidLabel, Permanence::kPermanent, true},
    {kInvalidAnnotation, Permanence::kPermanent, true},
    {kAnnotationsTooLarge, Permanence::kPermanent, true},
    {kReservedKey, Permanence::kPermanent, true},
    {kInvalidEnvironmentName, Permanence::kPermanent, true},
    {kMissingImage, Permanence::kPermanent, true},
    {kInvalidImage, Permanence::kPermanent, true},
    {kInvalidPullPolicy, Permanence::kPermanent, true},
    {kInvalidRestartPolicy, Permanence::kPermanent, true},
    {kUnsupportedController, Permanence::kPermanent, true},
    {kInvalidPlacement, Permanence::kPermanent, true},
    {kInvalidPlatform, Permanence::kPermanent, true},
    {kInvalidExtraHost, Permanence::kPermanent, true},
    {kReservationAboveLimit, Permanence::kPermanent, true},
    {kValueOutOfRange, Permanence::kPermanent, true},
    {kPortConflict, Permanence::kPermanent, true},
    {kInvalidServiceType, Permanence::kPermanent, true},
    {kLoopbackExposed, Permanence::kPermanent, true},
    {kIsolatedService, Permanence::kPermanent, true},
    {kInvalidOption, Permanence::kPermanent, true},
    {kInternalError, Permanence::kPermanent, true},
    {kTranslationFailed, Permanence::kPermanent, true},
    {kIgnoredKey, Permanence::kPermanent, false},
    {kIgnoredValue, Permanence::kPermanent, false},
    {kBuildNotCarriedOver, Permanence::kPermanent, false},
    {kUnsupportedKomposeLabel, Permanence::kPermanent, false},
    {kInvalidLabelKey, Permanence::kPermanent, false},
    {kNonNumericId, Permanence::kPermanent, false},
    {kPullPolicyChanged, Permanence::kPermanent, false},
    {kHealthcheckWithoutTest, Permanence::kPermanent, false},
    {kUnlimitedResource, Permanence::kPermanent, false},
    {kInvalidPortName, Permanence::kPermanent, false},
    {kLoopbackPort, Permanence::kPermanent, false},
    {kNotPublished, Permanence::kPermanent, false},
    {kBindFileReadOnly, Permanence::kPermanent, false},
    {kAnonymousVolume, Permanence::kPermanent, false},
    {kRecreateStrategy, Permanence::kPermanent, false},
    {kControllerMismatch, Permanence::kPermanent, false},
    {kNoServices, Permanence::kPermanent, false},
};

// The permanence of a code of the table; kPermanent for any other.
constexpr Permanence permanenceOf(std::string_view code) {
  for (const CodeInfo& info : kAll) {
    if (info.code == code) {
      return info.permanence;
    }
  }
  return Permanence::kPermanent;
}

}  // namespace codes
}  // namespace cop::translate
