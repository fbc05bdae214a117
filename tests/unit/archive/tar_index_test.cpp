#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include "hoist/archive/archive_file.hpp"
#include "hoist/archive/member_path.hpp"
#include "hoist/archive/tar_index.hpp"
#include "tar_test_support.hpp"

namespace hoist::archive {
namespace {

using testing::make_tar;
using testing::TempDir;

Result<TarIndex> scan_bytes(const TempDir& dir, const std::string& bytes) {
  return TarIndex::scan_path(dir.write("a.tar", bytes));
}

std::string read_member(const TarIndex& index, std::string_view name) {
  auto r = index.open(name);
  if (!r) return "<error: " + r.error().what() + ">";
  auto data = read_all(**r, 1 << 20);
  return data ? *data : "<error: " + data.error().what() + ">";
}

TEST(MemberPath, CleanMatchesGo) {
  EXPECT_EQ(clean_name(""), ".");
  EXPECT_EQ(clean_name("./manifest.json"), "manifest.json");
  EXPECT_EQ(clean_name("a//b/./c/"), "a/b/c");
  EXPECT_EQ(clean_name("a/../../b"), "../b");
  EXPECT_EQ(clean_name("/../x"), "/x");
  EXPECT_TRUE(escapes_root(clean_name("../x")));
  EXPECT_TRUE(escapes_root(clean_name("/etc/passwd")));
  EXPECT_FALSE(escapes_root(clean_name("a/../b")));
  EXPECT_EQ(symlink_destination("abc/layer.tar", "../123.tar"), "123.tar");
  EXPECT_EQ(symlink_destination("abc/layer.tar", "../../x"), "../x");
}

TEST(TarIndex, IndexesMembersInPlace) {
  TempDir dir;
  auto index = scan_bytes(dir, make_tar({{"manifest.json", "[]"}, {"./blobs/x", std::string(1000, 'x')}}));
  ASSERT_TRUE(index) << index.error().what();
  ASSERT_EQ(index->entries().size(), 2u);
  EXPECT_EQ(index->entries()[1].name, "blobs/x");
  EXPECT_EQ(index->entries()[1].data_offset, 512u * 3);
  EXPECT_EQ(index->entries()[1].size, 1000u);
  EXPECT_EQ(read_member(*index, "manifest.json"), "[]");
  EXPECT_EQ(read_member(*index, "blobs/x"), std::string(1000, 'x'));
  auto missing = index->open("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::not_found);
  EXPECT_EQ(missing.error().what(), "file does not exist");
}

TEST(TarIndex, FollowsDockerSaveLayerSymlinks) {
  TempDir dir;
  auto index = scan_bytes(dir, make_tar({{"123.tar", "layer"}}, {{"abc/layer.tar", "../123.tar"}}));
  ASSERT_TRUE(index) << index.error().what();
  EXPECT_EQ(read_member(*index, "abc/layer.tar"), "layer");
}

TEST(TarIndex, FirstOfDuplicateNamesWins) {
  TempDir dir;
  auto index = scan_bytes(dir, make_tar({{"a", "first"}, {"./a", "second"}}));
  ASSERT_TRUE(index);
  EXPECT_EQ(read_member(*index, "a"), "first");
}

TEST(TarIndex, RefusesPathEscapes) {
  TempDir dir;
  for (std::string name : {"../evil", "/etc/passwd", "a/../../evil"}) {
    auto index = scan_bytes(dir, make_tar({{name, "x"}}));
    ASSERT_FALSE(index) << name;
    EXPECT_EQ(index.error().what(), "archive member \"" + name + "\": path escapes the archive root");
  }
}

TEST(TarIndex, RefusesLinksLeavingTheArchive) {
  TempDir dir;
  auto index = scan_bytes(dir, make_tar({}, {{"abc/layer.tar", "../../etc/passwd"}}));
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().what(),
            "archive member \"abc/layer.tar\" links to \"../../etc/passwd\", outside the archive root");
  auto absolute = scan_bytes(dir, make_tar({}, {{"l", "/etc/passwd"}}));
  ASSERT_FALSE(absolute);
}

TEST(TarIndex, SymlinkToDirectoryIsNotARegularFile) {
  TempDir dir;
  auto index = scan_bytes(dir, make_tar({{"d/f", "x"}}, {{"l", "d"}}));
  ASSERT_TRUE(index);
  // "d" has no entry of its own here, so the link dangles.
  EXPECT_EQ(index->open("l").error().kind(), ErrorKind::not_found);
  auto loop = scan_bytes(dir, make_tar({}, {{"a", "b"}, {"b", "a"}}));
  ASSERT_TRUE(loop);
  EXPECT_EQ(loop->open("a").error().what(), "\"a\": too many levels of symbolic links");
}

TEST(TarIndex, RefusesTruncatedMembers) {
  TempDir dir;
  std::string bytes = make_tar({{"layer.tar", std::string(4000, 'l')}});
  bytes.resize(512 + 1000); // cut inside the data
  auto index = scan_bytes(dir, bytes);
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().what(),
            "archive member \"layer.tar\" is truncated: its header declares 4000 bytes at offset 512, "
            "but the archive ends at 1512");
  bytes.resize(300); // cut inside the header
  EXPECT_EQ(scan_bytes(dir, bytes).error().what(),
            "unexpected end of archive: incomplete tar header at offset 0");
}

TEST(TarIndex, RefusesSizeLies) {
  TempDir dir;
  // Size field claims more than the archive holds.
  std::string bytes = make_tar({{"a", "abc"}, {"b", "def"}});
  std::copy_n("77777777777", 11, bytes.data() + 124);
  testing::fix_checksum(bytes, 0);
  auto big = scan_bytes(dir, bytes);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().what().find("archive member \"a\" is truncated"), std::string::npos);
  // Size field claims more than the data, landing the next header inside b's data.
  bytes = make_tar({{"a", "abc"}, {"b", std::string(2000, 'z')}});
  std::copy_n("00000002000", 11, bytes.data() + 124); // 1024 bytes: skips b's header
  testing::fix_checksum(bytes, 0);
  auto lie = scan_bytes(dir, bytes);
  ASSERT_FALSE(lie);
  EXPECT_EQ(lie.error().what(), "invalid tar header at offset 1536");
}

