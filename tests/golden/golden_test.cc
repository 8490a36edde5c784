// Golden tests: one directory per feature under tests/golden/, each with a compose file, an
// optional `args` file (one argument per line) and the expected objects and warnings. Output
// is compared semantically (parsed, not byte for byte), so that key order and quoting may
// change without touching every golden.
//
// To regenerate after a deliberate change: UPDATE_GOLDEN=1 ./golden_tests, then read the diff.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "operator/cli/convert_command.h"
#include "tests/support/test_support.h"

namespace cop {
namespace {

namespace fs = std::filesystem;

fs::path goldenRoot() {
  return fs::path(COP_SOURCE_DIR) / "tests" / "golden";
}

std::vector<std::string> goldenCases() {
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(goldenRoot())) {
    if (entry.is_directory()) {
      cases.push_back(entry.path().filename().string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs with the case directory as the working directory, so that file names in warnings
// are relative and the project is named after the case.
class ScopedDirectory {
 public:
  explicit ScopedDirectory(const fs::path& dir) : previous_(fs::current_path()) {
    fs::current_path(dir);
  }
  ~ScopedDirectory() { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

std::vector<nlohmann::json> parseOutput(const std::string& text) {
  if (!text.empty() && text.front() == '{') {
    return nlohmann::json::parse(text)["items"].get<std::vector<nlohmann::json>>();
  }
  return testing::yamlStreamToJson(text);
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpectedObjectsAndWarnings) {
  const fs::path dir = goldenRoot() / GetParam();
  std::vector<std::string> args;
  if (fs::exists(dir / "args")) {
    std::istringstream lines(readFile(dir / "args"));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) {
        args.push_back(line);
      }
    }
  }
  if (std::find(args.begin(), args.end(), "-f") == args.end()) {
    args.insert(args.begin(), {"-f", "compose.yaml"});
  }
  std::ostringstream out;
  std::ostringstream err;
  int code = 0;
  {
    ScopedDirectory scoped(dir);
    code = cli::runConvert(args, {}, out, err);
  }
  ASSERT_EQ(code, cli::kExitOk) << err.str();
  const bool json = std::find(args.begin(), args.end(), "json") != args.end();
  const fs::path expectedFile = dir / (json ? "expected.json" : "expected.yaml");
  const fs::path warningsFile = dir / "expected-warnings.txt";
  if (std::getenv("UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expectedFile, std::ios::binary) << out.str();
    std::ofstream(warningsFile, std::ios::binary) << err.str();
    GTEST_SKIP() << "golden files rewritten; review them with git diff";
  }
  ASSERT_TRUE(fs::exists(expectedFile))
      << "missing " << expectedFile << " (run with UPDATE_GOLDEN=1)";
  const auto expected = parseOutput(readFile(expectedFile));
  const auto actual = parseOutput(out.str());
  ASSERT_EQ(actual.size(), expected.size()) << out.str();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual[i], expected[i])
        << "object " << i << " (" << expected[i]["kind"] << " " << expected[i]["metadata"]["name"]
        << ") differs; patch from expected to actual:\n"
        << nlohmann::json::diff(expected[i], actual[i]).dump(2);
  }
  EXPECT_EQ(err.str(), readFile(warningsFile));
}

INSTANTIATE_TEST_SUITE_P(Features, GoldenTest, ::testing::ValuesIn(goldenCases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace cop
