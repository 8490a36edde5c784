#include "operator/client/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace cop::client {

int applySocketTuning(void* tuning, curl_socket_t socket, curlsocktype purpose) {
  const auto* settings = static_cast<const SocketTuning*>(tuning);
  if (purpose != CURLSOCKTYPE_IPCXN || settings == nullptr ||
      settings->tcpUserTimeout.count() <= 0) {
    return CURL_SOCKOPT_OK;
  }
  const unsigned int milliseconds = static_cast<unsigned int>(settings->tcpUserTimeout.count());
  (void)setsockopt(socket, IPPROTO_TCP, TCP_USER_TIMEOUT, &milliseconds, sizeof milliseconds);
  return CURL_SOCKOPT_OK;
}

}  // namespace cop::client
