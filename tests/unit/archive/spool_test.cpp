// A compressed archive is decompressed into a spool file: only up to the tar's
// end-of-archive marker (following PAX size records to find it), and never past the
// space the temporary directory can spare.
#include <gtest/gtest.h>

#include <random>

#include <archive.h>
#include <archive_entry.h>

#include "hoist/archive/archive_file.hpp"
#include "hoist/archive/tar_header.hpp"
#include "hoist/archive/tar_writer.hpp"
#include "tar_test_support.hpp"

namespace hoist::archive {
namespace {

using testing::make_tar;
using testing::TempDir;

// `data` gzip-compressed as one stream (libarchive's raw writer).
std::string gzipped(const std::string& data) {
  struct archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_gzip(a);
  std::vector<char> buf(data.size() + (1 << 20));
  size_t used = 0;
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a, e);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

std::string random_bytes(size_t n) {
  std::mt19937_64 rng(7);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

// gzip(tar + 4 MiB of random bytes), cut short at the end: only a reader that stops at
// the tar's end never reaches the damage.
std::string damaged_after_the_end(const std::string& tar) {
  std::string gz = gzipped(tar + random_bytes(4u << 20));
  gz.resize(gz.size() - 4096);
  return gz;
}

std::string read_member(const TarIndex& index, std::string_view name) {
  auto r = index.read(name, 1 << 20);
  return r ? *r : "<error: " + r.error().what() + ">";
}

TEST(ArchiveSpool, StopsAtTheEndOfTheArchive) {
  TempDir dir;
  auto path = dir.write("a.tar.gz", damaged_after_the_end(make_tar({{"manifest.json", "[1]"}, {"b", "bb"}})));
  auto index = open_archive(path, dir.path().string());
  ASSERT_TRUE(index) << index.error().what();
  EXPECT_EQ(read_member(*index, "manifest.json"), "[1]");
  EXPECT_EQ(index->file()->size(), 6u * 512); // two members of two blocks each, and the marker
}

TEST(ArchiveSpool, ReadsToTheDamageWithoutAnEndMarker) {
  TempDir dir;
  std::string tar = make_tar({{"manifest.json", "[1]"}});
  tar.resize(tar.size() - 1024); // no end-of-archive marker: the whole stream is read
  std::string gz = gzipped(tar);
  gz.resize(gz.size() - 6);
  auto index = open_archive(dir.write("a.tar.gz", gz), dir.path().string());
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().what().rfind("auto-decompressing input: ", 0), 0u) << index.error().what();
}

// A member whose size only its PAX record gives (the USTAR field says 0): the spool must
// skip 700 data bytes, not read them as the next header.
TEST(ArchiveSpool, FollowsPaxSizeRecords) {
  std::string records = tar::format_pax_record("size", "700");
  TarHeader pax;
  pax.name = "PaxHeaders.0/big";
  pax.type = tar::type_pax;
  pax.size = records.size();
  TarHeader big;
  big.name = "big";
  big.mode = 0644;
  std::string data(700, 'x');
  data[0] = 'h'; // not a zero block: misreading it as a header fails the checksum
  std::string tar = go_tar_header(pax) + records + std::string(512 - records.size(), '\0') + go_tar_header(big) +
                    data + std::string(1024 - data.size(), '\0') + make_tar({{"manifest.json", "[2]"}});
  TempDir dir;
  auto index = open_archive(dir.write("a.tar.gz", damaged_after_the_end(tar)), dir.path().string());
  ASSERT_TRUE(index) << index.error().what();
  EXPECT_EQ(read_member(*index, "big"), data);
  EXPECT_EQ(read_member(*index, "manifest.json"), "[2]");
}

TEST(ArchiveSpool, RefusesToGrowPastItsLimit) {
  TempDir dir;
  auto path = dir.write("a.tar.gz", gzipped(make_tar({{"layer.tar", random_bytes(300000)}})));
  auto index = open_archive(path, dir.path().string(), 100000);
  ASSERT_FALSE(index);
  EXPECT_NE(index.error().what().find("the decompressed archive is larger than the 100000 bytes"), std::string::npos)
      << index.error().what();
  EXPECT_TRUE(open_archive(path, dir.path().string(), 400000));
}

TEST(ArchiveSpool, ACorruptHeaderStopsTheSpool) {
  std::string tar = make_tar({{"a", "abc"}, {"manifest.json", "[1]"}});
  tar[1024 + 10] ^= 1; // the second header's name: its checksum no longer matches
  TempDir dir;
  auto index = open_archive(dir.write("a.tar.gz", damaged_after_the_end(tar)), dir.path().string());
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().what(), "invalid tar header at offset 1024");
}

} // namespace
} // namespace hoist::archive
