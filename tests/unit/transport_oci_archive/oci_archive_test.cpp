// oci-archive: against skopeo. An OCI image (gzip layers, so skopeo copies it verbatim)
// is generated as a dir: layout; the archives skopeo and hoist write must hold the same
// members with the same headers (mtimes aside: skopeo stores its temporary files' times;
// member order aside: hoist writes blobs as they are copied),
// and each tool must read the other's archive.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include "hoist/archive/tar_index.hpp"
#include "hoist/archive/tar_writer.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/transport/oci_archive/oci_archive.hpp"

namespace hoist::transport::oci_archive {
namespace {

namespace stdfs = std::filesystem;

class StringWriter final : public Writer {
public:
  Status write(std::span<const std::byte> d) override {
    data.append(reinterpret_cast<const char*>(d.data()), d.size());
    return {};
  }
  std::string data;
};

std::string gzip_layer(const std::string& file, const std::string& content) {
  StringWriter out;
  archive::TarWriter w(out);
  archive::TarHeader h;
  h.name = file;
  (void)w.add_bytes(h, content);
  (void)w.close();
  // gzip through libarchive's raw writer (this test links only the transport).
  struct archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_gzip(a);
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a, e);
  archive_write_data(a, out.data.data(), out.data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

void spit(const stdfs::path& p, const std::string& data) { std::ofstream(p, std::ios::binary) << data; }

int run(const std::string& cmd, std::string* out = nullptr) {
  FILE* f = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  std::string text;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  if (out) *out = text;
  return ::pclose(f);
}

bool have_skopeo() { return std::system("skopeo --version >/dev/null 2>&1") == 0; }

BlobInfo blob_info(const std::string& data) {
  BlobInfo info;
  info.digest = Digest::of(data);
  info.size = static_cast<int64_t>(data.size());
  return info;
}

struct TestImage {
  std::vector<std::string> layers;
  std::string config, manifest;
  stdfs::path dir;

  explicit TestImage(const stdfs::path& root) : dir(root / "img") {
    stdfs::create_directories(dir);
    layers = {gzip_layer("a", std::string(700, 'a')), gzip_layer("b", std::string(900, 'b'))};
    config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string descs;
    for (const auto& l : layers)
      descs += fmt::format(R"({}{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{}","size":{}}})",
                           descs.empty() ? "" : ",", Digest::of(l).str(), l.size());
    manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{}]}})",
        Digest::of(config).str(), config.size(), descs);
    for (const auto& l : layers) spit(dir / Digest::of(l).hex(), l);
    spit(dir / Digest::of(config).hex(), config);
    spit(dir / "manifest.json", manifest);
    spit(dir / "version", "Directory Transport Version: 1.1\n");
  }
};

class OciArchiveTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string templ = (stdfs::temp_directory_path() / "hoist-oa-XXXXXX").string();
    m_root = ::mkdtemp(templ.data());
    m_ctx.tmpdir = m_root.string();
  }
  void TearDown() override { stdfs::remove_all(m_root); }
  reference::ImageName name(const std::string& text) { return *reference::parse_image_name(text); }

  Status hoist_write(const TestImage& img, const std::string& ref) {
    TRY_ASSIGN(auto dest, open_destination(name(ref), m_ctx));
    for (const auto& l : img.layers) {
      MemoryReader r(l);
      TRY(dest->put_blob(r, blob_info(l), false));
    }
    MemoryReader c(img.config);
    TRY(dest->put_blob(c, blob_info(img.config), true));
    TRY(dest->put_manifest(img.manifest, "application/vnd.oci.image.manifest.v1+json", {}));
    return dest->commit();
  }

  size_t entries_in_root() const {
    size_t n = 0;
    for ([[maybe_unused]] auto& e : stdfs::directory_iterator(m_root)) ++n;
    return n;
  }

  stdfs::path m_root;
  Context m_ctx;
};

// A header block with the mtime and checksum fields blanked.
std::string header_without_time(const archive::TarIndex& index, const archive::TarEntry& e) {
  std::string block(512, '\0');
  (void)index.file()->read_at(e.header_offset, std::as_writable_bytes(std::span(block)));
  std::fill_n(block.begin() + 136, 20, ' ');
  return block;
}

// skopeo 1.9.3's files as the newest skopeo writes them (skopeo-compat.md §0): oci-layout
// without the space (1.14+), index.json with its mediaType (1.22+).
std::string newest_skopeo_content(const std::string& name, std::string content) {
  if (name == "oci-layout" && content == R"({"imageLayoutVersion": "1.0.0"})") return R"({"imageLayoutVersion":"1.0.0"})";
  const std::string head = R"({"schemaVersion":2,)";
  if (name == "index.json" && content.starts_with(head))
    content.insert(head.size(), R"("mediaType":"application/vnd.oci.image.index.v1+json",)");
  return content;
}

