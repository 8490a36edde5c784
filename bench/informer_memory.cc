// The informer memory benchmark of issue 7 (kube-runtime.md §8): the resident memory of a
// process whose informer caches N ConfigMaps of S bytes of data each, against a budget set from
// controller-runtime's published figures (~40 MiB idle, 14-16 KiB per cached object):
//   idle   under 16 MiB: connected, one informer synced on a namespace with nothing to cache;
//   cached under 64 MiB: one informer synced on N = 10,000 ConfigMaps of S = 1 KiB.
// A measurement, not a timed test: times are printed, never asserted.
//
// usage: KUBECONFIG=... informer_memory [--namespace NS] [--count N] [--size BYTES]
//                                       [--no-budget]
// Prints a table and, last, one JSON line; exits 1 when a budget is exceeded, 2 on any other
// failure. e2e/cluster gives it a cluster: bench/informer-memory runs the whole thing.
//
// The ConfigMaps are created (those missing only) by a second process, this program run again
// with --create-only: the creation's threads, their malloc arenas and their connections would
// otherwise stay in this process's RSS and be counted as the cache's.

#include <malloc.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "operator/cache/informer.h"
#include "operator/client/cluster_connection.h"
#include "operator/client/rest_client.h"

extern char** environ;  // NOLINT: POSIX; handed to the --create-only process

namespace {

using namespace cop;
using Clock = std::chrono::steady_clock;

constexpr int kDefaultCount = 10'000;
constexpr int kDefaultSize = 1024;
constexpr std::string_view kDefaultNamespace = "informer-memory";
// The idle informer's namespace: the data namespace with this suffix; it holds no ConfigMap
// with the benchmark's label (only kube-root-ca.crt, which the selector leaves out).
constexpr std::string_view kIdleSuffix = "-idle";

// Budgets (issue 7), in KiB as /proc reports them.
constexpr long kKiB = 1024;
constexpr long kIdleBudgetKib = 16 * kKiB;
constexpr long kCachedBudgetKib = 64 * kKiB;

// Concurrent creates: enough to keep a local apiserver + etcd busy, few enough not to meet
// its max-mutating-requests-inflight (200) or priority-and-fairness queues.
constexpr int kCreateThreads = 8;
constexpr auto kSyncTimeout = std::chrono::minutes(5);
// Every benchmark object carries this label, valued "<count>x<size>", and the informers select
// on it: the namespace's kube-root-ca.crt is not counted, and sets of other sizes that a
// previous run left in the namespace are not either.
constexpr std::string_view kSetLabel = "bench.compose-operator.io/informer-memory";
constexpr std::string_view kFieldManager = "informer-memory-bench";

constexpr int kExitBudget = 1;
constexpr int kExitFailure = 2;

struct Arguments {
  std::string nameSpace{kDefaultNamespace};
  int count = kDefaultCount;
  int size = kDefaultSize;
  bool budget = true;
  bool createOnly = false;
  std::vector<std::string> raw;  // as given, for the --create-only process
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "informer_memory: %s\n", message.c_str());
  std::exit(kExitFailure);
}

int positive(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size() && value > 0) {
      return value;
    }
  } catch (const std::exception&) {
  }
  die(flag + " wants a positive number, got '" + text + "'");
}

Arguments parseArguments(int argc, char** argv) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    args.raw.push_back(flag);
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        die(flag + " wants a value");
      }
      args.raw.emplace_back(argv[++i]);
      return args.raw.back();
    };
    if (flag == "--namespace") {
      args.nameSpace = value();
    } else if (flag == "--count") {
      args.count = positive(flag, value());
    } else if (flag == "--size") {
      args.size = positive(flag, value());
    } else if (flag == "--no-budget") {
      args.budget = false;
    } else if (flag == "--create-only") {
      args.createOnly = true;
    } else {
      die("unknown argument '" + flag +
          "'; usage: informer_memory [--namespace NS] [--count N] [--size BYTES] [--no-budget]");
    }
  }
  return args;
}

// The process's memory from /proc/self/status, in KiB.
struct Memory {
  long rss = 0;   // VmRSS: resident now
  long hwm = 0;   // VmHWM: resident at the peak so far
  long anon = 0;  // RssAnon: the part that is heap and stacks (the rest is mapped files)
};

