#pragma once

// The process collector families client_golang registers by default (prometheus
// process_collector.go, read through procfs), which controller-runtime's /metrics carries and
// dashboards expect (../shared/docs/kube-runtime.md §7), read from /proc/self:
//   process_cpu_seconds_total      counter  utime + stime of /proc/self/stat, in seconds
//   process_resident_memory_bytes  gauge    rss pages of /proc/self/stat x page size
//   process_virtual_memory_bytes   gauge    vsize of /proc/self/stat
//   process_open_fds               gauge    entries of /proc/self/fd
//   process_max_fds                gauge    soft "Max open files" of /proc/self/limits
//   process_start_time_seconds     gauge    btime of /proc/stat + starttime of /proc/self/stat
// The /proc root, clock tick rate and page size are injectable so tests can use a fake tree.

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "operator/common/result.h"
#include "operator/metrics/registry.h"

namespace cop::serving {

inline constexpr std::string_view kProcessCpuSecondsTotal = "process_cpu_seconds_total";
inline constexpr std::string_view kProcessResidentMemoryBytes = "process_resident_memory_bytes";
inline constexpr std::string_view kProcessVirtualMemoryBytes = "process_virtual_memory_bytes";
inline constexpr std::string_view kProcessOpenFds = "process_open_fds";
inline constexpr std::string_view kProcessMaxFds = "process_max_fds";
inline constexpr std::string_view kProcessStartTimeSeconds = "process_start_time_seconds";

struct ProcessSample {
  double cpuSeconds = 0;
  double residentBytes = 0;
  double virtualBytes = 0;
  double openFds = 0;
  double maxFds = 0;
  double startTimeSeconds = 0;
};

struct ProcSource {
  std::filesystem::path root = "/proc";
  // sysconf(_SC_CLK_TCK) and sysconf(_SC_PAGESIZE) when 0.
  long clockTicksPerSecond = 0;
  long pageSize = 0;
};

// Reads one sample of the current process ("self" under the root).
Expected<ProcessSample, std::string> readProcessSample(const ProcSource& source);

class ProcessMetrics {
 public:
  // Registers the six families in `registry`, which must outlive this object.
  static Expected<std::unique_ptr<ProcessMetrics>, std::string> create(metrics::Registry& registry,
                                                                       ProcSource source = {});

  // Reads a sample and sets the series; what the /metrics handler calls before each scrape.
  // Thread-safe (two scrapes at once update in turn).
  Expected<void, std::string> update();

 private:
  ProcessMetrics(metrics::Registry& registry, ProcSource source)
      : registry_(registry), source_(std::move(source)) {}

  metrics::Registry& registry_;
  ProcSource source_;
  std::mutex mutex_;
};

}  // namespace cop::serving