TEST_F(OciArchiveTest, WritesSkopeosMembersAndHeaders) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto theirs = m_root / "skopeo.tar";
  ASSERT_EQ(run(fmt::format("skopeo --insecure-policy copy -q dir:{} oci-archive:{}:v1", img.dir.string(), theirs.string())), 0);
  auto ours = m_root / "hoist.tar";
  auto st = hoist_write(img, "oci-archive:" + ours.string() + ":v1");
  ASSERT_TRUE(st) << st.error().what();
  auto a = archive::TarIndex::scan_path(theirs);
  auto b = archive::TarIndex::scan_path(ours);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->entries().size(), b->entries().size());
  // skopeo's members are in directory-walk (sorted) order; hoist's blobs in copy order,
  // after the directories and before index.json and oci-layout.
  std::vector<archive::TarEntry> sorted = b->entries();
  std::sort(sorted.begin(), sorted.end(), [](const auto& l, const auto& r) { return l.raw_name < r.raw_name; });
  EXPECT_EQ(b->entries()[0].raw_name, "blobs/");
  EXPECT_EQ(b->entries()[1].raw_name, "blobs/sha256/");
  EXPECT_EQ(b->entries().back().raw_name, "oci-layout");
  for (size_t i = 0; i < a->entries().size(); ++i) {
    const auto& x = a->entries()[i];
    const auto& y = sorted[i];
    EXPECT_EQ(x.raw_name, y.raw_name);
    if (x.type != archive::EntryType::regular) {
      EXPECT_EQ(header_without_time(*a, x), header_without_time(*b, y)) << x.raw_name;
      continue;
    }
    std::string content = newest_skopeo_content(x.name, *a->read(x.name, 1 << 20));
    EXPECT_EQ(content, *b->read(y.name, 1 << 20)) << x.raw_name;
    if (content.size() == x.size) {
      EXPECT_EQ(header_without_time(*a, x), header_without_time(*b, y)) << x.raw_name;
    }
  }
  EXPECT_EQ(entries_in_root(), 3u); // img/, skopeo.tar, hoist.tar: the layout temp dir is gone
}

TEST_F(OciArchiveTest, ReadsSkopeoArchivesInPlace) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto theirs = m_root / "skopeo.tar";
  ASSERT_EQ(run(fmt::format("skopeo --insecure-policy copy -q dir:{} oci-archive:{}:v1", img.dir.string(), theirs.string())), 0);
  auto src = open_source(name("oci-archive:" + theirs.string() + ":v1"), m_ctx);
  ASSERT_TRUE(src) << src.error().what();
  auto m = (*src)->get_manifest({});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes, img.manifest);
  EXPECT_EQ(m->mime, "application/vnd.oci.image.manifest.v1+json");
  auto blob = (*src)->get_blob(blob_info(img.layers[1]));
  ASSERT_TRUE(blob);
  EXPECT_EQ(*read_all(*blob->reader, 1 << 20), img.layers[1]);
  EXPECT_EQ(entries_in_root(), 2u); // nothing extracted
}

TEST_F(OciArchiveTest, SkopeoReadsHoistArchives) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto ours = m_root / "hoist.tar";
  spit(ours, "an older archive that must be replaced");
  ASSERT_TRUE(hoist_write(img, "oci-archive:" + ours.string() + ":v1"));
  std::string raw;
  ASSERT_EQ(run(fmt::format("skopeo inspect --raw oci-archive:{}:v1", ours.string()), &raw), 0);
  EXPECT_EQ(raw, img.manifest);
}

TEST_F(OciArchiveTest, ErrorsMatchSkopeo) {
  auto missing = open_source(name("oci-archive:" + (m_root / "nope.tar").string()), m_ctx);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().what(),
            "creating temp directory: archive file not found: \"" + (m_root / "nope.tar").string() + "\"");
  TestImage img(m_root);
  auto ours = m_root / "hoist.tar";
  ASSERT_TRUE(hoist_write(img, "oci-archive:" + ours.string() + ":v1"));
  auto other = open_source(name("oci-archive:" + ours.string() + ":other"), m_ctx);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().what(), "no descriptor found for reference \"other\"");
  EXPECT_EQ(other.error().kind(), ErrorKind::manifest_unknown);
  EXPECT_TRUE(open_source(name("oci-archive:" + ours.string()), m_ctx)); // the only image
}

TEST_F(OciArchiveTest, UncommittedDestinationLeavesNothing) {
  TestImage img(m_root);
  {
    auto dest = open_destination(name("oci-archive:" + (m_root / "never.tar").string()), m_ctx);
    ASSERT_TRUE(dest);
    MemoryReader r(img.layers[0]);
    ASSERT_TRUE((*dest)->put_blob(r, blob_info(img.layers[0]), false));
  }
  EXPECT_EQ(entries_in_root(), 1u);
}

} // namespace
} // namespace hoist::transport::oci_archive
