#pragma once

// Where the bearer token of each request comes from (kube-runtime.md §6.2, §6.3): a fixed
// token, a token file that the kubelet rotates, or an exec plugin. The REST client asks for
// the token before every attempt and reports a 401 with the generation it sent, so a rotated
// or expired token is replaced and the request retried once (client-go
// transport/token_source.go, plugin/pkg/client/auth/exec/exec.go).
//
// A token is a secret: it never appears in an error message, and no implementation logs it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "operator/client/clock.h"
#include "operator/client/config_io.h"
#include "operator/client/exec_credential_source.h"
#include "operator/client/exec_runner.h"
#include "operator/client/rest_config.h"
#include "operator/common/diagnostic.h"

namespace cop::client {

// The token to send now. `generation` tells which load of the token it is, so a 401 drops
// only that one (another request may already have replaced it).
struct BearerToken {
  std::string token;
  std::uint64_t generation = 0;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The token for the next request; an Error when there is none to be had (the message names
  // the file or plugin, never a token). Thread-safe.
  virtual Result<BearerToken> token() = 0;
  // A request sent with the token of `generation` got a 401: forget that token, so the next
  // token() fetches a new one. Thread-safe.
  virtual void onUnauthorized(std::uint64_t generation) = 0;
};

// A fixed token (kubeconfig `token`): a 401 cannot be cured by asking again.
class StaticTokenSource final : public CredentialSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}

  // CredentialSource
  Result<BearerToken> token() override { return BearerToken{token_, 1}; }
  void onUnauthorized(std::uint64_t /*generation*/) override {}

 private:
  std::string token_;
};

// client-go transport/token_source.go NewCachedFileTokenSource: the file is re-read once the
// token is older than this minus kTokenFileLeeway (so at most once every 50 s), because the
// kubelet rotates a projected token at 80 % of its TTL (kube-runtime.md §6.2).
inline constexpr std::chrono::seconds kTokenFileRefreshPeriod{60};
inline constexpr std::chrono::seconds kTokenFileLeeway{10};

// A token file (kubeconfig `tokenFile`, or the in-cluster service-account token). The token is
// cached for kTokenFileRefreshPeriod - kTokenFileLeeway; a 401 for the cached token drops it
// (client-go: ResetTokenOlderThan); a re-read that fails or finds an empty file keeps the last
// good token (client-go cachingTokenSource "Unable to rotate token", kube-rs auth/mod.rs), and
// is tried again at the next request.
class TokenFileSource final : public CredentialSource {
 public:
  // `files` and `clock` must outlive the source.
  TokenFileSource(std::string path, const FileReader& files, const Clock& clock);

  // CredentialSource
  Result<BearerToken> token() override;
  void onUnauthorized(std::uint64_t generation) override;

 private:
  struct Cached {
    BearerToken token;
    std::chrono::system_clock::time_point readAt;
    bool dropped = false;  // a 401 said it is no good; re-read before using it again
  };

  std::string path_;
  const FileReader& files_;
  const Clock& clock_;
  std::mutex mutex_;
  std::optional<Cached> cached_;  // guarded by mutex_
  std::uint64_t reads_ = 0;       // guarded by mutex_
};

// An exec plugin (kube-runtime.md §6.3) that prints a token. A plugin that prints a client
// certificate instead is refused with a clear error: the transport takes its certificate at
// construction, and swapping it (with every connection closed) is not done yet.
class ExecTokenSource final : public CredentialSource {
 public:
  explicit ExecTokenSource(std::unique_ptr<ExecCredentialSource> exec) : exec_(std::move(exec)) {}

  // CredentialSource
  Result<BearerToken> token() override;
  void onUnauthorized(std::uint64_t generation) override { exec_->onUnauthorized(generation); }

 private:
  std::unique_ptr<ExecCredentialSource> exec_;
};

// What credentialSourceFor() needs besides the config; every reference must outlive the
// source it returns.
struct CredentialContext {
  const FileReader& files;
  const Clock& clock;
  const ExecRunner& runner;
  // The plugin's parent environment (ProcessEnvironment::all() for the operator).
  std::vector<std::pair<std::string, std::string>> parentEnv;
  bool stdinIsTerminal = false;
};

// The source for `config`, by precedence exec, then tokenFile, then token (an exec plugin is
// the most specific; a token file supersedes the token read from it at load time). nullptr
// when the config has none of them (e.g. a client certificate only).
Result<std::unique_ptr<CredentialSource>> credentialSourceFor(const RestConfig& config,
                                                              const CredentialContext& context);

}  // namespace cop::client
