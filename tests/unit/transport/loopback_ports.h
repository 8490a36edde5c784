#pragma once

// Loopback ports for transport tests that need no server: one that refuses connections and one
// that accepts them (the kernel completes the handshake from the listen backlog) and never
// answers a byte. Each is held open until the object goes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cop::client::loopback {

class LoopbackPort {
 public:
  // listening=false: bound, never listening, so a connect is refused at once.
  explicit LoopbackPort(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        (!listening || listen(fd_, kBacklog) == 0)) {
      socklen_t size = sizeof address;
      getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
      port_ = ntohs(address.sin_port);
    }
  }
  ~LoopbackPort() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;
  int port() const { return port_; }

 private:
  // Enough queued connections for every transfer a test starts at once.
  static constexpr int kBacklog = 64;
  int fd_;
  int port_ = 0;
};

}  // namespace cop::client::loopback
