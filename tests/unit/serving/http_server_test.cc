#include "operator/serving/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/unit/serving/http_test_client.h"

namespace cop::serving {
namespace {

using namespace std::chrono_literals;
using testing::connectTo;
using testing::get;
using testing::readUntilClosed;
using testing::roundTrip;
using testing::sendAll;

using SteadyClock = std::chrono::steady_clock;

HttpResponse text(std::string body) {
  HttpResponse response;
  response.body = std::move(body);
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    options.bindAddress = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(options);
    ASSERT_TRUE(server_->handle("/a", [](const HttpRequest&) { return text("route a"); }));
    ASSERT_TRUE(server_->handle(
        "/tree/", [](const HttpRequest& request) { return text("tree " + request.path); }));
    ASSERT_TRUE(server_->handle("/echo", [](const HttpRequest& request) {
      std::string out;
      for (const auto& [key, value] : request.query) {
        out += key + "=" + value + ";";
      }
      return text(out);
    }));
    ASSERT_TRUE(server_->handle("/throw", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("handler bug");
    }));
    auto started = server_->start();
    ASSERT_TRUE(started) << started.error();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ServesAnExactRoute) {
  start();
  const auto response = get(port_, "/a");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "route a");
  EXPECT_TRUE(response.hasHeader("Content-Length: 7"));
  EXPECT_TRUE(response.hasHeader("Content-Type: text/plain; charset=utf-8"));
}

TEST_F(HttpServerTest, ClosesTheConnectionAfterEachResponse) {
  start();
  const auto response = get(port_, "/a");
  EXPECT_TRUE(response.hasHeader("Connection: close"));
  EXPECT_TRUE(response.closed);
}

TEST_F(HttpServerTest, APatternEndingInSlashMatchesItsSubtree) {
  start();
  EXPECT_EQ(get(port_, "/tree/x/y").body, "tree /tree/x/y");
  EXPECT_EQ(get(port_, "/tree/").body, "tree /tree/");
  EXPECT_EQ(get(port_, "/a/b").status, 404);  // "/a" is exact only
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  start();
  EXPECT_EQ(get(port_, "/nothing").status, 404);
}

TEST_F(HttpServerTest, PassesDecodedQueryParameters) {
  start();
  EXPECT_EQ(get(port_, "/echo?verbose&exclude=a&exclude=b%2Fc&x=1+2").body,
            "verbose=;exclude=a;exclude=b/c;x=1 2;");
}

TEST_F(HttpServerTest, HeadHasNoBody) {
  start();
  const auto response = get(port_, "/a", "HEAD");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "");
  EXPECT_TRUE(response.hasHeader("Content-Length: 7"));
}

TEST_F(HttpServerTest, OtherMethodsAre405) {
  start();
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    const auto response = get(port_, "/a", method);
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_TRUE(response.hasHeader("Allow: GET, HEAD")) << method;
  }
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  start();
  EXPECT_EQ(roundTrip(port_, "GET\r\n\r\n").status, 400);
  EXPECT_EQ(roundTrip(port_, "GET http://x/a HTTP/1.1\r\n\r\n").status, 400);
  EXPECT_EQ(roundTrip(port_, "GET /a HTTP/2.0\r\n\r\n").status, 505);
}

TEST_F(HttpServerTest, HugeRequestHeadIs431) {
  start();
  const std::string head = "GET /a HTTP/1.1\r\nX-Big: " + std::string(16 * 1024, 'x') + "\r\n\r\n";
  const auto response = roundTrip(port_, head);
  EXPECT_EQ(response.status, 431);
}

TEST_F(HttpServerTest, HeadOfExactlyTheLimitIsServed) {
  start();
  const std::string prefix = "GET /a HTTP/1.1\r\nX-Pad: ";
  const std::string suffix = "\r\n\r\n";
  const std::string fits =
      prefix + std::string(kMaxRequestHeadBytes - prefix.size() - suffix.size(), 'p') + suffix;
  ASSERT_EQ(fits.size(), kMaxRequestHeadBytes);
  EXPECT_EQ(roundTrip(port_, fits).status, 200);
  const std::string over = prefix + std::string(fits.size() - prefix.size() - 3, 'p') + suffix;
  EXPECT_EQ(roundTrip(port_, over).status, 431);
  // The same head in two writes, so the server sees the terminator arrive past the limit.
  const UniqueFd split = connectTo(port_);
  ASSERT_TRUE(split.valid());
  ASSERT_TRUE(sendAll(split.get(), std::string_view(over).substr(0, over.size() - 11)));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(sendAll(split.get(), std::string_view(over).substr(over.size() - 11)));
  EXPECT_EQ(testing::parseResponse(readUntilClosed(split.get())).status, 431);
}

TEST_F(HttpServerTest, AHeadThatNeverEndsIs431BeforeTheDeadline) {
  HttpServerOptions options;
  options.readTimeout = 60s;
  start(options);
  const UniqueFd endless = connectTo(port_);
  ASSERT_TRUE(endless.valid());
  // No blank line ever: the server must stop buffering at the limit, not at the deadline.
  ASSERT_TRUE(sendAll(endless.get(),
                      "GET /a HTTP/1.1\r\nX-Big: " + std::string(2 * kMaxRequestHeadBytes, 'x')));
  EXPECT_EQ(testing::parseResponse(readUntilClosed(endless.get())).status, 431);
}

