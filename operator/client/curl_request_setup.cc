#include "operator/client/curl_request_setup.h"

#include <string_view>
#include <utility>

#include "operator/client/response_header_parser.h"

namespace cop::client {

namespace {

size_t onHeaderLine(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  const size_t bytes = size * count;
  addResponseHeaderLine(std::string_view(data, bytes), transfer->response.headers);
  return bytes;
}

size_t onBodyBytes(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  const size_t bytes = size * count;
  const std::string_view chunk(data, bytes);
  if (transfer->onChunk != nullptr) {
    long status = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (!(*transfer->onChunk)(chunk)) {
        transfer->aborted = true;
        return 0;  // libcurl stops the transfer with CURLE_WRITE_ERROR
      }
      return bytes;
    }
  }
  transfer->response.body.append(chunk);
  return bytes;
}

// libcurl calls this about once a second even when no byte moves (CURLOPT_XFERINFOFUNCTION(3)),
// so a stop request ends an idle watch within a second; non-zero aborts the transfer with
// CURLE_ABORTED_BY_CALLBACK.
int onProgress(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  if (transfer->stop.stop_requested()) {
    transfer->aborted = true;
    return 1;
  }
  return 0;
}

TransportFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return TransportFailure::kConnect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
      return TransportFailure::kTls;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportFailure::kConnectionLost;
    default:
      return TransportFailure::kOther;
  }
}

int httpVersionOf(long curlVersion) {
  switch (curlVersion) {
    case CURL_HTTP_VERSION_1_0:
      return 10;
    case CURL_HTTP_VERSION_1_1:
      return 11;
    case CURL_HTTP_VERSION_2_0:
      return 2;
    case CURL_HTTP_VERSION_3:
      return 3;
    default:
      return 0;
  }
}

TransportError invalid(std::string message) {
  return TransportError{TransportFailure::kInvalid, std::move(message)};
}

// Sets a PEM blob option; libcurl copies the bytes (CURL_BLOB_COPY), so `pem` may go away.
CURLcode setPemBlob(CURL* easy, CURLoption option, const std::string& pem) {
  curl_blob blob{};
  blob.data = const_cast<char*>(pem.data());
  blob.len = pem.size();
  blob.flags = CURL_BLOB_COPY;
  return curl_easy_setopt(easy, option, &blob);
}

}  // namespace

Expected<CurlEndpoint, TransportError> makeCurlEndpoint(const CurlGlobal& global, RestConfig config,
                                                        CurlTransportOptions options) {
  if (!global.hasSsl()) {
    return Unexpected(invalid("this libcurl has no TLS support"));
  }
  if (!global.hasHttp2() && !options.disableHttp2) {
    return Unexpected(invalid("this libcurl has no HTTP/2 support"));
  }
  const std::string_view server = config.server;
  if (!server.starts_with("https://") && !server.starts_with("http://")) {
    return Unexpected(invalid("server '" + config.server + "' (" + config.source +
                              ") is not an http:// or https:// URL"));
  }
  if (config.clientCertificatePem.empty() != config.clientKeyPem.empty()) {
    return Unexpected(invalid("a client certificate needs its key and a key its certificate (" +
                              config.source + ")"));
  }
  if (!config.tlsServerName.empty()) {
    return Unexpected(invalid("tls-server-name is not supported yet (" + config.source + ")"));
  }
  CurlEndpoint endpoint;
  endpoint.baseUrl = config.server;
  while (!endpoint.baseUrl.empty() && endpoint.baseUrl.back() == '/') {
    endpoint.baseUrl.pop_back();
  }
  endpoint.config = std::move(config);
  endpoint.options = std::move(options);
  endpoint.tuning.tcpUserTimeout = endpoint.options.tcpUserTimeout;
  return endpoint;
}

std::optional<TransportError> checkRequest(const HttpRequest& request, CurlTransfer& transfer) {
  transfer.what = request.method + " " + request.pathAndQuery;
  if (request.pathAndQuery.empty() || request.pathAndQuery.front() != '/') {
    return invalid(transfer.what + ": the path must start with '/'");
  }
  if (request.stop.stop_requested()) {
    return TransportError{TransportFailure::kAborted, transfer.what + ": stop requested"};
  }
  return std::nullopt;
}

