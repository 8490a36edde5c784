#pragma once

// RAII owners for libcurl's C handles. Every CURL* and curl_slist* the client makes lives in
// one of these, so no path (error, early return, exception from a callback's caller) leaks a
// handle or a header list.
//
// curl_global_init is not thread-safe and must run before any other libcurl call
// (libcurl-thread(3)), so it is owned by one CurlGlobal object that main() or a test creates
// before any transport and destroys after the last one: no static or hidden global.

#include <curl/curl.h>

#include <memory>
#include <string>

#include "operator/common/result.h"

namespace cop::client {

// Owns curl_global_init / curl_global_cleanup. Create exactly one, first; keep it alive while
// any transport exists.
class CurlGlobal {
 public:
  // An error when libcurl cannot initialise (e.g. its TLS backend failed to load).
  static Expected<std::unique_ptr<CurlGlobal>, std::string> create();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;

  // What this libcurl supports; the transport refuses to start without these.
  bool hasHttp2() const { return hasHttp2_; }
  bool hasSsl() const { return hasSsl_; }

 private:
  CurlGlobal(bool hasHttp2, bool hasSsl) : hasHttp2_(hasHttp2), hasSsl_(hasSsl) {}
  bool hasHttp2_ = false;
  bool hasSsl_ = false;
};

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
// One easy handle; its connection cache goes with it.
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// A new easy handle, or null when libcurl is out of memory.
CurlEasy makeCurlEasy();

// A request's header list (curl_slist), freed with the request.
class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  CurlHeaderList(CurlHeaderList&& other) noexcept : list_(other.list_) { other.list_ = nullptr; }
  CurlHeaderList& operator=(CurlHeaderList&& other) noexcept;

  // Appends "Name: value" (libcurl copies the string). False when out of memory.
  bool append(const std::string& line);
  const curl_slist* get() const { return list_; }
  curl_slist* get() { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace cop::client