Memory readMemory() {
  Memory memory;
  std::ifstream status("/proc/self/status");
  // Lines "VmRSS:\t  1234 kB"; most other lines are not numbers ("Name:\tinformer_memory").
  for (std::string line; std::getline(status, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    const std::string_view field = std::string_view(line).substr(0, colon);
    long* target = field == "VmRSS"     ? &memory.rss
                   : field == "VmHWM"   ? &memory.hwm
                   : field == "RssAnon" ? &memory.anon
                                        : nullptr;
    if (target != nullptr) {
      *target = std::strtol(line.c_str() + colon + 1, nullptr, 10);
    }
  }
  if (memory.rss <= 0 || memory.hwm <= 0) {
    die("no VmRSS/VmHWM in /proc/self/status");
  }
  return memory;
}

std::unique_ptr<client::ClusterConnection> connect() {
  if (std::getenv("KUBECONFIG") == nullptr) {
    die("set KUBECONFIG (bench/informer-memory starts a cluster and does)");
  }
  auto connection = client::connectToCluster();
  if (!connection) {
    die(connection.error());
  }
  return std::move(*connection);
}

const client::ApiResource& configMaps() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  return resource;
}

std::string setValue(const Arguments& args) {
  return std::to_string(args.count) + "x" + std::to_string(args.size);
}

std::string selector(const Arguments& args) {
  return std::string(kSetLabel) + "=" + setValue(args);
}

void ensureNamespace(client::ApiClient& api, const std::string& name) {
  const client::ApiResource namespaces =
      *client::builtinResourceMap().forKind("", "v1", "Namespace");
  const nlohmann::json object = {
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  auto applied = api.apply(namespaces, "", object, {.fieldManager = std::string(kFieldManager)});
  if (!applied) {
    die("namespace " + name + ": " + applied.error().describe());
  }
}

// Named by set, so that sets of other sizes never collide in one namespace.
std::string objectName(const Arguments& args, int index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06d", index);
  return "bench-" + setValue(args) + "-" + digits;
}

// `size` printable bytes, different for each object, so that no layer can share them.
std::string payload(int index, int size) {
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string text(static_cast<std::size_t>(size), ' ');
  std::uint64_t state = static_cast<std::uint64_t>(index) * 0x9E3779B97F4A7C15ULL + 1;
  for (char& c : text) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // Knuth's MMIX LCG
    c = kAlphabet[(state >> 33) % kAlphabet.size()];
  }
  return text;
}

nlohmann::json configMap(const Arguments& args, int index) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", objectName(args, index)},
            {"namespace", args.nameSpace},
            {"labels", {{std::string(kSetLabel), setValue(args)}}}}},
          {"data", {{"payload", payload(index, args.size)}}}};
}

// --create-only: creates the set's missing ConfigMaps with kCreateThreads threads sharing one
// client. Prints how many it created.
int createMissing(const Arguments& args) {
  auto cluster = connect();
  client::ApiClient& api = cluster->api();
  ensureNamespace(api, args.nameSpace);
  client::ListOptions options;
  options.labelSelector = selector(args);
  options.metadataOnly = true;
  options.limit = cop::client::kListPageSize;
  auto existing = client::listAll(api, configMaps(), args.nameSpace, options);
  if (!existing) {
    die("listing the existing set: " + existing.error().describe());
  }
  std::set<std::string> present;
  for (const nlohmann::json& item : existing->items) {
    present.insert(item.at("metadata").at("name").get<std::string>());
  }
  std::vector<int> missing;
  for (int index = 0; index < args.count; ++index) {
    if (!present.contains(objectName(args, index))) {
      missing.push_back(index);
    }
  }

  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex errorMutex;
  std::string firstError;
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < kCreateThreads; ++t) {
      workers.emplace_back([&] {
        for (std::size_t i = next++; i < missing.size() && !failed; i = next++) {
          auto created = api.create(configMaps(), args.nameSpace, configMap(args, missing[i]));
          if (!created && !client::isAlreadyExists(created.error())) {
            const std::lock_guard lock(errorMutex);
            if (!failed.exchange(true)) {
              firstError = created.error().describe();
            }
          }
        }
      });
    }
  }
  if (failed) {
    die("creating ConfigMaps: " + firstError);
  }
  std::printf("%zu\n", missing.size());
  return 0;
}

