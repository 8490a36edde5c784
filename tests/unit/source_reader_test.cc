// MemoryReader: the operator's window on the files of a ComposeStack.

#include "operator/load/source_reader.h"

#include <gtest/gtest.h>

namespace cop::load {
namespace {

TEST(MemoryReaderTest, AddNormalisesThePathAsReadDoes) {
  MemoryReader reader;
  reader.add("./a/../b.txt", "content");
  auto read = reader.read("b.txt", 1024);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "content");
  // Any spelling of the same path finds it.
  auto other = reader.read("./x/../b.txt", 1024);
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, "content");
}

TEST(MemoryReaderTest, TheConstructorNormalisesToo) {
  MemoryReader reader(
      std::map<std::string, std::string>{{"dir//./compose.yaml", "services: {}\n"}});
  auto read = reader.read("dir/compose.yaml", 1024);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "services: {}\n");
}

TEST(MemoryReaderTest, TheLastAddOfOnePathWins) {
  MemoryReader reader;
  reader.add("b.txt", "first");
  reader.add("./b.txt", "second");
  auto read = reader.read("b.txt", 1024);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, "second");
  EXPECT_FALSE(reader.read("c.txt", 1024));
}

}  // namespace
}  // namespace cop::load
