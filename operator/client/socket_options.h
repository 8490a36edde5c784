#pragma once

// Dead-peer detection for libcurl's sockets. libcurl 7.88.1 cannot send HTTP/2 PINGs on an
// application's connections (kube-runtime.md §6.6), so a connection whose peer vanished without
// a RST is found by TCP keepalive (CURLOPT_TCP_KEEPALIVE/KEEPIDLE/KEEPINTVL) plus
// TCP_USER_TIMEOUT, which libcurl has no option for: it is set here, from
// CURLOPT_SOCKOPTFUNCTION.

#include <curl/curl.h>

#include <chrono>

namespace cop::client {

struct SocketTuning {
  std::chrono::milliseconds tcpUserTimeout{0};  // 0: leave the kernel default
};

// A CURLOPT_SOCKOPTFUNCTION; CURLOPT_SOCKOPTDATA must point to a SocketTuning that outlives
// the transfer. Sets TCP_USER_TIMEOUT on each new connection's socket. A failing setsockopt is
// not fatal (keepalive still applies): the connection goes ahead.
int applySocketTuning(void* tuning, curl_socket_t socket, curlsocktype purpose);

}  // namespace cop::client