// Runs this program again with --create-only; returns how many objects it created.
int createInChildProcess(const Arguments& args) {
  std::vector<std::string> words = {"informer_memory"};
  words.insert(words.end(), args.raw.begin(), args.raw.end());
  words.emplace_back("--create-only");
  std::vector<char*> argv;
  for (std::string& word : words) {
    argv.push_back(word.data());
  }
  argv.push_back(nullptr);

  int pipeFds[2];
  if (::pipe(pipeFds) != 0) {
    die("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeFds[1]);
  if (spawned != 0) {
    ::close(pipeFds[0]);
    die("could not start the --create-only process");
  }
  std::string output;
  char buffer[64];
  for (ssize_t n; (n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0;) {
    output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipeFds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    die("the --create-only process failed");
  }
  return std::atoi(output.c_str());
}

cache::InformerOptions informerOptions(const Arguments& args, const std::string& nameSpace) {
  cache::InformerOptions options;
  options.reflector.resource = configMaps();
  options.reflector.nameSpace = nameSpace;
  options.reflector.labelSelector = selector(args);
  return options;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double mib(long kib) {
  return static_cast<double>(kib) / kKiB;
}

}  // namespace

int main(int argc, char** argv) {
  const Arguments args = parseArguments(argc, argv);
  if (args.createOnly) {
    return createMissing(args);
  }
  const Memory atStart = readMemory();

  // (a) Idle: connected, one informer synced, nothing cached.
  auto cluster = connect();
  const std::string idleNamespace = args.nameSpace + std::string(kIdleSuffix);
  ensureNamespace(cluster->api(), idleNamespace);
  Memory idle;
  {
    cache::Informer informer(cluster->api(), informerOptions(args, idleNamespace));
    informer.start();
    if (!informer.waitForSync(kSyncTimeout)) {
      die("the idle informer did not sync");
    }
    if (informer.store().size() != 0) {
      die("the idle namespace " + idleNamespace + " holds benchmark objects");
    }
    idle = readMemory();
  }  // stopped: the cached phase runs one informer, as the idle one did

  // (b) The objects, by another process.
  std::fprintf(stderr, "informer_memory: ensuring %d ConfigMaps of %d bytes in %s\n", args.count,
               args.size, args.nameSpace.c_str());
  const auto createStart = Clock::now();
  const int created = createInChildProcess(args);
  const double createSeconds = secondsSince(createStart);

  // (c) Cached: one informer synced on all of them.
  cache::Informer informer(cluster->api(), informerOptions(args, args.nameSpace));
  const auto syncStart = Clock::now();
  informer.start();
  if (!informer.waitForSync(kSyncTimeout)) {
    die("the informer did not sync within the timeout");
  }
  const double syncSeconds = secondsSince(syncStart);
  const std::size_t cachedCount = informer.store().size();
  if (cachedCount != static_cast<std::size_t>(args.count)) {
    die("the store holds " + std::to_string(cachedCount) + " objects, not " +
        std::to_string(args.count));
  }
  const Memory cached = readMemory();
  // What glibc holds freed but not yet returned (e.g. the LIST pages' parse buffers): shown
  // apart, the budget applies to the untrimmed figure.
  ::malloc_trim(0);
  const Memory trimmed = readMemory();
  informer.stop();

  const double perObject =
      static_cast<double>(cached.rss - idle.rss) * kKiB / static_cast<double>(args.count);
  const bool idleOk = idle.rss < kIdleBudgetKib;
  const bool cachedOk = cached.rss < kCachedBudgetKib && cached.hwm < kCachedBudgetKib;

  std::printf("informer memory: %d ConfigMaps x %d bytes (%s)\n", args.count, args.size,
              args.nameSpace.c_str());
  std::printf("  %-34s %9s %9s %9s\n", "", "RSS MiB", "peak MiB", "anon MiB");
  const auto row = [](const char* name, const Memory& m) {
    std::printf("  %-34s %9.1f %9.1f %9.1f\n", name, mib(m.rss), mib(m.hwm), mib(m.anon));
  };
  row("at start (not connected)", atStart);
  row("idle (1 informer, 0 cached)", idle);
  row("cached (1 informer, all cached)", cached);
  row("cached, after malloc_trim(0)", trimmed);
  std::printf("  per cached object: %.0f bytes (cached - idle RSS) / %d\n", perObject, args.count);
  std::printf("  sync (LIST + store): %.2f s; creation: %.1f s (%d created)\n", syncSeconds,
              createSeconds, created);
  std::printf("  budget: idle < %ld MiB %s; cached and peak < %ld MiB %s\n", kIdleBudgetKib / kKiB,
              idleOk ? "ok" : "EXCEEDED", kCachedBudgetKib / kKiB, cachedOk ? "ok" : "EXCEEDED");

  const nlohmann::json line = {{"benchmark", "informer-memory"},
                               {"count", args.count},
                               {"size_bytes", args.size},
                               {"start_rss_kib", atStart.rss},
                               {"idle_rss_kib", idle.rss},
                               {"idle_hwm_kib", idle.hwm},
                               {"cached_rss_kib", cached.rss},
                               {"cached_hwm_kib", cached.hwm},
                               {"cached_anon_kib", cached.anon},
                               {"trimmed_rss_kib", trimmed.rss},
                               {"per_object_bytes", static_cast<long>(perObject)},
                               {"sync_s", syncSeconds},
                               {"create_s", createSeconds},
                               {"created", created},
                               {"idle_budget_kib", kIdleBudgetKib},
                               {"cached_budget_kib", kCachedBudgetKib},
                               {"within_budget", idleOk && cachedOk}};
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
  return !args.budget || (idleOk && cachedOk) ? 0 : kExitBudget;
}
