#include "operator/client/credential_source.h"

#include <string_view>

namespace cop::client {
namespace {

// client-go fileTokenSource.Token: the file's content with surrounding white space trimmed.
std::string trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(kSpace);
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

TokenFileSource::TokenFileSource(std::string path, const FileReader& files, const Clock& clock)
    : path_(std::move(path)), files_(files), clock_(clock) {}

Result<BearerToken> TokenFileSource::token() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  if (cached_ && !cached_->dropped &&
      now < cached_->readAt + kTokenFileRefreshPeriod - kTokenFileLeeway) {
    return cached_->token;
  }
  auto content = files_.read(path_);
  std::string token = content ? trimmed(*content) : std::string();
  if (token.empty()) {
    // FileError messages name the path, never the content.
    std::string why = content ? "token file \"" + path_ + "\" is empty"
                              : "reading the token file: " + content.error().message;
    if (cached_) {
      // The last good token, even one a 401 dropped: it may be the server that is wrong, and
      // without a token the request fails anyway. Re-read at the next request.
      return cached_->token;
    }
    return fail(std::move(why));
  }
  if (cached_ && cached_->token.token == token && !cached_->dropped) {
    cached_->readAt = now;  // unchanged: same generation
    return cached_->token;
  }
  cached_ = Cached{BearerToken{std::move(token), ++reads_}, now, false};
  return cached_->token;
}

void TokenFileSource::onUnauthorized(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (cached_ && cached_->token.generation == generation) {
    cached_->dropped = true;
  }
}

Result<BearerToken> ExecTokenSource::token() {
  COP_ASSIGN_OR_RETURN(issued, exec_->get());
  if (issued.credential.token.empty()) {
    return fail(
        "the exec credential plugin returned a client certificate, which is not supported yet "
        "(only status.token is)");
  }
  return BearerToken{std::move(issued.credential.token), issued.generation};
}

Result<std::unique_ptr<CredentialSource>> credentialSourceFor(const RestConfig& config,
                                                              const CredentialContext& context) {
  if (config.exec) {
    ExecClusterInfo cluster;
    cluster.server = config.server;
    cluster.tlsServerName = config.tlsServerName;
    cluster.insecureSkipTlsVerify = config.insecureSkipTlsVerify;
    cluster.caPem = config.caPem;
    cluster.proxyUrl = config.proxyUrl;
    auto exec = std::make_unique<ExecCredentialSource>(*config.exec, std::move(cluster),
                                                       context.parentEnv, context.runner,
                                                       context.clock, context.stdinIsTerminal);
    return std::unique_ptr<CredentialSource>(std::make_unique<ExecTokenSource>(std::move(exec)));
  }
  if (!config.tokenFile.empty()) {
    return std::unique_ptr<CredentialSource>(
        std::make_unique<TokenFileSource>(config.tokenFile, context.files, context.clock));
  }
  if (!config.bearerToken.empty()) {
    return std::unique_ptr<CredentialSource>(
        std::make_unique<StaticTokenSource>(config.bearerToken));
  }
  return std::unique_ptr<CredentialSource>();
}

}  // namespace cop::client
