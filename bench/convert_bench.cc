// Conversion throughput, in-process (load -> translate -> emit, files held in memory so that
// disk I/O is not measured): the awesome-compose stacks that convert, one typical stack, and a
// generated 200-service stack. Peak RSS is reported as a counter (KiB).
//
// Run: scripts/bench  (or build/convert_bench --benchmark_repetitions=5)

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "operator/emit/writers.h"
#include "operator/load/loader.h"
#include "operator/translate/translator.h"

namespace {

namespace fs = std::filesystem;

struct Stack {
  std::string name;
  cop::load::MemoryReader reader;
  cop::translate::TranslateOptions options;
};

fs::path corpus() {
  return fs::path(COP_SOURCE_DIR) / ".." / "shared" / "corpus" / "awesome-compose";
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

cop::Result<cop::load::Project> loadStack(const Stack& stack, cop::Warnings& warnings) {
  cop::load::LoadOptions options;
  options.files = {"compose.yaml"};
  options.projectName = stack.name;
  return cop::load::loadProject(options, stack.reader, warnings);
}

bool convertOnce(const Stack& stack, std::size_t* bytes) {
  cop::Warnings warnings;
  auto project = loadStack(stack, warnings);
  if (!project) {
    return false;
  }
  auto objects = cop::translate::translate(*project, stack.options, warnings);
  if (!objects) {
    return false;
  }
  const std::string yaml = cop::emit::toYamlStream(*objects);
  if (bytes != nullptr) {
    *bytes += yaml.size();
  }
  return true;
}

// Every awesome-compose sample that converts once build-only services have an image.
std::vector<Stack> awesomeStacks() {
  std::vector<Stack> stacks;
  for (const auto& entry : fs::directory_iterator(corpus())) {
    if (!fs::exists(entry.path() / "compose.yaml")) {
      continue;
    }
    Stack stack;
    stack.name = entry.path().filename().string();
    stack.reader.add("compose.yaml", slurp(entry.path() / "compose.yaml"));
    if (fs::exists(entry.path() / ".env")) {
      stack.reader.add(".env", slurp(entry.path() / ".env"));
    }
    cop::Warnings warnings;
    if (auto project = loadStack(stack, warnings)) {
      for (const auto& service : project->services) {
        if (service.image.empty()) {
          stack.options.images[service.name] = "registry.invalid/" + service.name + ":bench";
        }
      }
    }
    if (convertOnce(stack, nullptr)) {
      stacks.push_back(std::move(stack));
    }
  }
  return stacks;
}

std::string generatedStack(int services) {
  std::string text = "services:\n";
  for (int i = 0; i < services; ++i) {
    const std::string n = std::to_string(i);
    text += "  svc" + n + ":\n";
    text += "    image: registry.example.com/team/svc" + n + ":1." + n + "\n";
    text += "    ports: [\"" + std::to_string(8000 + i) + ":80\"]\n";
    text += "    environment:\n      LOG_LEVEL: info\n      UPSTREAM: svc" +
            std::to_string((i + 1) % services) + "\n";
    text += "      DB_PASSWORD: example-" + n + "\n";
    text +=
        "    healthcheck:\n      test: [\"CMD\", \"wget\", \"-qO-\", "
        "\"http://localhost/health\"]\n      interval: 10s\n";
    text +=
        "    deploy:\n      replicas: 2\n      resources:\n        limits: {cpus: '0.5', memory: "
        "256M}\n";
    text += "    volumes: [\"data" + n + ":/data\"]\n";
    text += "    networks: [front, back]\n";
    if (i > 0) {
      text += "    depends_on: [svc" + std::to_string(i - 1) + "]\n";
    }
  }
  text += "networks:\n  front:\n  back:\n    internal: true\nvolumes:\n";
  for (int i = 0; i < services; ++i) {
    text += "  data" + std::to_string(i) + ":\n";
  }
  return text;
}

void reportPeakRss(benchmark::State& state) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_kib"] = static_cast<double>(usage.ru_maxrss);
}

void BM_AwesomeComposeCorpus(benchmark::State& state) {
  const std::vector<Stack> stacks = awesomeStacks();
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const Stack& stack : stacks) {
      benchmark::DoNotOptimize(convertOnce(stack, &bytes));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * stacks.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["stacks"] = static_cast<double>(stacks.size());
  reportPeakRss(state);
}
BENCHMARK(BM_AwesomeComposeCorpus)->Unit(benchmark::kMillisecond);

void BM_TypicalStack(benchmark::State& state) {
  Stack stack;
  stack.name = "wordpress-mysql";
  stack.reader.add("compose.yaml", slurp(corpus() / "wordpress-mysql" / "compose.yaml"));
  for (auto _ : state) {
    benchmark::DoNotOptimize(convertOnce(stack, nullptr));
  }
  state.SetItemsProcessed(state.iterations());
  reportPeakRss(state);
}
BENCHMARK(BM_TypicalStack)->Unit(benchmark::kMicrosecond);

void BM_Generated200Services(benchmark::State& state) {
  Stack stack;
  stack.name = "generated";
  stack.reader.add("compose.yaml", generatedStack(200));
  if (!convertOnce(stack, nullptr)) {
    state.SkipWithError("the generated stack does not convert");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(convertOnce(stack, nullptr));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["services"] = 200;
  reportPeakRss(state);
}
BENCHMARK(BM_Generated200Services)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
