#include "operator/serving/shutdown_signal.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace cop::serving {
namespace {

using namespace std::chrono_literals;

// Waits (generously) for a stop request.
bool stopRequestedWithin(const std::stop_source& stop, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!stop.stop_requested() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  return stop.stop_requested();
}

class ShutdownSignalTest : public ::testing::Test {
 protected:
  // main() would do this before starting any thread; this program starts none before.
  void SetUp() override { ASSERT_TRUE(blockShutdownSignals()); }
};

TEST_F(ShutdownSignalTest, SigtermRequestsStop) {
  std::stop_source stop;
  std::ostringstream log;
  auto handler = ShutdownSignal::install(stop, logging::Logger(logging::LogSink::toStream(log)));
  ASSERT_TRUE(handler) << handler.error();
  EXPECT_FALSE(stop.stop_requested());
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_TRUE(stopRequestedWithin(stop, 5'000ms));
  handler->reset();  // joins the watcher before the log stream is read
  EXPECT_NE(log.str().find("\"signal\":\"SIGTERM\""), std::string::npos) << log.str();
}

TEST_F(ShutdownSignalTest, SigintRequestsStop) {
  std::stop_source stop;
  auto handler = ShutdownSignal::install(stop);
  ASSERT_TRUE(handler) << handler.error();
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  EXPECT_TRUE(stopRequestedWithin(stop, 5'000ms));
}

TEST_F(ShutdownSignalTest, DestroyingWithoutASignalJoinsAtOnce) {
  std::stop_source stop;
  auto handler = ShutdownSignal::install(stop);
  ASSERT_TRUE(handler);
  const auto began = std::chrono::steady_clock::now();
  handler->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  EXPECT_FALSE(stop.stop_requested());
}

TEST_F(ShutdownSignalTest, ASecondSignalExitsWithCode1) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        (void)blockShutdownSignals();
        std::stop_source stop;
        auto handler = ShutdownSignal::install(stop);
        ::kill(::getpid(), SIGTERM);
        stopRequestedWithin(stop, 5'000ms);
        ::kill(::getpid(), SIGTERM);
        std::this_thread::sleep_for(10s);  // the watcher exits long before
        std::_Exit(42);
      },
      ::testing::ExitedWithCode(kSecondSignalExitCode), "");
}

}  // namespace
}  // namespace cop::serving
