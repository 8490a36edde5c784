#include "operator/serving/process_metrics.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace cop::serving {

namespace {

// Enough for /proc/self/stat, /proc/stat (one line per CPU) and limits on any machine; a
// bound so that a broken fake tree cannot make a scrape read without end.
constexpr std::size_t kMaxProcFileBytes = 1024 * 1024;

Expected<std::string, std::string> readSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected("cannot open " + path.string());
  }
  std::string text;
  char chunk[4096];
  while (text.size() < kMaxProcFileBytes && in.read(chunk, sizeof chunk).gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

Expected<double, std::string> parseNumber(std::string_view text, std::string_view what) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Unexpected("cannot parse " + std::string(what) + ": \"" + std::string(text) + "\"");
  }
  return value;
}

std::vector<std::string_view> splitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\n')) {
      ++at;
    }
    const std::size_t start = at;
    while (at < text.size() && text[at] != ' ' && text[at] != '\n') {
      ++at;
    }
    if (at > start) {
      out.push_back(text.substr(start, at - start));
    }
  }
  return out;
}

struct StatFields {
  double utimeTicks = 0;
  double stimeTicks = 0;
  double startTicks = 0;
  double vsizeBytes = 0;
  double rssPages = 0;
};

// proc(5) /proc/[pid]/stat: the command name is in parentheses and may hold spaces and ')',
// so fields are counted from the last ')'. After it come field 3 (state) onwards.
Expected<StatFields, std::string> parseStat(std::string_view text) {
  const std::size_t close = text.rfind(')');
  if (close == std::string_view::npos) {
    return Unexpected(std::string("malformed /proc/self/stat"));
  }
  const std::vector<std::string_view> fields = splitSpaces(text.substr(close + 1));
  // fields[0] is field 3; field n is fields[n - 3]. We need up to 24 (rss).
  if (fields.size() < 22) {
    return Unexpected(std::string("short /proc/self/stat"));
  }
  StatFields out;
  COP_ASSIGN_OR_RETURN(utime, parseNumber(fields[14 - 3], "utime"));
  COP_ASSIGN_OR_RETURN(stime, parseNumber(fields[15 - 3], "stime"));
  COP_ASSIGN_OR_RETURN(start, parseNumber(fields[22 - 3], "starttime"));
  COP_ASSIGN_OR_RETURN(vsize, parseNumber(fields[23 - 3], "vsize"));
  COP_ASSIGN_OR_RETURN(rss, parseNumber(fields[24 - 3], "rss"));
  out.utimeTicks = utime;
  out.stimeTicks = stime;
  out.startTicks = start;
  out.vsizeBytes = vsize;
  out.rssPages = rss;
  return out;
}

// /proc/stat "btime <seconds since the epoch>": when the machine booted.
Expected<double, std::string> parseBootTime(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    if (line.starts_with("btime ")) {
      const auto parts = splitSpaces(line);
      if (parts.size() == 2) {
        return parseNumber(parts[1], "btime");
      }
    }
    at = end + 1;
  }
  return Unexpected(std::string("no btime in /proc/stat"));
}

// /proc/self/limits: "Max open files   <soft>   <hard>   files"; "unlimited" is what procfs
// reads as the largest uint64.
Expected<double, std::string> parseMaxFds(std::string_view text) {
  constexpr std::string_view kRow = "Max open files";
  const std::size_t at = text.find(kRow);
  if (at == std::string_view::npos) {
    return Unexpected(std::string("no \"Max open files\" in /proc/self/limits"));
  }
  const std::size_t end = std::min(text.find('\n', at), text.size());
  const auto parts = splitSpaces(text.substr(at + kRow.size(), end - at - kRow.size()));
  if (parts.empty()) {
    return Unexpected(std::string("malformed \"Max open files\" in /proc/self/limits"));
  }
  if (parts[0] == "unlimited") {
    return static_cast<double>(std::numeric_limits<std::uint64_t>::max());
  }
  return parseNumber(parts[0], "Max open files");
}

Expected<double, std::string> countOpenFds(const std::filesystem::path& dir) {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    ++count;
  }
  if (ec) {
    return Unexpected("cannot list " + dir.string() + ": " + ec.message());
  }
  return count;
}

}  // namespace

