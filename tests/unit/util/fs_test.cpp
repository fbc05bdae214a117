// fs::link_or_copy: the dir: sync's way of sharing a stored blob between image directories.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "hoist/util/fs.hpp"

namespace hoist::fs {
namespace {

namespace stdfs = std::filesystem;

struct TempDir {
  stdfs::path path;
  TempDir() {
    std::string tmpl = (stdfs::temp_directory_path() / "hoist-fs-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { stdfs::remove_all(path); }
};

size_t entries(const stdfs::path& dir) {
  return static_cast<size_t>(std::distance(stdfs::directory_iterator(dir), stdfs::directory_iterator()));
}

TEST(LinkOrCopy, HardLinksWithinOneFileSystem) {
  TempDir t;
  stdfs::create_directories(t.path / "a");
  stdfs::create_directories(t.path / "b");
  ASSERT_TRUE(write_file_atomic(t.path / "a" / "blob", "layer bytes"));
  ASSERT_TRUE(link_or_copy(t.path / "a" / "blob", t.path / "b" / "blob", "tmp-"));
  struct stat sa {}, sb {};
  ASSERT_EQ(::stat((t.path / "a" / "blob").c_str(), &sa), 0);
  ASSERT_EQ(::stat((t.path / "b" / "blob").c_str(), &sb), 0);
  EXPECT_EQ(sa.st_ino, sb.st_ino);
  EXPECT_EQ(read_file(t.path / "b" / "blob").value(), "layer bytes");
  EXPECT_EQ(entries(t.path / "b"), 1u); // no temporary file left behind
}

TEST(LinkOrCopy, ReplacesAnExistingTargetAtomically) {
  TempDir t;
  ASSERT_TRUE(write_file_atomic(t.path / "src", "new"));
  ASSERT_TRUE(write_file_atomic(t.path / "dst", "truncated"));
  ASSERT_TRUE(link_or_copy(t.path / "src", t.path / "dst", "tmp-"));
  EXPECT_EQ(read_file(t.path / "dst").value(), "new");
  EXPECT_EQ(entries(t.path), 2u);
}

TEST(LinkOrCopy, AMissingSourceFailsAndLeavesNothing) {
  TempDir t;
  stdfs::create_directories(t.path / "b");
  auto r = link_or_copy(t.path / "nope", t.path / "b" / "blob", "tmp-");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what().find("nope"), std::string::npos) << r.error().what();
  EXPECT_EQ(entries(t.path / "b"), 0u);
}

TEST(TempFileAppend, CopiesAWholeFile) {
  TempDir t;
  std::string big(3u << 20, 'x');
  big[12345] = 'y';
  ASSERT_TRUE(write_file_atomic(t.path / "src", big));
  auto tmp = TempFile::create(t.path, "tmp-");
  ASSERT_TRUE(tmp);
  ASSERT_TRUE(tmp->write(std::as_bytes(std::span<const char>("head", 4))));
  ASSERT_TRUE(tmp->append_file(t.path / "src"));
  ASSERT_TRUE(tmp->commit(t.path / "dst"));
  EXPECT_EQ(read_file(t.path / "dst").value(), "head" + big);
}

} // namespace
} // namespace hoist::fs
