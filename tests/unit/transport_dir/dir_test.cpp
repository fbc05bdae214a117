#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "hoist/transport/dir/dir.hpp"


namespace sfs = std::filesystem;
using namespace hoist;
using hoist::transport::dir::open_destination;
using hoist::transport::dir::open_source;

namespace {

class DirTest : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hoist-dir-test-XXXXXX";
    m_root = ::mkdtemp(tmpl);
    m_img = m_root + "/img";
  }
  void TearDown() override { sfs::remove_all(m_root); }

  static std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  static void spit(const std::string& p, const std::string& data) { std::ofstream(p, std::ios::binary) << data; }
  static unsigned mode(const std::string& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : sfs::directory_iterator(m_img)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  // Writes one image with the given blobs and manifest; commits when asked.
  void write_image(const std::vector<std::string>& blobs, const std::string& manifest, bool commit = true) {
    transport::Context ctx;
    auto dest = open_destination(m_img, ctx);
    ASSERT_TRUE(dest) << dest.error().what();
    for (const auto& b : blobs) {
      MemoryReader r(b);
      transport::BlobInfo info;
      info.digest = Digest::of(b);
      info.size = static_cast<int64_t>(b.size());
      ASSERT_TRUE((*dest)->put_blob(r, info, false));
    }
    ASSERT_TRUE((*dest)->put_manifest(manifest, "", std::nullopt));
    if (commit) {
      ASSERT_TRUE((*dest)->commit());
    }
  }

  std::string m_root, m_img;
};

TEST(DirVersion, ParsesOnlyCanonicalText) {
  using transport::dir::parse_version;
  EXPECT_EQ(parse_version("Directory Transport Version: 1.1\n"), (transport::dir::Version{1, 1}));
  EXPECT_EQ(parse_version("Directory Transport Version: 1.2\n"), (transport::dir::Version{1, 2}));
  EXPECT_FALSE(parse_version("Directory Transport Version: 1.1"));
  EXPECT_FALSE(parse_version("Directory Transport Version: 01.1\n"));
  EXPECT_FALSE(parse_version("Directory Transport Version:  1.1\n"));
  EXPECT_FALSE(parse_version("garbage"));
}

TEST_F(DirTest, WritesSkopeoLayout) {
  write_image({"layer-bytes", "config-bytes"}, "{\"schemaVersion\":2}");
  std::string layer_hex = Digest::of("layer-bytes").hex();
  EXPECT_EQ(slurp(m_img + "/version"), "Directory Transport Version: 1.1\n");
  EXPECT_EQ(slurp(m_img + "/manifest.json"), "{\"schemaVersion\":2}");
  EXPECT_EQ(slurp(m_img + "/" + layer_hex), "layer-bytes");
  EXPECT_EQ(mode(m_img + "/" + layer_hex), 0644u);
  EXPECT_EQ(mode(m_img + "/manifest.json"), 0644u);
  EXPECT_EQ(mode(m_img + "/version"), 0644u);
  std::vector<std::string> want = {Digest::of("config-bytes").hex(), layer_hex, "manifest.json", "version"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names(), want);
}

TEST_F(DirTest, NonSha256DigestWritesVersion12) {
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_TRUE(dest);
  MemoryReader r("x");
  transport::BlobInfo info;
  info.digest = Digest::of("x", DigestAlgorithm::sha512);
  info.size = 1;
  ASSERT_TRUE((*dest)->put_blob(r, info, false));
  ASSERT_TRUE((*dest)->put_manifest("{}", "", std::nullopt));
  ASSERT_TRUE((*dest)->commit());
  EXPECT_EQ(slurp(m_img + "/version"), "Directory Transport Version: 1.2\n");
  EXPECT_TRUE(sfs::exists(m_img + "/sha512-" + info.digest->hex()));
}

TEST_F(DirTest, RefusesNonImageDirectory) {
  sfs::create_directories(m_img);
  spit(m_img + "/important.txt", "data");
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_FALSE(dest);
  EXPECT_EQ(dest.error().what(), "not a containers image directory, don't want to overwrite important data");
  spit(m_img + "/version", "Directory Transport Version: 1.1");
  dest = open_destination(m_img, ctx);
  ASSERT_FALSE(dest);
  EXPECT_EQ(dest.error().what(), "not a containers image directory, don't want to overwrite important data");
  EXPECT_EQ(slurp(m_img + "/important.txt"), "data");
}

TEST_F(DirTest, RefusesNewerVersion) {
  sfs::create_directories(m_img);
  spit(m_img + "/version", "Directory Transport Version: 1.3\n");
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_FALSE(dest);
  EXPECT_EQ(dest.error().what(),
            "unsupported directory transport version \"Directory Transport Version: 1.3\\n\" at " + m_img);
  auto src = open_source(m_img);
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().what(), dest.error().what());
}

