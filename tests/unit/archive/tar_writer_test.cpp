// The writer must produce Go archive/tar's bytes; expected checksums come from the
// archive skopeo 1.9.3 wrote for `copy dir:X docker-archive:Y:example.com/x/y:z`.
#include <cstring>

#include <gtest/gtest.h>

#include "hoist/archive/tar_header.hpp"
#include "hoist/archive/tar_writer.hpp"
#include "tar_test_support.hpp"

namespace hoist::archive {
namespace {

using testing::StringWriter;

std::string field(const std::string& block, size_t off, size_t len) { return block.substr(off, len); }

TEST(TarWriter, UstarHeaderMatchesSkopeo) {
  TarHeader h = testing::file_header("9870b02cefb0c6570886cb19887590c3bd85e9f756948a7f056c95ca72aa70d9.tar");
  h.size = 10240;
  std::string b = go_tar_header(h);
  ASSERT_EQ(b.size(), 512u);
  EXPECT_EQ(field(b, 100, 8), std::string("0000444\0", 8));
  EXPECT_EQ(field(b, 108, 8), std::string("0000000\0", 8));
  EXPECT_EQ(field(b, 124, 12), std::string("00000024000\0", 12));
  EXPECT_EQ(field(b, 136, 12), std::string("00000000000\0", 12));
  EXPECT_EQ(field(b, 148, 8), std::string("020422\0 ", 8));
  EXPECT_EQ(b[156], '0');
  EXPECT_EQ(field(b, 257, 8), std::string("ustar\0" "00", 8));
  EXPECT_EQ(field(b, 329, 16), std::string("0000000\0" "0000000\0", 16));
}

TEST(TarWriter, SymlinkAndSmallFilesMatchSkopeoChecksums) {
  TarHeader link = testing::file_header("72cc663de0bf0a11fb145570f26c209b6cca09398d47062c9221c23294b842fb/layer.tar", 0);
  link.type = '2';
  link.link_name = "../9870b02cefb0c6570886cb19887590c3bd85e9f756948a7f056c95ca72aa70d9.tar";
  EXPECT_EQ(field(go_tar_header(link), 148, 8), std::string("033055\0 ", 8));

  TarHeader version = testing::file_header("72cc663de0bf0a11fb145570f26c209b6cca09398d47062c9221c23294b842fb/VERSION");
  version.size = 3;
  EXPECT_EQ(field(go_tar_header(version), 148, 8), std::string("020662\0 ", 8));

  TarHeader manifest = testing::file_header("manifest.json");
  manifest.size = 298;
  EXPECT_EQ(field(go_tar_header(manifest), 148, 8), std::string("011705\0 ", 8));
}

TEST(TarWriter, LongNameSplitsIntoUstarPrefix) {
  std::string dir(60, 'd');
  std::string name = dir + "/" + std::string(80, 'f');
  std::string b = go_tar_header(testing::file_header(name));
  ASSERT_EQ(b.size(), 512u);
  EXPECT_EQ(tar::field_string(*reinterpret_cast<const tar::Block*>(b.data()), tar::f_prefix), dir);
  EXPECT_EQ(tar::field_string(*reinterpret_cast<const tar::Block*>(b.data()), tar::f_name), std::string(80, 'f'));
}

TEST(TarWriter, UnsplittableNameUsesPaxRecord) {
  // blobs/sha512/<128 hex>: the 128-byte base name cannot go in USTAR's name field.
  std::string name = "blobs/sha512/" + std::string(128, 'a');
  std::string b = go_tar_header(testing::file_header(name));
  ASSERT_EQ(b.size(), 3 * 512u); // PAX header, its records, the main header
  EXPECT_EQ(b[156], 'x');
  EXPECT_EQ(tar::field_string(*reinterpret_cast<const tar::Block*>(b.data()), tar::f_name),
            "blobs/sha512/PaxHeaders.0/" + std::string(74, 'a'));
  std::string record = tar::format_pax_record("path", name);
  EXPECT_EQ(b.substr(512, record.size()), record);
  EXPECT_EQ(record.substr(0, 4), "151 ");
  EXPECT_EQ(b[1024 + 156], '0');
}

TEST(TarWriter, PaxRecordLengthIncludesItself) {
  EXPECT_EQ(tar::format_pax_record("path", "abc"), "12 path=abc\n");
  // 4 + 92 + 3 = 99, plus "99" = 101, but "101" has 3 digits: Go re-counts to 102.
  std::string v(92, 'v');
  EXPECT_EQ(tar::format_pax_record("path", v), "102 path=" + v + "\n");
}

TEST(TarWriter, StreamsContentAndPads) {
  StringWriter out;
  TarWriter w(out);
  ASSERT_TRUE(w.add_bytes(testing::file_header("a"), "hello"));
  ASSERT_TRUE(w.close());
  ASSERT_EQ(out.data().size(), 512u + 512u + 1024u);
  EXPECT_EQ(out.data().substr(512, 6), std::string("hello\0", 6));
  EXPECT_EQ(w.bytes_written(), out.data().size());
}

TEST(TarWriter, RefusesContentOfTheWrongSize) {
  StringWriter out;
  TarWriter w(out);
  TarHeader h = testing::file_header("layer.tar");
  h.size = 10;
  MemoryReader short_reader("12345");
  auto st = w.add_file(h, short_reader);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().what(), "Size mismatch when copying layer.tar, expected 10, got 5");
  MemoryReader long_reader("12345678901");
  EXPECT_FALSE(w.add_file(h, long_reader));
}

// A string that is also random access, like the archive's temporary file.
class PatchableString final : public Writer, public RandomAccess {
public:
  Status write(std::span<const std::byte> d) override {
    data.append(reinterpret_cast<const char*>(d.data()), d.size());
    return {};
  }
  Status write_at(uint64_t off, std::span<const std::byte> d) override {
    if (data.size() < off + d.size()) data.resize(off + d.size());
    data.replace(off, d.size(), reinterpret_cast<const char*>(d.data()), d.size());
    return {};
  }
  Result<size_t> read_at(uint64_t off, std::span<std::byte> buf) override {
    size_t n = off >= data.size() ? 0 : std::min(buf.size(), data.size() - off);
    std::memcpy(buf.data(), data.data() + off, n);
    return n;
  }
  Status truncate(uint64_t size) override {
    data.resize(size);
    return {};
  }
  std::string data;
};

// add_streamed learns the size (and name) after the content and must give add_file's bytes,
// with a one-block USTAR header patched in place and with a longer PAX header (content moved).
TEST(TarWriter, StreamedMemberEqualsSizedMember) {
  std::string content(700000, 'x');
  for (size_t i = 0; i < content.size(); i += 7) content[i] = static_cast<char>('a' + i % 26);
  for (std::string name : {std::string(64, 'f') + ".tar", std::string(120, 'n') + ".tar"}) {
    TarHeader h = testing::file_header(name);
    h.size = content.size();
    StringWriter sized;
    TarWriter a(sized);
    ASSERT_TRUE(a.add_bytes(testing::file_header("first"), "abc"));
    MemoryReader r1(content);
    ASSERT_TRUE(a.add_file(h, r1));
    ASSERT_TRUE(a.add_bytes(testing::file_header("after"), "z"));

    PatchableString streamed;
    TarWriter b(streamed);
    ASSERT_TRUE(b.add_bytes(testing::file_header("first"), "abc"));
    MemoryReader r2(content);
    ASSERT_TRUE(b.add_streamed(r2, streamed, [&](uint64_t size) {
      TarHeader f = testing::file_header(name);
      f.size = size;
      return f;
    }));
    ASSERT_TRUE(b.add_bytes(testing::file_header("after"), "z"));
    EXPECT_EQ(streamed.data, sized.data()) << name.size();
    EXPECT_EQ(b.bytes_written(), a.bytes_written());
  }
}

TEST(TarWriter, TruncateDropsADuplicateMember) {
  PatchableString out;
  TarWriter w(out);
  ASSERT_TRUE(w.add_bytes(testing::file_header("a"), "1"));
  uint64_t mark = w.bytes_written();
  MemoryReader r(std::string(5000, 'q'));
  ASSERT_TRUE(w.add_streamed(r, out, [](uint64_t size) {
    TarHeader f = testing::file_header("dup");
    f.size = size;
    return f;
  }));
  ASSERT_TRUE(w.truncate_to(mark, out));
  EXPECT_EQ(out.data.size(), mark);
  EXPECT_EQ(w.bytes_written(), mark);
}

} // namespace
} // namespace hoist::archive