Expected<ProcessSample, std::string> readProcessSample(const ProcSource& source) {
  const double ticks = static_cast<double>(
      source.clockTicksPerSecond > 0 ? source.clockTicksPerSecond : ::sysconf(_SC_CLK_TCK));
  const double pageSize =
      static_cast<double>(source.pageSize > 0 ? source.pageSize : ::sysconf(_SC_PAGESIZE));
  const std::filesystem::path self = source.root / "self";

  COP_ASSIGN_OR_RETURN(statText, readSmallFile(self / "stat"));
  COP_ASSIGN_OR_RETURN(stat, parseStat(statText));
  COP_ASSIGN_OR_RETURN(systemStat, readSmallFile(source.root / "stat"));
  COP_ASSIGN_OR_RETURN(bootTime, parseBootTime(systemStat));
  COP_ASSIGN_OR_RETURN(limits, readSmallFile(self / "limits"));
  COP_ASSIGN_OR_RETURN(maxFds, parseMaxFds(limits));
  COP_ASSIGN_OR_RETURN(openFds, countOpenFds(self / "fd"));

  ProcessSample sample;
  sample.cpuSeconds = (stat.utimeTicks + stat.stimeTicks) / ticks;
  sample.residentBytes = stat.rssPages * pageSize;
  sample.virtualBytes = stat.vsizeBytes;
  sample.openFds = openFds;
  sample.maxFds = maxFds;
  sample.startTimeSeconds = bootTime + stat.startTicks / ticks;
  return sample;
}

Expected<std::unique_ptr<ProcessMetrics>, std::string> ProcessMetrics::create(
    metrics::Registry& registry, ProcSource source) {
  using metrics::MetricType;
  // Help texts as client_golang's process collector writes them.
  const metrics::FamilySpec specs[] = {
      {std::string(kProcessCpuSecondsTotal),
       "Total user and system CPU time spent in seconds.",
       MetricType::Counter,
       {},
       {}},
      {std::string(kProcessResidentMemoryBytes),
       "Resident memory size in bytes.",
       MetricType::Gauge,
       {},
       {}},
      {std::string(kProcessVirtualMemoryBytes),
       "Virtual memory size in bytes.",
       MetricType::Gauge,
       {},
       {}},
      {std::string(kProcessOpenFds), "Number of open file descriptors.", MetricType::Gauge, {}, {}},
      {std::string(kProcessMaxFds),
       "Maximum number of open file descriptors.",
       MetricType::Gauge,
       {},
       {}},
      {std::string(kProcessStartTimeSeconds),
       "Start time of the process since unix epoch in seconds.",
       MetricType::Gauge,
       {},
       {}},
  };
  for (const metrics::FamilySpec& spec : specs) {
    COP_TRY(registry.registerFamily(spec));
  }
  return std::unique_ptr<ProcessMetrics>(new ProcessMetrics(registry, std::move(source)));
}

Expected<void, std::string> ProcessMetrics::update() {
  std::lock_guard lock(mutex_);
  COP_ASSIGN_OR_RETURN(sample, readProcessSample(source_));
  COP_ASSIGN_OR_RETURN(cpu, registry_.counter(kProcessCpuSecondsTotal, {}));
  // A counter only goes up: add what the kernel counted since the last scrape.
  if (sample.cpuSeconds > cpu->value()) {
    cpu->inc(sample.cpuSeconds - cpu->value());
  }
  const std::pair<std::string_view, double> gauges[] = {
      {kProcessResidentMemoryBytes, sample.residentBytes},
      {kProcessVirtualMemoryBytes, sample.virtualBytes},
      {kProcessOpenFds, sample.openFds},
      {kProcessMaxFds, sample.maxFds},
      {kProcessStartTimeSeconds, sample.startTimeSeconds},
  };
  for (const auto& [name, value] : gauges) {
    COP_ASSIGN_OR_RETURN(gauge, registry_.gauge(name, {}));
    gauge->set(value);
  }
  return {};
}

}  // namespace cop::serving