TEST_F(DirTest, CompressAndDecompressConflict) {
  transport::Context ctx;
  ctx.dir_force_compress = ctx.dir_force_decompress = true;
  auto dest = open_destination(m_img, ctx);
  ASSERT_FALSE(dest);
  EXPECT_EQ(dest.error().what(), "Cannot compress and decompress at the same time");
}

TEST_F(DirTest, PreviousImageSurvivesAnUncommittedCopy) {
  write_image({"old-layer"}, "old-manifest");
  write_image({"new-layer"}, "new-manifest", /*commit=*/false);
  EXPECT_EQ(slurp(m_img + "/manifest.json"), "old-manifest");
  EXPECT_EQ(slurp(m_img + "/" + Digest::of("old-layer").hex()), "old-layer");
  // The re-run commits; only the new image's files remain, as after skopeo.
  write_image({"new-layer"}, "new-manifest");
  std::vector<std::string> want = {Digest::of("new-layer").hex(), "manifest.json", "version"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names(), want);
  EXPECT_EQ(slurp(m_img + "/manifest.json"), "new-manifest");
}

TEST_F(DirTest, RerunAfterKillIsAccepted) {
  // A first run into a new directory that died before commit: blobs and a temp file.
  write_image({"layer"}, "m", /*commit=*/false);
  spit(m_img + "/dir-put-blob123456", "partial");
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_TRUE(dest) << dest.error().what();
  ASSERT_TRUE((*dest)->put_manifest("m", "", std::nullopt));
  ASSERT_TRUE((*dest)->commit());
  EXPECT_FALSE(sfs::exists(m_img + "/dir-put-blob123456"));
}

TEST_F(DirTest, ReuseRequiresMatchingSize) {
  write_image({"0123456789"}, "m");
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_TRUE(dest);
  transport::BlobInfo info;
  info.digest = Digest::of("0123456789");
  info.size = 10;
  EXPECT_EQ((*dest)->try_reuse_blob(info), true);
  spit(m_img + "/" + info.digest->hex(), "01234"); // truncated, e.g. by a power loss
  EXPECT_EQ((*dest)->try_reuse_blob(info), false);
  info.digest = Digest::of("absent");
  EXPECT_EQ((*dest)->try_reuse_blob(info), false);
}

TEST_F(DirTest, PutBlobChecksSize) {
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_TRUE(dest);
  MemoryReader r("abc");
  transport::BlobInfo info;
  info.digest = Digest::of("abc");
  info.size = 4;
  auto put = (*dest)->put_blob(r, info, false);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().what(), "Size mismatch when copying " + info.digest->str() + ", expected 4, got 3");
  EXPECT_FALSE(sfs::exists(m_img + "/" + info.digest->hex()));
}

TEST_F(DirTest, SourceReadsImage) {
  write_image({"layer"}, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}");
  spit(m_img + "/signature-1", "sig1");
  spit(m_img + "/signature-2", "sig2");
  auto src = open_source(m_img);
  ASSERT_TRUE(src) << src.error().what();
  EXPECT_EQ((*src)->description(), "dir:" + m_img);
  auto m = (*src)->get_manifest(std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mime, "application/vnd.oci.image.manifest.v1+json");
  auto sigs = (*src)->get_signatures(std::nullopt);
  ASSERT_TRUE(sigs);
  EXPECT_EQ(*sigs, (std::vector<std::string>{"sig1", "sig2"}));
  transport::BlobInfo info;
  info.digest = Digest::of("layer");
  auto blob = (*src)->get_blob(info);
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->size, 5);
  EXPECT_EQ(read_all(*blob->reader, 100).value(), "layer");
}

TEST_F(DirTest, SourceErrors) {
  sfs::create_directories(m_img);
  auto src = open_source(m_img + "/");
  ASSERT_TRUE(src); // the version file is optional
  auto m = (*src)->get_manifest(std::nullopt);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().what(), "open " + m_img + "/manifest.json: no such file or directory");
  spit(m_img + "/version", "bogus");
  auto bad = open_source(m_img);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "invalid version file content: \"bogus\"");
}

TEST_F(DirTest, InstanceManifestsAndSignatures) {
  transport::Context ctx;
  auto dest = open_destination(m_img, ctx);
  ASSERT_TRUE(dest);
  Digest inst = Digest::of("instance");
  ASSERT_TRUE((*dest)->put_manifest("instance", "", inst));
  ASSERT_TRUE((*dest)->put_signatures({"s"}, inst));
  ASSERT_TRUE((*dest)->put_manifest("list", "", std::nullopt));
  ASSERT_TRUE((*dest)->commit());
  EXPECT_EQ(slurp(m_img + "/" + inst.hex() + ".manifest.json"), "instance");
  EXPECT_EQ(slurp(m_img + "/" + inst.hex() + ".signature-1"), "s");
}

} // namespace
