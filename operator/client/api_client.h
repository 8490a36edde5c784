#pragma once

// The verbs of the Kubernetes API, as an interface (issue 7 item 2, kube-runtime.md §1, §3, §4):
// what informers, leader election and reconcilers call. RestClient (rest_client.h) implements it
// over a Transport; nothing above this line builds a URL or reads an HTTP status.
//
// Every call names its collection by an ApiResource (discovery.h), so built-in kinds and CRDs
// are alike. Objects are JSON documents as the server sends them. A failure is a typed ApiError
// (api_error.h), never an exception.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "operator/client/api_error.h"
#include "operator/client/discovery.h"
#include "operator/client/watch_event.h"
#include "operator/common/result.h"

namespace cop::client {

// A successful call: the object the server returned, and the texts of its `Warning` headers
// (kube-runtime.md §4.2), already made printable. Every warning also goes to the client's
// WarningHandler, so nothing is lost when a caller ignores them.
struct ApiObject {
  nlohmann::json object;
  std::vector<std::string> warnings;
};

using ApiResult = Expected<ApiObject, ApiError>;

struct GetOptions {
  // Ask for PartialObjectMetadata (kube-runtime.md §8): the object's metadata only.
  bool metadataOnly = false;
};

struct ListOptions {
  std::string labelSelector;
  std::string fieldSelector;
  // "" = most recent, consistent; "0" = any (from the watch cache); "N" = not older than N
  // (kube-runtime.md §1.4).
  std::string resourceVersion;
  int limit = 0;              // page size; 0 = unpaginated
  std::string continueToken;  // from the previous page
  bool metadataOnly = false;  // PartialObjectMetadataList
};

// One page of a LIST: its items (each with apiVersion and kind filled in, which the server
// leaves out of list items), the list's resourceVersion and the continue token ("" on the last
// page).
struct ListPage {
  std::vector<nlohmann::json> items;
  std::string resourceVersion;
  std::string continueToken;
  std::vector<std::string> warnings;
};

struct WatchOptions {
  std::string labelSelector;
  std::string fieldSelector;
  std::string resourceVersion;
  int timeoutSeconds = 0;  // 0: not sent (the server picks 30-60 min, §1.1)
  bool allowWatchBookmarks = true;
  // Watch-list (§1.6): + resourceVersionMatch=NotOlderThan.
  bool sendInitialEvents = false;
  bool metadataOnly = false;
  // Ends the watch (WatchEnd::Stopped) within about a second of a stop request, even when no
  // byte arrives (shutdown must not wait for the next bookmark).
  std::stop_token stop;
};

// How a watch that did start (200) ended.
enum class WatchEnd {
  Closed,   // the server ended the stream at an event boundary (timeout, shutdown)
  Broken,   // a transport failure, a truncated or malformed event mid-stream
  Stopped,  // the handler returned false, or a stop was requested
};

// Receives each event as soon as its line is complete. Return false to stop the watch.
using WatchHandler = std::function<bool(WatchEvent& event)>;

// A watch that could not start: no response (a transport failure: see isTransport(), and
// ConnectionRefused) or a non-200 answer (its Status).
using WatchResult = Expected<WatchEnd, ApiError>;

// Delete's propagationPolicy (kube-runtime.md §3.5).
enum class PropagationPolicy { Background, Foreground, Orphan };

struct DeleteOptions {
  std::optional<PropagationPolicy> propagation;  // unset: the server's default (Background)
  std::string preconditionUid;                   // delete only this incarnation
};

// Server-side apply (kube-runtime.md §3.1).
struct ApplyOptions {
  std::string fieldManager;  // required; at most 128 printable characters
  bool force = true;         // controllers always force (§3.1)
  bool dryRun = false;       // dryRun=All
};

class ApiClient {
 public:
  virtual ~ApiClient() = default;

  // `nameSpace` is ignored for a cluster-scoped resource and required for a namespaced one
  // (an empty one fails with kind BadRequest before anything is sent), except in list and
  // watch, where empty means every namespace.
  virtual ApiResult get(const ApiResource& resource, const std::string& nameSpace,
                        const std::string& name, const GetOptions& options = {}) = 0;
  virtual Expected<ListPage, ApiError> list(const ApiResource& resource,
                                            const std::string& nameSpace,
                                            const ListOptions& options = {}) = 0;
  // POST; the namespace comes from `nameSpace`, not from the object.
  virtual ApiResult create(const ApiResource& resource, const std::string& nameSpace,
                           const nlohmann::json& object) = 0;
  // PUT; the object's metadata.resourceVersion, when set, is the optimistic lock (409 Conflict
  // when it is stale). `subresource` is "" or e.g. "status".
  virtual ApiResult update(const ApiResource& resource, const std::string& nameSpace,
                           const nlohmann::json& object, const std::string& subresource = "") = 0;
  // PATCH application/merge-patch+json (RFC 7386).
  virtual ApiResult mergePatch(const ApiResource& resource, const std::string& nameSpace,
                               const std::string& name, const nlohmann::json& patch,
                               const std::string& subresource = "") = 0;
  // PATCH application/apply-patch+yaml with the object's whole intent; creates it if missing.
  // The object must name itself (metadata.name) and carry apiVersion and kind; managedFields
  // are dropped before sending (§3.1: the server refuses them).
  virtual ApiResult apply(const ApiResource& resource, const std::string& nameSpace,
                          const nlohmann::json& object, const ApplyOptions& options,
                          const std::string& subresource = "") = 0;
  // DELETE. The server's answer (the object with a deletionTimestamp, or a Status) is returned.
  virtual ApiResult remove(const ApiResource& resource, const std::string& nameSpace,
                           const std::string& name, const DeleteOptions& options = {}) = 0;
  // A streaming WATCH on the collection; blocks until the stream ends. Events are decoded as
  // bytes arrive, in bounded memory (watch_decoder.h). ERROR events are handed to `onEvent`
  // like the others: the caller (the reflector) decides what they mean.
  virtual WatchResult watch(const ApiResource& resource, const std::string& nameSpace,
                            const WatchOptions& options, const WatchHandler& onEvent) = 0;
};

}  // namespace cop::client
