// Short syntaxes: ports, volumes, durations, byte sizes, CPUs, shell words, paths.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/load/paths.h"
#include "operator/load/port_syntax.h"
#include "operator/load/shell_words.h"
#include "operator/load/units.h"
#include "operator/load/volume_syntax.h"

namespace cop::load {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PortSyntaxTest, ParsesEveryShortForm) {
  auto p = parsePortSpec("8080:80/udp");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].published, 8080);
  EXPECT_EQ((*p)[0].target, 80);
  EXPECT_EQ((*p)[0].protocol, "udp");

  auto hostIp = parsePortSpec("127.0.0.1:5000:5000");
  ASSERT_TRUE(hostIp);
  EXPECT_EQ((*hostIp)[0].hostIp, "127.0.0.1");

  auto v6 = parsePortSpec("[::1]:6000:6001");
  ASSERT_TRUE(v6);
  EXPECT_EQ((*v6)[0].hostIp, "::1");
  EXPECT_EQ((*v6)[0].target, 6001);

  auto targetOnly = parsePortSpec("3000");
  ASSERT_TRUE(targetOnly);
  EXPECT_FALSE((*targetOnly)[0].published.has_value());
}

TEST(PortSyntaxTest, ExpandsRanges) {
  auto p = parsePortSpec("9090-9092:8080-8082");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[2].published, 9092);
  EXPECT_EQ((*p)[2].target, 8082);
  auto single = parsePortSpec("8000-8010:80");
  ASSERT_TRUE(single);
  ASSERT_EQ(single->size(), 1u);
  EXPECT_EQ((*single)[0].published, 8000);
}

TEST(PortSyntaxTest, RejectsBadPorts) {
  EXPECT_THAT(parsePortSpec("99999").error().message, HasSubstr("out of range"));
  EXPECT_THAT(parsePortSpec("0").error().message, HasSubstr("out of range"));
  EXPECT_THAT(parsePortSpec("80-81:90-92").error().message, HasSubstr("differ in length"));
  EXPECT_THAT(parsePortSpec("80/icmp").error().message, HasSubstr("unknown protocol"));
  EXPECT_THAT(parsePortSpec("1-60000").error().message, HasSubstr("more than"));
  EXPECT_THAT(parsePortSpec("a:b:c:d").error().message, HasSubstr("invalid port"));
}

TEST(PortSyntaxTest, ParsesExpose) {
  auto e = parseExposeSpec("3000-3001/udp");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->size(), 2u);
  EXPECT_EQ((*e)[1].port, 3001);
  EXPECT_EQ((*e)[1].protocol, "udp");
}

TEST(VolumeSyntaxTest, TellsBindsFromVolumes) {
  auto named = parseVolumeSpec("data:/var/lib/data:ro");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->type, "volume");
  EXPECT_TRUE(named->readOnly);
  auto bind = parseVolumeSpec("./conf/app.conf:/etc/app.conf");
  ASSERT_TRUE(bind);
  EXPECT_EQ(bind->type, "bind");
  auto anonymous = parseVolumeSpec("/cache");
  ASSERT_TRUE(anonymous);
  EXPECT_TRUE(anonymous->source.empty());
  EXPECT_THAT(parseVolumeSpec("data:relative").error().message, HasSubstr("absolute path"));
  EXPECT_THAT(parseVolumeSpec("a:/b:bogus").error().message, HasSubstr("unknown mode"));
}

TEST(UnitsTest, Durations) {
  EXPECT_EQ(parseDurationMs("1m30s"), 90'000);
  EXPECT_EQ(parseDurationMs("1.5s"), 1'500);
  EXPECT_EQ(parseDurationMs("10ms"), 10);
  EXPECT_EQ(parseDurationMs("2h"), 7'200'000);
  EXPECT_EQ(parseDurationMs("1us"), 1);  // rounded up to a whole millisecond
  EXPECT_FALSE(parseDurationMs("10"));   // compose refuses a duration without a unit
  EXPECT_EQ(parseDurationMs("0"), 0);
  EXPECT_FALSE(parseDurationMs("10x"));
  EXPECT_FALSE(parseDurationMs("-1s"));
  EXPECT_FALSE(parseDurationMs(""));
}

TEST(UnitsTest, ByteSizesAreBinary) {
  EXPECT_EQ(parseBytes("768M"), 768LL * 1024 * 1024);
  EXPECT_EQ(parseBytes("1g"), 1024LL * 1024 * 1024);
  EXPECT_EQ(parseBytes("512kb"), 512 * 1024);
  EXPECT_EQ(parseBytes("100"), 100);
  EXPECT_EQ(parseBytes("1.5g"), 1610612736);
  EXPECT_FALSE(parseBytes("12 parsecs"));
  EXPECT_EQ(bytesToQuantity(768LL * 1024 * 1024), "768Mi");
  EXPECT_EQ(bytesToQuantity(1536LL * 1024 * 1024), "1536Mi");
  EXPECT_EQ(bytesToQuantity(1000), "1000");
}

TEST(UnitsTest, CpusAreMillicores) {
  EXPECT_EQ(parseMilliCpus("0.5"), 500);
  EXPECT_EQ(parseMilliCpus("2"), 2000);
  EXPECT_FALSE(parseMilliCpus("-1"));
  EXPECT_EQ(milliCpusToQuantity(500), "500m");
  EXPECT_EQ(milliCpusToQuantity(2000), "2");
}

TEST(ShellWordsTest, SplitsLikeAPosixShell) {
  EXPECT_THAT(*splitShellWords("bundle exec thin -p 3000"),
              ElementsAre("bundle", "exec", "thin", "-p", "3000"));
  EXPECT_THAT(*splitShellWords(R"(sh -c "echo 'hi there' \"x\"")"),
              ElementsAre("sh", "-c", "echo 'hi there' \"x\""));
  EXPECT_THAT(*splitShellWords(R"(echo 'a b'c  d\ e)"), ElementsAre("echo", "a bc", "d e"));
  EXPECT_FALSE(splitShellWords("echo 'open"));
}

TEST(PathsTest, JoinsAndRelativises) {
  EXPECT_EQ(joinPath("proj", "./a/../b.env"), "proj/b.env");
  EXPECT_EQ(joinPath("", "x"), "x");
  EXPECT_EQ(joinPath("proj", "/abs"), "/abs");
  EXPECT_EQ(normalizePath("a//b/./c/.."), "a/b");
  EXPECT_EQ(normalizePath("../x"), "../x");
  EXPECT_EQ(relativeTo("proj/sub/file", "proj"), "./sub/file");
  EXPECT_EQ(relativeTo("proj/file", "proj/sub"), "./../file");
  EXPECT_EQ(directoryOf("a/b/c.yaml"), "a/b");
}

}  // namespace
}  // namespace cop::load