TEST(TarIndex, RefusesCorruptHeaders) {
  TempDir dir;
  std::string bytes = make_tar({{"a", "abc"}});
  bytes[10] = 'X'; // checksum no longer matches
  EXPECT_EQ(scan_bytes(dir, bytes).error().what(), "invalid tar header at offset 0");
}

TEST(TarIndex, AcceptsArchiveWithoutTrailer) {
  TempDir dir;
  std::string bytes = make_tar({{"a", "abc"}});
  bytes.resize(1024);
  auto index = scan_bytes(dir, bytes);
  ASSERT_TRUE(index) << index.error().what();
  EXPECT_EQ(read_member(*index, "a"), "abc");
}

// Archives written by libarchive in the formats other tools use.
std::string libarchive_tar(int format, const std::vector<std::pair<std::string, std::string>>& files,
                           bool gzip = false) {
  struct archive* a = archive_write_new();
  archive_write_set_format(a, format);
  if (gzip) archive_write_add_filter_gzip(a);
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  for (const auto& [name, content] : files) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

TEST(TarIndex, ReadsGnuAndPaxLongNames) {
  TempDir dir;
  std::string long_name = std::string(150, 'n') + "/" + std::string(120, 'f');
  for (int format : {ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_TAR_USTAR}) {
    std::vector<std::pair<std::string, std::string>> files = {{"short", "s"}};
    if (format != ARCHIVE_FORMAT_TAR_USTAR) files.push_back({long_name, std::string(700, 'L')});
    auto index = scan_bytes(dir, libarchive_tar(format, files));
    ASSERT_TRUE(index) << format << ": " << index.error().what();
    EXPECT_EQ(read_member(*index, "short"), "s");
    if (format != ARCHIVE_FORMAT_TAR_USTAR) {
      EXPECT_EQ(read_member(*index, long_name), std::string(700, 'L'));
    }
  }
}

TEST(ArchiveFile, DecompressesCompressedArchives) {
  TempDir dir;
  auto path = dir.write("a.tar.gz", libarchive_tar(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, {{"manifest.json", "[1]"}}, true));
  auto index = open_archive(path, dir.path().string());
  ASSERT_TRUE(index) << index.error().what();
  EXPECT_EQ(read_member(*index, "manifest.json"), "[1]");
  // The spooled copy is unlinked at once: nothing is left in the temporary directory.
  size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(ArchiveFile, DetectsCompressionByMagic) {
  EXPECT_EQ(detect_compression("\x1f\x8b\x08\x00"), Compression::gzip);
  EXPECT_EQ(detect_compression("\x28\xb5\x2f\xfd"), Compression::zstd);
  EXPECT_EQ(detect_compression("BZh9"), Compression::bzip2);
  EXPECT_EQ(detect_compression(std::string_view("\xfd" "7zXZ\0", 6)), Compression::xz);
  EXPECT_EQ(detect_compression("manif"), Compression::none);
}

TEST(ArchiveFile, MissingFileErrorReadsLikeGo) {
  auto index = open_archive("/nonexistent/x.tar", "");
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().kind(), ErrorKind::not_found);
  EXPECT_EQ(index.error().what().rfind("open /nonexistent/x.tar: ", 0), 0u) << index.error().what();
}

} // namespace
} // namespace hoist::archive
