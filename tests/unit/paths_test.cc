// Issue 6, class 5: paths stay inside the project. The FileSystemReader is tested on a real
// temporary directory (symlinks, a FIFO, /proc and /dev files), the ConfinedReader and the
// loader through the in-memory reader, and the container-side paths (mount targets,
// subpaths, secret targets) through the loader.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "operator/cli/convert_command.h"
#include "operator/cli/filesystem_reader.h"
#include "tests/support/test_support.h"

namespace cop {
namespace {

namespace fs = std::filesystem;
using load::ReadFailure;
using ::testing::HasSubstr;

constexpr std::size_t kLimit = 64 * 1024;

class FileSystemReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cop-paths-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "project" / "sub");
    write(root_ / "project" / "app.env", "A=1\n");
    write(root_ / "project" / "sub" / "inner.txt", "inner\n");
    write(root_ / "outside.txt", "secret outside the project\n");
    project_ = (root_ / "project").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  static void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

  ReadFailure failureOf(const std::string& path, std::vector<std::string> named = {}) const {
    cli::FileSystemReader reader(project_, named);
    auto read = reader.read(path, kLimit);
    EXPECT_FALSE(read) << path << " was read";
    return read ? ReadFailure::kIo : read.error().kind;
  }

  fs::path root_;
  std::string project_;
};

TEST_F(FileSystemReaderTest, ReadsFilesAtOrBelowTheProject) {
  cli::FileSystemReader reader(project_, {});
  auto env = reader.read(project_ + "/app.env", kLimit);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(*env, "A=1\n");
  auto inner = reader.read(project_ + "/sub/../sub/inner.txt", kLimit);
  ASSERT_TRUE(inner) << inner.error().message;
  EXPECT_EQ(*inner, "inner\n");
}

TEST_F(FileSystemReaderTest, RefusesPathsThatLeaveTheProject) {
  EXPECT_EQ(failureOf(project_ + "/../outside.txt"), ReadFailure::kOutsideProject);
  EXPECT_EQ(failureOf(project_ + "/sub/../../outside.txt"), ReadFailure::kOutsideProject);
  EXPECT_EQ(failureOf((root_ / "outside.txt").string()), ReadFailure::kOutsideProject);
  EXPECT_EQ(failureOf("/etc/passwd"), ReadFailure::kOutsideProject);
}

TEST_F(FileSystemReaderTest, RefusesSymlinksThatLeaveTheProject) {
  fs::create_symlink(root_ / "outside.txt", root_ / "project" / "link.txt");
  fs::create_symlink("../../outside.txt", root_ / "project" / "sub" / "relative-link.txt");
  fs::create_directory_symlink(root_, root_ / "project" / "up");
  EXPECT_EQ(failureOf(project_ + "/link.txt"), ReadFailure::kOutsideProject);
  EXPECT_EQ(failureOf(project_ + "/sub/relative-link.txt"), ReadFailure::kOutsideProject);
  EXPECT_EQ(failureOf(project_ + "/up/outside.txt"), ReadFailure::kOutsideProject);
}

TEST_F(FileSystemReaderTest, FollowsSymlinksThatStayInside) {
  fs::create_symlink("sub/inner.txt", root_ / "project" / "inside-link.txt");
  cli::FileSystemReader reader(project_, {});
  auto read = reader.read(project_ + "/inside-link.txt", kLimit);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "inner\n");
}

TEST_F(FileSystemReaderTest, RefusesFifosWithoutBlocking) {
  const fs::path fifo = root_ / "project" / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(failureOf(fifo.string()), ReadFailure::kNotRegularFile);
}

TEST_F(FileSystemReaderTest, RefusesDirectoriesDevicesAndProcFilesEvenWhenNamed) {
  EXPECT_EQ(failureOf(project_ + "/sub"), ReadFailure::kDirectory);
  // A file named on the command line is read where it is, but never a device or /proc file.
  EXPECT_EQ(failureOf("/dev/null", {"/dev/null"}), ReadFailure::kNotRegularFile);
  EXPECT_EQ(failureOf("/proc/self/environ", {"/proc/self/environ"}), ReadFailure::kNotRegularFile);
  EXPECT_EQ(failureOf("/proc/self/status", {"/proc/self/status"}), ReadFailure::kNotRegularFile);
}

