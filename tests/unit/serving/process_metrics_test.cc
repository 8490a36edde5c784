#include "operator/serving/process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>

namespace cop::serving {
namespace {

namespace fs = std::filesystem;

// A /proc tree in a temporary directory with just the files the collector reads.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cop-fake-proc-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "self" / "fd");
    write("stat", "cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1700000000\nprocesses 42\n");
    // Fields 3..24 after the command; utime=250 stime=150 starttime=12345 vsize=104857600
    // rss=2560. The command holds ") (" to check fields are counted from the last ')'.
    write("self/stat",
          "1234 (my ) (cmd) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 150 0 0 20 0 7 0 12345 "
          "104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 3 0 0\n");
    write("self/limits",
          "Limit                     Soft Limit           Hard Limit           Units     \n"
          "Max cpu time              unlimited            unlimited            seconds   \n"
          "Max open files            1024                 524288               files     \n");
    for (const char* fd : {"0", "1", "2", "7"}) {
      write(std::string("self/fd/") + fd, "");
    }
    source_.root = root_;
    source_.clockTicksPerSecond = 100;
    source_.pageSize = 4096;
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& relative, const std::string& content) {
    std::ofstream(root_ / relative, std::ios::binary) << content;
  }

  fs::path root_;
  ProcSource source_;
};

TEST_F(FakeProc, ReadsEveryValue) {
  auto sample = readProcessSample(source_);
  ASSERT_TRUE(sample) << sample.error();
  EXPECT_DOUBLE_EQ(sample->cpuSeconds, 4.0);  // (250 + 150) / 100
  EXPECT_DOUBLE_EQ(sample->residentBytes, 2560.0 * 4096);
  EXPECT_DOUBLE_EQ(sample->virtualBytes, 104857600.0);
  EXPECT_DOUBLE_EQ(sample->openFds, 4.0);
  EXPECT_DOUBLE_EQ(sample->maxFds, 1024.0);
  EXPECT_DOUBLE_EQ(sample->startTimeSeconds, 1700000000.0 + 123.45);
}

TEST_F(FakeProc, UnlimitedOpenFilesIsTheLargestUint64) {
  write("self/limits",
        "Max open files            unlimited            unlimited            files\n");
  auto sample = readProcessSample(source_);
  ASSERT_TRUE(sample) << sample.error();
  EXPECT_DOUBLE_EQ(sample->maxFds, static_cast<double>(std::numeric_limits<std::uint64_t>::max()));
}

TEST_F(FakeProc, MissingOrMalformedFilesAreErrors) {
  write("self/stat", "1234 (cmd) S 1 2");
  EXPECT_FALSE(readProcessSample(source_));
  SetUp();
  write("stat", "cpu 1 2 3\n");
  EXPECT_FALSE(readProcessSample(source_));
  SetUp();
  fs::remove(root_ / "self" / "limits");
  EXPECT_FALSE(readProcessSample(source_));
}

TEST_F(FakeProc, UpdateSetsTheFamiliesAndTheCounterNeverGoesDown) {
  metrics::Registry registry;
  auto collector = ProcessMetrics::create(registry, source_);
  ASSERT_TRUE(collector) << collector.error();
  ASSERT_TRUE((*collector)->update());
  const std::string text = registry.exposition();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"
                      "process_resident_memory_bytes 1.048576e+07\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("process_virtual_memory_bytes 1.048576e+08\n"), std::string::npos);
  EXPECT_NE(text.find("process_open_fds 4\n"), std::string::npos);
  EXPECT_NE(text.find("process_max_fds 1024\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE process_start_time_seconds gauge\n"), std::string::npos);

  // The kernel's count cannot go backwards, but a counter must not even if it seems to.
  write("self/stat",
        "1234 (cmd) S 1 1234 1234 0 -1 4194304 100 0 0 0 100 50 0 0 20 0 7 0 12345 "
        "104857600 2560 0\n");
  ASSERT_TRUE((*collector)->update());
  EXPECT_NE(registry.exposition().find("process_cpu_seconds_total 4\n"), std::string::npos);
}

TEST_F(FakeProc, CreateFailsWhenTheFamiliesExist) {
  metrics::Registry registry;
  ASSERT_TRUE(ProcessMetrics::create(registry, source_));
  EXPECT_FALSE(ProcessMetrics::create(registry, source_));
}

TEST(ProcessMetrics, ReadsTheRealProcSelf) {
  auto sample = readProcessSample({});
  ASSERT_TRUE(sample) << sample.error();
  EXPECT_GT(sample->residentBytes, 0);
  EXPECT_GE(sample->virtualBytes, sample->residentBytes);
  EXPECT_GE(sample->openFds, 3);
  EXPECT_GE(sample->maxFds, sample->openFds);
  EXPECT_GE(sample->cpuSeconds, 0);
  const double now = static_cast<double>(::time(nullptr));
  EXPECT_GT(sample->startTimeSeconds, now - 86400);
  EXPECT_LT(sample->startTimeSeconds, now + 5);
}

}  // namespace
}  // namespace cop::serving
