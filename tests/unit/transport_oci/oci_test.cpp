#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "hoist/transport/oci/index.hpp"
#include "hoist/transport/oci/oci.hpp"

namespace sfs = std::filesystem;
using namespace hoist;
using transport::oci::LayoutRef;

namespace {

constexpr std::string_view k_oci_manifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";

class OciTest : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hoist-oci-test-XXXXXX";
    m_root = ::mkdtemp(tmpl);
    m_dir = m_root + "/layout";
  }
  void TearDown() override { sfs::remove_all(m_root); }

  static std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  static void spit(const std::string& p, std::string_view data) { std::ofstream(p, std::ios::binary) << data; }

  void write_manifest(const std::string& image, std::string_view bytes) {
    transport::Context ctx;
    auto dest = transport::oci::open_destination(LayoutRef{m_dir, image, -1}, ctx);
    ASSERT_TRUE(dest) << dest.error().what();
    ASSERT_TRUE((*dest)->put_manifest(std::string(bytes), "", std::nullopt));
    ASSERT_TRUE((*dest)->commit());
  }

  std::string m_root, m_dir;
};

TEST_F(OciTest, NewLayoutFiles) {
  write_manifest("latest", k_oci_manifest);
  Digest d = Digest::of(k_oci_manifest);
  EXPECT_EQ(slurp(m_dir + "/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  EXPECT_EQ(slurp(m_dir + "/index.json"),
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                d.str() + R"(","size":)" + std::to_string(k_oci_manifest.size()) +
                R"(,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]})");
  EXPECT_EQ(slurp(m_dir + "/blobs/sha256/" + d.hex()), k_oci_manifest);
}

TEST_F(OciTest, RefNameMovesToNewestEntry) {
  std::string other = std::string(k_oci_manifest) + " ";
  write_manifest("a", k_oci_manifest);
  write_manifest("a", other);
  auto idx = transport::oci::parse_index(slurp(m_dir + "/index.json"));
  ASSERT_TRUE(idx);
  ASSERT_EQ(idx->manifests.size(), 2u);
  EXPECT_TRUE(idx->manifests[0].annotations.empty());
  EXPECT_EQ(idx->manifests[1].annotations.at("org.opencontainers.image.ref.name"), "a");
  // The old entry has no annotations member at all now.
  EXPECT_EQ(slurp(m_dir + "/index.json").find("\"size\":" + std::to_string(k_oci_manifest.size()) + "},"),
            slurp(m_dir + "/index.json").find("\"size\""));
  // Writing the first manifest again under "a": the unnamed entry of that digest is replaced.
  write_manifest("a", k_oci_manifest);
  idx = transport::oci::parse_index(slurp(m_dir + "/index.json"));
  ASSERT_EQ(idx->manifests.size(), 2u);
  EXPECT_EQ(idx->manifests[0].annotations.at("org.opencontainers.image.ref.name"), "a");
  EXPECT_TRUE(idx->manifests[1].annotations.empty());
}

TEST_F(OciTest, ExistingIndexIsPreserved) {
  sfs::create_directories(m_dir);
  // skopeo 1.9.3 style index (no mediaType), an unknown key and a platform.
  spit(m_dir + "/index.json",
       R"({"schemaVersion":2,"extra":1,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":7,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]})");
  write_manifest("", k_oci_manifest);
  std::string idx = slurp(m_dir + "/index.json");
  EXPECT_TRUE(idx.starts_with(
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":7,"platform")"))
      << idx;
  EXPECT_NE(idx.find(R"("platform":{"architecture":"arm64","os":"linux","variant":"v8"}})"), std::string::npos);
  EXPECT_EQ(idx.find("extra"), std::string::npos);
}

TEST_F(OciTest, SourceSelection) {
  write_manifest("a", k_oci_manifest);
  write_manifest("b", std::string(k_oci_manifest) + " ");
  transport::Context ctx;
  auto missing = transport::oci::open_source(LayoutRef{m_dir, "nope", -1}, ctx);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().what(), "no descriptor found for reference \"nope\"");
  EXPECT_EQ(missing.error().kind(), ErrorKind::manifest_unknown);
  auto ambiguous = transport::oci::open_source(LayoutRef{m_dir, "", -1}, ctx);
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().what(), "more than one image in oci, choose an image");
  auto too_large = transport::oci::open_source(LayoutRef{m_dir, "", 2}, ctx);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().what(), "index 2 is too large, only 2 entries available");
  auto by_index = transport::oci::open_source(LayoutRef{m_dir, "", 1}, ctx);
  ASSERT_TRUE(by_index);
  EXPECT_EQ((*by_index)->description(), "oci:" + m_dir + ":@1");
  auto m = (*by_index)->get_manifest(std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes, std::string(k_oci_manifest) + " ");
  EXPECT_EQ(m->mime, "application/vnd.oci.image.manifest.v1+json");
  auto by_name = transport::oci::open_source(LayoutRef{m_dir, "a", -1}, ctx);
  ASSERT_TRUE(by_name);
  EXPECT_EQ((*by_name)->get_manifest(std::nullopt)->bytes, k_oci_manifest);
}

TEST_F(OciTest, MissingIndex) {
  transport::Context ctx;
  auto src = transport::oci::open_source(LayoutRef{m_dir, "", -1}, ctx);
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().what(), "open " + m_dir + "/index.json: no such file or directory");
}

TEST_F(OciTest, DestinationRules) {
  transport::Context ctx;
  auto bad = transport::oci::open_destination(LayoutRef{m_dir, "", 0}, ctx);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "Destination reference must not contain a manifest index @0");
  auto dest = transport::oci::open_destination(LayoutRef{m_dir, "x", -1}, ctx);
  ASSERT_TRUE(dest);
  EXPECT_EQ((*dest)->desired_layer_compression(), transport::LayerCompression::compress);
  auto sig = (*dest)->put_signatures({"s"}, std::nullopt);
  ASSERT_FALSE(sig);
  EXPECT_EQ(sig.error().what(), "Pushing signatures for OCI images is not supported");
  EXPECT_TRUE(sfs::is_directory(m_dir + "/blobs"));
  EXPECT_FALSE(sfs::exists(m_dir + "/index.json")); // nothing visible before commit
  ctx.oci_accept_uncompressed_layers = true;
  dest = transport::oci::open_destination(LayoutRef{m_dir, "x", -1}, ctx);
  EXPECT_EQ((*dest)->desired_layer_compression(), transport::LayerCompression::preserve);
}

TEST_F(OciTest, SharedBlobDir) {
  transport::Context ctx;
  ctx.shared_blob_dir = m_root + "/shared";
  auto dest = transport::oci::open_destination(LayoutRef{m_dir, "x", -1}, ctx);
  ASSERT_TRUE(dest);
  MemoryReader r("blob");
  transport::BlobInfo info;
  auto put = (*dest)->put_blob(r, info, false);
  ASSERT_TRUE(put);
  EXPECT_EQ(*put->digest, Digest::of("blob"));
  EXPECT_EQ(slurp(m_root + "/shared/sha256/" + Digest::of("blob").hex()), "blob");
  EXPECT_FALSE(sfs::exists(m_dir + "/blobs/sha256"));
}

TEST(OciIndex, NewIndexAndNullManifests) {
  EXPECT_EQ(transport::oci::serialize_index(transport::oci::new_index()),
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":null})");
  auto parsed = transport::oci::parse_index(R"({"schemaVersion":2,"manifests":[]})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(transport::oci::serialize_index(*parsed), R"({"schemaVersion":2,"manifests":[]})");
}

} // namespace
