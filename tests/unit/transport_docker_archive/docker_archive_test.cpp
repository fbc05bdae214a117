// docker-archive: against skopeo itself. A small image is generated as a dir: layout;
// skopeo 1.9.3 (when installed) copies it to a docker-archive, hoist's destination writes
// the same image, and the two archives must be byte-identical. hoist's source must read
// skopeo's archive as skopeo does (same synthesized manifest, same tags).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "hoist/archive/tar_writer.hpp"
#include "hoist/compress/compression.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/transport/docker_archive/docker_archive.hpp"
#include "hoist/transport/docker_archive/legacy.hpp"
#include "hoist/transport/docker_archive/manifest_items.hpp"

namespace hoist::transport::docker_archive {
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

std::string layer_tar(const std::string& file, const std::string& content) {
  StringWriter out;
  archive::TarWriter w(out);
  archive::TarHeader h;
  h.name = file;
  (void)w.add_bytes(h, content);
  (void)w.close();
  return out.data;
}

std::string gzip(const std::string& data) {
  auto r = compress::compressor(std::make_unique<MemoryReader>(data), compress::Algorithm::gzip);
  return *read_all(**r, 1 << 30);
}

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const stdfs::path& p, const std::string& data) { std::ofstream(p, std::ios::binary) << data; }

std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int rc = ::pclose(f);
  return rc == 0 ? out : "<failed: " + cmd + ">";
}

BlobInfo blob_info(const std::string& data, bool with_size = true) {
  BlobInfo info;
  info.digest = Digest::of(data);
  info.size = with_size ? static_cast<int64_t>(data.size()) : -1;
  return info;
}

bool have_skopeo() { return std::system("skopeo --version >/dev/null 2>&1") == 0; }

// A two-layer image: one gzip layer, one uncompressed, as a skopeo dir: layout.
struct TestImage {
  std::vector<std::string> raw_layers; // uncompressed
  std::string config;
  stdfs::path dir;

  explicit TestImage(const stdfs::path& root) : dir(root / "img") {
    stdfs::create_directories(dir);
    raw_layers = {layer_tar("file0.txt", std::string(800, 'a')), layer_tar("bin/<tool>&", std::string(900, 'b'))};
    std::string gz = gzip(raw_layers[0]);
    config = fmt::format(
        R"({{"architecture":"amd64","config":{{"Env":["PATH=/bin"],"Cmd":["/bin/sh", "-c", "a<b"]}},)"
        R"("created":"2024-01-02T03:04:05Z","os":"linux","rootfs":{{"type":"layers","diff_ids":["{}","{}"]}}}})",
        Digest::of(raw_layers[0]).str(), Digest::of(raw_layers[1]).str());
    std::string manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
        R"("config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},)"
        R"("layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}},)"
        R"({{"mediaType":"application/vnd.docker.image.rootfs.diff.tar","size":{},"digest":"{}"}}]}})",
        config.size(), Digest::of(config).str(), gz.size(), Digest::of(gz).str(), raw_layers[1].size(),
        Digest::of(raw_layers[1]).str());
    spit(dir / Digest::of(gz).hex(), gz);
    spit(dir / Digest::of(raw_layers[1]).hex(), raw_layers[1]);
    spit(dir / Digest::of(config).hex(), config);
    spit(dir / "manifest.json", manifest);
    spit(dir / "version", "Directory Transport Version: 1.1\n");
  }

  // The manifest the copy engine hands a decompressing destination.
  std::string uncompressed_manifest() const {
    return fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
        R"("config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},)"
        R"("layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar","size":{},"digest":"{}"}},)"
        R"({{"mediaType":"application/vnd.docker.image.rootfs.diff.tar","size":{},"digest":"{}"}}]}})",
        config.size(), Digest::of(config).str(), raw_layers[0].size(), Digest::of(raw_layers[0]).str(),
        raw_layers[1].size(), Digest::of(raw_layers[1]).str());
  }
};

class DockerArchiveTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string templ = (stdfs::temp_directory_path() / "hoist-da-XXXXXX").string();
    m_root = ::mkdtemp(templ.data());
  }
  void TearDown() override { stdfs::remove_all(m_root); }

  reference::ImageName name(const std::string& text) { return *reference::parse_image_name(text); }

  // hoist's destination, driven as the copy engine drives it.
  Status hoist_write(const TestImage& img, const std::string& ref, std::vector<std::string> extra_tags) {
    Context ctx;
    ctx.tmpdir = m_root.string();
    ctx.additional_tags = std::move(extra_tags);
    TRY_ASSIGN(auto dest, open_destination(name(ref), ctx));
    MemoryReader first(img.raw_layers[0]); // size and digest unknown: spooled
    TRY(dest->put_blob(first, BlobInfo{}, false));
    MemoryReader second(img.raw_layers[1]);
    TRY(dest->put_blob(second, blob_info(img.raw_layers[1]), false));
    MemoryReader config(img.config);
    TRY(dest->put_blob(config, blob_info(img.config), true));
    TRY(dest->put_manifest(img.uncompressed_manifest(), "application/vnd.docker.distribution.manifest.v2+json", {}));
    return dest->commit();
  }

  stdfs::path m_root;
};

TEST_F(DockerArchiveTest, WritesTheSameBytesAsSkopeo) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto theirs = m_root / "skopeo.tar";
  run(fmt::format("skopeo --insecure-policy copy -q --additional-tag foo:bar dir:{} docker-archive:{}:example.com/x/y:z",
                  img.dir.string(), theirs.string()));
  auto ours = m_root / "hoist.tar";
  auto st = hoist_write(img, "docker-archive:" + ours.string() + ":example.com/x/y:z", {"foo:bar"});
  ASSERT_TRUE(st) << st.error().what();
  std::string a = slurp(theirs), b = slurp(ours);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "archives differ";
  // Nothing left behind: no temporary siblings, no spooled files.
  for (auto& e : stdfs::directory_iterator(m_root))
    EXPECT_TRUE(e.path() == img.dir || e.path() == theirs || e.path() == ours) << e.path();
}

