#include "operator/client/socket_options.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "operator/client/curl_transport.h"

namespace cop::client {
namespace {

// An unconnected TCP socket: the options are set on it, no packet is sent.
class Socket {
 public:
  Socket() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {}
  ~Socket() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }
  unsigned int userTimeout() const {
    unsigned int value = 12345;
    socklen_t size = sizeof value;
    getsockopt(fd_, IPPROTO_TCP, TCP_USER_TIMEOUT, &value, &size);
    return value;
  }

 private:
  int fd_;
};

TEST(SocketTuning, DefaultUserTimeoutIsKeepalivePlusPingTimeout) {
  // kube-runtime.md §6.6: TCP_USER_TIMEOUT ≈ 30 s + 15 s.
  EXPECT_EQ(kTcpUserTimeout.count(), 45'000);
}

TEST(SocketTuning, SetsTcpUserTimeoutOnConnectionSockets) {
  Socket socket;
  ASSERT_GE(socket.fd(), 0);
  SocketTuning tuning{kTcpUserTimeout};
  EXPECT_EQ(applySocketTuning(&tuning, socket.fd(), CURLSOCKTYPE_IPCXN), CURL_SOCKOPT_OK);
  EXPECT_EQ(socket.userTimeout(), 45'000u);
}

TEST(SocketTuning, LeavesOtherSocketsAndZeroAlone) {
  Socket accepted;
  ASSERT_GE(accepted.fd(), 0);
  SocketTuning tuning{kTcpUserTimeout};
  EXPECT_EQ(applySocketTuning(&tuning, accepted.fd(), CURLSOCKTYPE_ACCEPT), CURL_SOCKOPT_OK);
  EXPECT_EQ(accepted.userTimeout(), 0u);

  Socket untuned;
  ASSERT_GE(untuned.fd(), 0);
  SocketTuning off{std::chrono::milliseconds{0}};
  EXPECT_EQ(applySocketTuning(&off, untuned.fd(), CURLSOCKTYPE_IPCXN), CURL_SOCKOPT_OK);
  EXPECT_EQ(untuned.userTimeout(), 0u);
}

}  // namespace
}  // namespace cop::client