TEST_F(FileSystemReaderTest, ReadsNamedFilesOutsideTheProject) {
  const std::string outside = (root_ / "outside.txt").string();
  cli::FileSystemReader reader(project_, {outside});
  auto read = reader.read(outside, kLimit);
  ASSERT_TRUE(read) << read.error().message;
}

TEST_F(FileSystemReaderTest, RefusesFilesOverTheLimit) {
  write(root_ / "project" / "big.txt", std::string(kLimit + 1, 'x'));
  EXPECT_EQ(failureOf(project_ + "/big.txt"), ReadFailure::kTooLarge);
}

TEST_F(FileSystemReaderTest, TheConvertCommandRefusesEveryKindOfReferenceOutside) {
  fs::create_symlink(root_ / "outside.txt", root_ / "project" / "escape.txt");
  const std::string compose = project_ + "/compose.yaml";
  struct Case {
    std::string name;
    std::string yaml;
  };
  const std::vector<Case> cases = {
      {"env_file", "services:\n  web:\n    image: x\n    env_file: ../outside.txt\n"},
      {"label_file", "services:\n  web:\n    image: x\n    label_file: ../outside.txt\n"},
      {"bind source", "services:\n  web:\n    image: x\n    volumes: ['../outside.txt:/x:ro']\n"},
      {"bind symlink", "services:\n  web:\n    image: x\n    volumes: ['./escape.txt:/x:ro']\n"},
      {"secret file",
       "services:\n  web:\n    image: x\n    secrets: [s]\nsecrets:\n  s:\n    file: "
       "../outside.txt\n"},
      {"config file",
       "services:\n  web:\n    image: x\n    configs: [c]\nconfigs:\n  c:\n    file: "
       "./escape.txt\n"},
      {"include", "include:\n  - ../outside.txt\nservices:\n  web:\n    image: x\n"},
      {"extends file", "services:\n  web:\n    extends: {file: ../outside.txt, service: base}\n"},
      {"absolute env_file", "services:\n  web:\n    image: x\n    env_file: /etc/hostname\n"},
  };
  for (const Case& c : cases) {
    write(compose, c.yaml);
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::runConvert({"-f", compose}, {}, out, err), 1) << c.name;
    EXPECT_THAT(err.str(), HasSubstr("outside the project directory")) << c.name;
    EXPECT_THAT(err.str(), ::testing::Not(HasSubstr("secret outside the project"))) << c.name;
    EXPECT_EQ(out.str(), "") << c.name;
  }
}

TEST(ConfinedReader, RefusesLexicalEscapesForEveryReader) {
  Warnings warnings;
  auto loaded = testing::loadText("services:\n  web:\n    image: x\n    env_file: ../up.env\n",
                                  warnings, {{"../up.env", "A=1\n"}});
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error().message, HasSubstr("outside the project directory"));
  EXPECT_EQ(loaded.error().path, "services.web.env_file");
}

TEST(ContainerPaths, MountTargetsSubpathsAndSecretTargetsRefuseParentSegments) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"services:\n  web:\n    image: x\n    volumes: ['data:/srv/../etc']\nvolumes:\n  data:\n",
       "services.web.volumes[0]"},
      {"services:\n  web:\n    image: x\n    volumes:\n      - type: volume\n        source: data\n"
       "        target: /data/..\nvolumes:\n  data:\n",
       "services.web.volumes[0].target"},
      {"services:\n  web:\n    image: x\n    volumes:\n      - type: volume\n        source: data\n"
       "        target: /data\n        volume: {subpath: ../other}\nvolumes:\n  data:\n",
       "services.web.volumes[0].volume.subpath"},
      {"services:\n  web:\n    image: x\n    tmpfs: ['/run/../etc']\n", "services.web.tmpfs[0]"},
      {"services:\n  web:\n    image: x\n    secrets:\n      - source: s\n        target: "
       "../../etc/x\n"
       "secrets:\n  s:\n    environment: S\n",
       "services.web.secrets[0].target"},
  };
  for (const auto& [yaml, path] : cases) {
    Warnings warnings;
    auto loaded = testing::loadText(yaml, warnings, {}, {});
    ASSERT_FALSE(loaded) << yaml;
    EXPECT_EQ(loaded.error().path, path) << yaml;
    EXPECT_THAT(loaded.error().message, HasSubstr("'..'")) << yaml;
  }
}

}  // namespace
}  // namespace cop
