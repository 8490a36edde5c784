#include "operator/client/curl_handles.h"

namespace cop::client {

Expected<std::unique_ptr<CurlGlobal>, std::string> CurlGlobal::create() {
  const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return Unexpected(std::string("libcurl initialisation failed: ") + curl_easy_strerror(code));
  }
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  const bool http2 = info != nullptr && (info->features & CURL_VERSION_HTTP2) != 0;
  const bool ssl = info != nullptr && (info->features & CURL_VERSION_SSL) != 0;
  return std::unique_ptr<CurlGlobal>(new CurlGlobal(http2, ssl));
}

CurlGlobal::~CurlGlobal() {
  curl_global_cleanup();
}

CurlEasy makeCurlEasy() {
  return CurlEasy(curl_easy_init());
}

CurlHeaderList& CurlHeaderList::operator=(CurlHeaderList&& other) noexcept {
  if (this != &other) {
    curl_slist_free_all(list_);
    list_ = other.list_;
    other.list_ = nullptr;
  }
  return *this;
}

bool CurlHeaderList::append(const std::string& line) {
  curl_slist* next = curl_slist_append(list_, line.c_str());
  if (next == nullptr) {
    return false;  // list_ is unchanged and still owned
  }
  list_ = next;
  return true;
}

}  // namespace cop::client
