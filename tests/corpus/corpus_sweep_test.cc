// The corpus sweep: every compose file in ../shared/corpus (awesome-compose, compose-go's and
// kompose's test data) either converts, or fails with the clear error listed for it in
// expectations.tsv. Build-only services get a stand-in image (--image), as a user would give.
// Runs under ASan/UBSan in the sanitizer build: zero crashes, zero leaks, zero hangs.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "operator/cli/convert_command.h"

namespace cop {
namespace {

namespace fs = std::filesystem;

// A build-only service may reveal another once it has an image; no corpus file has more.
constexpr int kMaxImageRounds = 16;

fs::path corpusRoot() {
  if (const char* dir = std::getenv("COP_CORPUS_DIR")) {
    return dir;
  }
  return fs::path(COP_SOURCE_DIR) / ".." / "shared" / "corpus";
}

struct Expectation {
  bool ok = true;
  std::string errorSubstring;
};

std::map<std::string, Expectation> readExpectations() {
  std::map<std::string, Expectation> out;
  std::ifstream in(fs::path(COP_SOURCE_DIR) / "tests" / "corpus" / "expectations.tsv");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, '\t');) {
      fields.push_back(field);
    }
    if (fields.size() >= 2 && fields[1] == "ok") {
      out[fields[0]] = Expectation{true, ""};
    } else if (fields.size() >= 3 && fields[1] == "error") {
      out[fields[0]] = Expectation{false, fields[2]};
    }
  }
  return out;
}

struct Outcome {
  int code = 0;
  std::string errors;  // stderr lines starting with "error:"
  std::string stderrText;
  int imagesSupplied = 0;
};

Outcome convert(const std::vector<std::string>& files) {
  Outcome outcome;
  std::vector<std::string> images;
  static const std::regex kNeedsImage(R"(--image ([^=\s]+)=REF)");
  for (int round = 0; round < kMaxImageRounds; ++round) {
    std::vector<std::string> args;
    for (const std::string& file : files) {
      args.insert(args.end(), {"-f", file});
    }
    args.insert(args.end(), images.begin(), images.end());
    std::ostringstream out;
    std::ostringstream err;
    outcome.code = cli::runConvert(args, {}, out, err);
    outcome.stderrText = err.str();
    std::smatch match;
    if (outcome.code != cli::kExitOk && std::regex_search(outcome.stderrText, match, kNeedsImage)) {
      images.push_back("--image");
      images.push_back(match[1].str() + "=registry.invalid/" + match[1].str() + ":sweep");
      ++outcome.imagesSupplied;
      continue;
    }
    break;
  }
  std::istringstream lines(outcome.stderrText);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("error:")) {
      outcome.errors += line + "\n";
    }
  }
  return outcome;
}

TEST(CorpusSweepTest, EveryFileConvertsOrFailsAsExpected) {
  const fs::path root = corpusRoot();
  ASSERT_TRUE(fs::is_directory(root)) << "corpus not found at " << root << " (set COP_CORPUS_DIR)";
  const auto expectations = readExpectations();
  ASSERT_FALSE(expectations.empty());
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
      files.push_back(fs::relative(entry.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  const fs::path previous = fs::current_path();
  fs::current_path(root);  // file names in messages stay relative to the corpus
  int converted = 0;
  int rejected = 0;
  int withImages = 0;
  std::string proposal;
  for (const std::string& file : files) {
    const Outcome outcome = convert({file});
    withImages += outcome.imagesSupplied > 0 ? 1 : 0;
    const bool ok = outcome.code == cli::kExitOk;
    ok ? ++converted : ++rejected;
    std::string firstError = outcome.errors.substr(0, outcome.errors.find('\n'));
    proposal += file + (ok ? "\tok\n" : "\terror\t" + firstError + "\n");
    auto it = expectations.find(file);
    if (it == expectations.end()) {
      ADD_FAILURE() << file << " is not listed in tests/corpus/expectations.tsv";
      continue;
    }
    if (it->second.ok) {
      EXPECT_TRUE(ok) << file << " was expected to convert:\n" << outcome.stderrText;
    } else {
      EXPECT_FALSE(ok) << file << " was expected to fail with: " << it->second.errorSubstring;
      EXPECT_NE(outcome.errors.find(it->second.errorSubstring), std::string::npos)
          << file << ": expected an error containing\n  " << it->second.errorSubstring
          << "\ngot\n  " << outcome.stderrText;
      // A clear error: one line that names the file it is about.
      EXPECT_NE(firstError.find(".y"), std::string::npos) << file << ": the error names no file";
      EXPECT_EQ(outcome.code, cli::kExitInputError) << file;
    }
  }
  fs::current_path(previous);
  std::cout << "corpus sweep: " << files.size() << " files, " << converted << " converted ("
            << withImages << " with --image for build-only services), " << rejected
            << " rejected with the expected error\n";
  if (::testing::Test::HasFailure()) {
    const fs::path out = fs::temp_directory_path() / "corpus-expectations.proposed.tsv";
    std::ofstream(out) << proposal;
    std::cout << "what this run saw is in " << out << " (read it before copying anything)\n";
  }
}

TEST(CorpusSweepTest, FullExampleParsesEveryKeyOnceItsDanglingReferencesAreSupplied) {
  const fs::path previous = fs::current_path();
  fs::current_path(corpusRoot());
  const std::string completion =
      (fs::path(COP_SOURCE_DIR) / "tests" / "corpus" / "full-example-completion.yaml").string();
  const Outcome outcome = convert({"compose-go/loader/full-example.yml", completion});
  fs::current_path(previous);
  // The loader accepts all of compose-go's full example; what stops it is a file the example
  // points to and never shipped (secret_data), reported with its path.
  EXPECT_EQ(outcome.code, cli::kExitInputError);
  EXPECT_NE(outcome.errors.find(
                "full-example.yml:442: secrets.secret1.file: cannot read the secret file"),
            std::string::npos)
      << outcome.stderrText;
  EXPECT_EQ(outcome.errors.find("unknown key"), std::string::npos) << outcome.stderrText;
}

}  // namespace
}  // namespace cop