TEST_F(DockerArchiveTest, UntaggedArchiveMatchesSkopeo) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto theirs = m_root / "skopeo.tar";
  run(fmt::format("skopeo --insecure-policy copy -q dir:{} docker-archive:{}", img.dir.string(), theirs.string()));
  auto ours = m_root / "hoist.tar";
  ASSERT_TRUE(hoist_write(img, "docker-archive:" + ours.string(), {}));
  EXPECT_TRUE(slurp(theirs) == slurp(ours));
}

TEST_F(DockerArchiveTest, ReadsSkopeoArchivesLikeSkopeo) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto theirs = m_root / "skopeo.tar";
  run(fmt::format("skopeo --insecure-policy copy -q --additional-tag foo:bar dir:{} docker-archive:{}:example.com/x/y:z",
                  img.dir.string(), theirs.string()));
  std::string raw = run(fmt::format("skopeo inspect --raw docker-archive:{}:foo:bar", theirs.string()));
  auto src = open_source(name("docker-archive:" + theirs.string() + ":foo:bar"), Context{});
  ASSERT_TRUE(src) << src.error().what();
  auto m = (*src)->get_manifest({});
  ASSERT_TRUE(m) << m.error().what();
  EXPECT_EQ(m->bytes, raw);
  EXPECT_EQ((*src)->docker_reference_name(), "docker.io/library/foo");
  for (const auto& layer : img.raw_layers) {
    auto blob = (*src)->get_blob(blob_info(layer, false));
    ASSERT_TRUE(blob) << blob.error().what();
    EXPECT_EQ(blob->size, static_cast<int64_t>(layer.size()));
    EXPECT_EQ(*read_all(*blob->reader, 1 << 20), layer);
  }
  auto tags = list_tags(name("docker-archive:" + theirs.string()), Context{});
  ASSERT_TRUE(tags);
  EXPECT_EQ(*tags, (std::vector<std::string>{"example.com/x/y:z", "docker.io/library/foo:bar"}));
}

TEST_F(DockerArchiveTest, SkopeoReadsHoistArchives) {
  if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  TestImage img(m_root);
  auto ours = m_root / "hoist.tar";
  ASSERT_TRUE(hoist_write(img, "docker-archive:" + ours.string() + ":example.com/x/y:z", {}));
  std::string out = run(fmt::format("skopeo --insecure-policy copy -q docker-archive:{} dir:{}", ours.string(),
                                    (m_root / "back").string()));
  EXPECT_EQ(out, "");
  EXPECT_EQ(slurp(m_root / "back" / Digest::of(img.raw_layers[1]).hex()), img.raw_layers[1]);
}

TEST_F(DockerArchiveTest, RefusesExistingArchive) {
  auto path = m_root / "x.tar";
  spit(path, "x");
  auto dest = open_destination(name("docker-archive:" + path.string()), Context{});
  ASSERT_FALSE(dest);
  EXPECT_EQ(dest.error().what(), "docker-archive doesn't support modifying existing images");
  auto indexed = open_destination(name("docker-archive:" + (m_root / "y.tar").string() + ":@0"), Context{});
  ASSERT_FALSE(indexed);
  EXPECT_EQ(indexed.error().what(), "Destination reference must not contain a manifest index @0");
}

TEST_F(DockerArchiveTest, UncommittedDestinationLeavesNothing) {
  TestImage img(m_root);
  auto path = m_root / "never.tar";
  {
    auto dest = open_destination(name("docker-archive:" + path.string()), Context{});
    ASSERT_TRUE(dest);
    MemoryReader layer(img.raw_layers[0]);
    ASSERT_TRUE((*dest)->put_blob(layer, BlobInfo{}, false));
  }
  EXPECT_FALSE(stdfs::exists(path));
  size_t entries = 0;
  for ([[maybe_unused]] auto& e : stdfs::directory_iterator(m_root)) ++entries;
  EXPECT_EQ(entries, 1u); // only img/
}

TEST_F(DockerArchiveTest, ChoosesItemsWithSkopeosErrors) {
  std::vector<ManifestItem> items = {{"a.json", {"example.com/x:1"}, {}}, {"b.json", {}, {}}};
  auto none = choose_item(items, std::nullopt, std::nullopt);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().what(), "Unexpected tar manifest.json: expected 1 item, got 2");
  auto far = choose_item(items, std::nullopt, 3);
  EXPECT_EQ(far.error().what(), "Invalid source index @3, only 2 manifest items available");
  auto missing = choose_item(items, *reference::parse_normalized_named("foo:baz"), std::nullopt);
  EXPECT_EQ(missing.error().what(), "Tag \"docker.io/library/foo:baz\" not found");
  EXPECT_EQ(choose_item(items, *reference::parse_normalized_named("example.com/x:1"), std::nullopt)->index, 0u);
  EXPECT_EQ(*list_item_tags(items), (std::vector<std::string>{"example.com/x:1", "@1"}));
}

TEST(Legacy, CompactsRawValuesLikeGo) {
  EXPECT_EQ(go_compact("{ \"a\" : [1, 2.50, \"x y<&>\"] }"), "{\"a\":[1,2.50,\"x y\\u003c\\u0026\\u003e\"]}");
  auto raw = raw_members(R"({"os":"linux", "config":{"Env": null}, "os":"plan9"})");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->at("os"), "\"plan9\"");
  EXPECT_EQ(raw->at("config"), "{\"Env\": null}");
}

} // namespace
} // namespace hoist::transport::docker_archive
