// dir: sources are found the way filepath.WalkDir visits them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hoist/sync/sources.hpp"

namespace hoist::sync {
namespace {

namespace stdfs = std::filesystem;

class DirWalk : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hoist-sync-walk-XXXXXX";
    m_root = ::mkdtemp(tmpl);
  }
  void TearDown() override { stdfs::remove_all(m_root); }
  void image(const std::string& rel) {
    stdfs::create_directories(m_root + "/" + rel);
    std::ofstream(m_root + "/" + rel + "/manifest.json") << "{}";
  }
  std::string m_root;
};

TEST_F(DirWalk, FindsImagesInLexicalOrderAndStopsBelowThem) {
  image("reg/b:v1");
  image("reg/a:v1");
  image("reg/a:v1/zzz/nested"); // below an image whose manifest.json sorts first: not visited
  image("other");
  auto dirs = walk_image_dirs(m_root);
  ASSERT_TRUE(dirs) << dirs.error().what();
  EXPECT_EQ(*dirs, (std::vector<std::string>{m_root + "/other", m_root + "/reg/a:v1", m_root + "/reg/b:v1"}));
}

TEST_F(DirWalk, TheSourceMayBeAnImage) {
  image("one");
  auto dirs = walk_image_dirs(m_root + "/one/");
  ASSERT_TRUE(dirs);
  EXPECT_EQ(*dirs, (std::vector<std::string>{m_root + "/one"}));
}

TEST_F(DirWalk, EmptyTreeIsAnError) {
  auto groups = enumerate_sources(SourceKind::dir, m_root, {});
  ASSERT_FALSE(groups);
  EXPECT_EQ(groups.error().what(), "No images to sync found in \"" + m_root + "\"");
  auto missing = enumerate_sources(SourceKind::dir, m_root + "/nope", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().what(),
            "Invalid source directory specified: stat " + m_root + "/nope: no such file or directory");
}

TEST_F(DirWalk, SuffixesFollowTheSourceArgument) {
  image("reg/ns/app:v1");
  auto groups = enumerate_sources(SourceKind::dir, m_root + "/reg", {});
  ASSERT_TRUE(groups);
  ASSERT_EQ((*groups)[0].images.size(), 1u);
  EXPECT_EQ((*groups)[0].images[0].suffix, "/ns/app:v1");
  EXPECT_EQ((*groups)[0].images[0].name.str(), "dir:" + m_root + "/reg/ns/app:v1");
}

} // namespace
} // namespace hoist::sync