TEST_F(HttpServerTest, AThrowingHandlerIs500AndTheServerLivesOn) {
  start();
  EXPECT_EQ(get(port_, "/throw").status, 500);
  EXPECT_EQ(get(port_, "/a").status, 200);
}

TEST_F(HttpServerTest, ASilentClientDoesNotBlockAnotherAndIsCutAtTheDeadline) {
  HttpServerOptions options;
  options.readTimeout = 3s;
  options.workers = 2;
  start(options);
  const auto connected = SteadyClock::now();
  const UniqueFd silent = connectTo(port_);
  ASSERT_TRUE(silent.valid());
  std::this_thread::sleep_for(100ms);  // let a worker take it
  const auto other = get(port_, "/a");
  EXPECT_EQ(other.status, 200);
  pollfd stillOpen{silent.get(), POLLIN, 0};
  EXPECT_EQ(::poll(&stillOpen, 1, 0), 0) << "the other client waited for the silent one's cut";
  const auto cut = readUntilClosed(silent.get());
  EXPECT_TRUE(cut.closed);
  EXPECT_EQ(cut.bytes, "");
  EXPECT_GE(SteadyClock::now() - connected, 2900ms);  // never before its deadline
}

TEST_F(HttpServerTest, ATricklingClientIsCutAtTheDeadlineOfTheWholeHead) {
  HttpServerOptions options;
  options.readTimeout = 1s;
  start(options);
  const UniqueFd slow = connectTo(port_);
  ASSERT_TRUE(slow.valid());
  const auto began = SteadyClock::now();
  // One byte every 100 ms never lets a per-read timeout fire; the head deadline must.
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    cut = !sendAll(slow.get(), "X");
    pollfd p{slow.get(), POLLIN, 0};
    cut = cut || ::poll(&p, 1, 100) > 0;
  }
  EXPECT_TRUE(cut);
  EXPECT_LT(SteadyClock::now() - began, 5s);
}

TEST_F(HttpServerTest, ServesConcurrentClients) {
  start();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 16; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (get(port_, "/a").body == "route a") {
          ++ok;
        }
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_EQ(ok.load(), 160);
}

TEST_F(HttpServerTest, ClientsBeyondTheConnectionCapWaitAndAreServed) {
  HttpServerOptions options;
  options.readTimeout = 1s;
  options.workers = 2;
  options.maxConnections = 2;
  start(options);
  const UniqueFd silent1 = connectTo(port_);
  const UniqueFd silent2 = connectTo(port_);
  ASSERT_TRUE(silent1.valid() && silent2.valid());
  // Held in the backlog until a silent client is cut off, then served.
  EXPECT_EQ(get(port_, "/a").status, 200);
}

TEST_F(HttpServerTest, StopReturnsQuicklyWhileAClientIsConnected) {
  HttpServerOptions options;
  options.readTimeout = 60s;
  start(options);
  const UniqueFd silent = connectTo(port_);
  ASSERT_TRUE(silent.valid());
  std::this_thread::sleep_for(100ms);  // let a worker take it
  const auto began = SteadyClock::now();
  server_->stop();
  EXPECT_LT(SteadyClock::now() - began, 5s);
  EXPECT_TRUE(readUntilClosed(silent.get()).closed);
  server_->stop();  // idempotent
}

TEST_F(HttpServerTest, StopClosesTheListener) {
  start();
  server_->stop();
  EXPECT_FALSE(connectTo(port_).valid());
}

TEST_F(HttpServerTest, RoutesAreFixedAtStart) {
  start();
  EXPECT_FALSE(server_->handle("/late", [](const HttpRequest&) { return text(""); }));
}

TEST(HttpServer, RejectsABadRoute) {
  HttpServer server;
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  EXPECT_FALSE(server.handle("", handler));
  EXPECT_FALSE(server.handle("relative", handler));
  EXPECT_TRUE(server.handle("/x", handler));
  EXPECT_FALSE(server.handle("/x", handler));
}

TEST(HttpServer, RejectsABadBindAddress) {
  for (const char* address :
       {"8081", "127.0.0.1:99999", "127.0.0.1:x", "::1:80", "[::1]80", "127.0.0.1:"}) {
    HttpServerOptions options;
    options.bindAddress = address;
    HttpServer server(options);
    EXPECT_FALSE(server.start()) << address;
  }
}

TEST(HttpServer, AllInterfacesServesIPv4AndIPv6) {
  HttpServerOptions options;
  options.bindAddress = ":0";
  HttpServer server(options);
  ASSERT_TRUE(server.handle("/a", [](const HttpRequest&) { return text("a"); }));
  auto started = server.start();
  ASSERT_TRUE(started) << started.error();
  EXPECT_EQ(get(server.port(), "/a").body, "a");
  if (connectTo(server.port(), AF_INET6).valid()) {
    EXPECT_EQ(get(server.port(), "/a", "GET", AF_INET6).body, "a");
  }
}

TEST(HttpServer, BindsAnIPv6Loopback) {
  HttpServerOptions options;
  options.bindAddress = "[::1]:0";
  HttpServer server(options);
  ASSERT_TRUE(server.handle("/a", [](const HttpRequest&) { return text("six"); }));
  auto started = server.start();
  if (!started) {
    GTEST_SKIP() << "no IPv6 loopback here: " << started.error();
  }
  EXPECT_EQ(get(server.port(), "/a", "GET", AF_INET6).body, "six");
}

}  // namespace
}  // namespace cop::serving