std::optional<TransportError> setupTransfer(CURL* easy, CurlEndpoint& endpoint,
                                            const HttpRequest& request,
                                            const BodyChunkHandler* onChunk,
                                            CurlTransfer& transfer) {
  const RestConfig& config = endpoint.config;
  const CurlTransportOptions& options = endpoint.options;
  transfer.easy = easy;
  transfer.onChunk = onChunk;
  transfer.stop = request.stop;
  bool headersOk = true;
  for (const auto& [name, value] : request.headers) {
    headersOk = headersOk && transfer.headers.append(name + ": " + value);
  }
  if (!request.body.empty() && !request.contentType.empty()) {
    headersOk = headersOk && transfer.headers.append("Content-Type: " + request.contentType);
  }
  // No "Expect: 100-continue" round trip for large HTTP/1.1 bodies.
  headersOk = headersOk && transfer.headers.append("Expect:");
  std::string authorization;
  if (!config.bearerToken.empty()) {
    authorization = "Authorization: Bearer " + config.bearerToken;  // never logged
    headersOk = headersOk && transfer.headers.append(authorization);
  }
  if (!headersOk) {
    return invalid(transfer.what + ": libcurl is out of memory");
  }

  transfer.url = endpoint.baseUrl + request.pathAndQuery;
  const bool isStream = onChunk != nullptr;
  std::chrono::milliseconds deadline = request.timeout;
  if (deadline.count() <= 0 && !isStream) {
    deadline = options.unaryRequestTimeout;
  }

  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) {
      code = curl_easy_setopt(easy, option, value);
    }
  };
  auto setPem = [&](CURLoption option, const std::string& pem) {
    if (code == CURLE_OK) {
      code = setPemBlob(easy, option, pem);
    }
  };
  set(CURLOPT_ERRORBUFFER, transfer.errorText);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_URL, transfer.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "https,http");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_USERAGENT, options.userAgent.c_str());
  set(CURLOPT_HTTPHEADER, transfer.headers.get());
  set(CURLOPT_HTTP_VERSION,
      options.disableHttp2 ? long{CURL_HTTP_VERSION_1_1} : long{CURL_HTTP_VERSION_2TLS});
  set(CURLOPT_PIPEWAIT, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connectTimeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(deadline.count()));  // 0: none
  if (isStream && options.streamStallTimeout.count() > 0) {
    set(CURLOPT_LOW_SPEED_LIMIT, 1L);
    set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.streamStallTimeout.count()));
  }
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_TCP_KEEPIDLE, static_cast<long>(options.tcpKeepalive.count()));
  set(CURLOPT_TCP_KEEPINTVL, static_cast<long>(options.tcpKeepalive.count()));
  set(CURLOPT_SOCKOPTFUNCTION, &applySocketTuning);
  set(CURLOPT_SOCKOPTDATA, static_cast<void*>(&endpoint.tuning));
  set(CURLOPT_MAXAGE_CONN, static_cast<long>(options.maxConnectionIdle.count()));
  set(CURLOPT_HEADERFUNCTION, &onHeaderLine);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
  set(CURLOPT_WRITEFUNCTION, &onBodyBytes);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
  if (request.stop.stop_possible()) {
    set(CURLOPT_NOPROGRESS, 0L);
    set(CURLOPT_XFERINFOFUNCTION, &onProgress);
    set(CURLOPT_XFERINFODATA, static_cast<void*>(&transfer));
  }
  if (!config.proxyUrl.empty()) {
    set(CURLOPT_PROXY, config.proxyUrl.c_str());
  }

  // TLS (kube-runtime.md §6.4): PEM blobs, verified unless the kubeconfig opts out.
  if (config.insecureSkipTlsVerify) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    set(CURLOPT_SSL_VERIFYPEER, 1L);
    set(CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config.caPem.empty()) {
      setPem(CURLOPT_CAINFO_BLOB, config.caPem);
    }
  }
  if (!config.clientCertificatePem.empty()) {
    set(CURLOPT_SSLCERTTYPE, "PEM");
    set(CURLOPT_SSLKEYTYPE, "PEM");
    setPem(CURLOPT_SSLCERT_BLOB, config.clientCertificatePem);
    setPem(CURLOPT_SSLKEY_BLOB, config.clientKeyPem);
  }

  // The method and body.
  if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method != "DELETE") {
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      set(CURLOPT_POSTFIELDS, request.body.data());
    }
  }
  if (code != CURLE_OK) {
    return invalid(transfer.what + ": " + curl_easy_strerror(code));
  }
  return std::nullopt;
}

TransportResult finishTransfer(CURLcode code, CurlTransfer& transfer) {
  CURL* easy = transfer.easy;
  // The header list and the token in it go away with the transfer; nothing else kept them.
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));

  HttpResponse& response = transfer.response;
  long httpVersion = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &httpVersion);
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &response.newConnections);
  response.httpVersion = httpVersionOf(httpVersion);

  if (code != CURLE_OK) {
    if (transfer.aborted) {
      return Unexpected(TransportError{
          TransportFailure::kAborted,
          transfer.what +
              (transfer.stop.stop_requested() ? ": stop requested" : ": stopped by the receiver")});
    }
    std::string message = transfer.what + ": " + curl_easy_strerror(code);
    if (transfer.errorText[0] != '\0') {
      message += " (" + std::string(transfer.errorText) + ")";
    }
    return Unexpected(TransportError{classify(code), std::move(message)});
  }
  return std::move(response);
}

}  // namespace cop::client
