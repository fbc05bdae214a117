// Byte comparisons against the installed skopeo (the oracle): each test builds a tiny
// image in a dir: layout, lets skopeo convert / inspect it, and checks that hoist's
// model produces exactly the same bytes. Where skopeo 1.9.3 differs from the newest
// skopeo the fixtures avoid the difference (tested against the spec elsewhere): inspect's
// LayersData is removed before comparing; configs have no "variant" (newest prints it after
// "os") and a non-empty "config" (newest omits an empty one, Go omitzero); compressed OCI
// layers get no annotations (1.9.3 drops the source's, newest keeps them).
#include <gtest/gtest.h>

#include "hoist/manifest/config.hpp"
#include "hoist/manifest/convert.hpp"
#include "hoist/manifest/inspect.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/gojson.hpp"
#include "skopeo_fixture.hpp"

namespace hoist::manifest {
namespace {

using namespace test;

const char* k_docker_config = R"({"architecture":"amd64","author":"me <a&b>","config":{"Hostname":"h","User":"root","Env":["PATH=/usr/bin","X=<y>"],"Cmd":["sh"],"Labels":{"z":"1","a":"2"},"ExposedPorts":{"80/tcp":{}},"Volumes":{"/data":{}},"Image":"sha256:00","WorkingDir":"/w"},"container":"abc","container_config":{"Cmd":["x"]},"created":"2024-01-02T03:04:05.120000000+02:00","docker_version":"20.10.1","history":[{"created":"2024-01-02T03:04:05.000Z","created_by":"/bin/sh -c #(nop) ADD file"},{"created":"2024-01-02T03:04:06Z","created_by":"CMD","empty_layer":true},{"created":"2024-01-02T03:04:07Z","created_by":"ADD b"}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:DIFF1","sha256:DIFF2"]}})";

class SkopeoCompare : public ::testing::Test {
protected:
  void SetUp() override {
    if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
  }
  TempDir tmp;

  // A v2s2 image: a gzip layer and an uncompressed layer. Returns the manifest bytes.
  std::string make_v2s2(const fs::path& dir) {
    fs::create_directories(dir);
    std::string tar1 = make_tar(tmp.path, "a.txt", "hello\n");
    std::string tar2 = make_tar(tmp.path, "b.txt", "world\n");
    std::string gz1 = gzip_bytes(tmp.path, tar1);
    Digest l1 = put_blob(dir, gz1), l2 = put_blob(dir, tar2);
    m_diff1 = Digest::of(tar1);
    m_diff2 = Digest::of(tar2);
    std::string config = k_docker_config;
    config.replace(config.find("sha256:DIFF1"), 12, m_diff1.str());
    config.replace(config.find("sha256:DIFF2"), 12, m_diff2.str());
    Digest c = put_blob(dir, config);
    m_config = config;
    std::string manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}},{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar","size":{},"digest":"{}"}}]}})",
        config.size(), c.str(), gz1.size(), l1.str(), tar2.size(), l2.str());
    write_dir_image(dir, manifest);
    m_tar1 = tar1;
    return manifest;
  }

  std::string m_config, m_tar1;
  Digest m_diff1 = Digest::of(""), m_diff2 = Digest::of("");
};

TEST_F(SkopeoCompare, V2s2ToOciManifestAndConfig) {
  std::string src = make_v2s2(tmp.path / "src");
  ASSERT_EQ(skopeo(fmt::format("copy --format oci dir:{} dir:{}", (tmp.path / "src").string(), (tmp.path / "out").string())).rc, 0);
  std::string want = read_file(tmp.path / "out" / "manifest.json");

  auto m = parse_image(src, guess_mime_type(src));
  ASSERT_TRUE(m) << m.error().what();
  auto conv = convert_image(*m, mt::oci_manifest, conv_input(m_config, {}, std::nullopt));
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_EQ(conv->bytes, want);
  ASSERT_TRUE(conv->config_bytes);
  EXPECT_EQ(*conv->config_bytes, read_file(tmp.path / "out" / conv->manifest.config->digest.hex()));
  auto direct = oci_config_from_docker(m_config);
  ASSERT_TRUE(direct);
  EXPECT_EQ(*direct, *conv->config_bytes);
}

TEST_F(SkopeoCompare, OciBackToV2s2KeepsConfig) {
  make_v2s2(tmp.path / "src");
  ASSERT_EQ(skopeo(fmt::format("copy --format oci dir:{} dir:{}", (tmp.path / "src").string(), (tmp.path / "oci").string())).rc, 0);
  ASSERT_EQ(skopeo(fmt::format("copy --format v2s2 dir:{} dir:{}", (tmp.path / "oci").string(), (tmp.path / "back").string())).rc, 0);
  std::string oci = read_file(tmp.path / "oci" / "manifest.json");
  auto m = parse_image(oci, guess_mime_type(oci));
  ASSERT_TRUE(m) << m.error().what();
  auto conv = convert_image(*m, mt::docker_v2s2, ConvertInput{});
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_EQ(conv->bytes, read_file(tmp.path / "back" / "manifest.json"));
  EXPECT_FALSE(conv->config_bytes);
}

TEST_F(SkopeoCompare, DecompressUpdatesLayerTypes) {
  std::string src = make_v2s2(tmp.path / "src");
  ASSERT_EQ(skopeo(fmt::format("copy --dest-decompress dir:{} dir:{}", (tmp.path / "src").string(), (tmp.path / "out").string())).rc, 0);
  auto m = parse_image(src, mt::docker_v2s2);
  ASSERT_TRUE(m);
  std::vector<LayerUpdate> layers(2);
  layers[0].digest = m_diff1;
  layers[0].size = static_cast<int64_t>(m_tar1.size());
  layers[0].op = CompressionOp::decompress;
  layers[1].digest = m->layers[1].digest;
  layers[1].size = m->layers[1].size;
  auto conv = convert_image(*m, "", conv_input({}, {}, layers));
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_EQ(conv->bytes, read_file(tmp.path / "out" / "manifest.json"));
}

// Our inspect JSON without LayersData (absent in skopeo 1.9.3).
std::string inspect_without_layers_data(const InspectInput& in) {
  auto v = inspect_value(in);
  v.erase("LayersData");
  return go_marshal_indent(v, "", "    ") + "\n";
}

TEST_F(SkopeoCompare, InspectAndInspectConfigV2s2) {
  std::string src = make_v2s2(tmp.path / "src");
  auto want = skopeo("inspect dir:" + (tmp.path / "src").string());
  ASSERT_EQ(want.rc, 0);
  auto m = parse_image(src, mt::docker_v2s2);
  ASSERT_TRUE(m);
  auto in = inspect_input(*m, m_config);
  ASSERT_TRUE(in) << in.error().what();
  in->digest = *manifest_digest(src);
  EXPECT_EQ(inspect_without_layers_data(*in), want.out);

  auto want_config = skopeo("inspect --config dir:" + (tmp.path / "src").string());
  ASSERT_EQ(want_config.rc, 0);
  EXPECT_EQ(*inspect_config_json(m_config), want_config.out);
}

TEST_F(SkopeoCompare, InspectOciWithoutCreatedOrLabels) {
  fs::path dir = tmp.path / "oci";
  fs::create_directories(dir);
  std::string tar = make_tar(tmp.path, "a.txt", "x");
  Digest l = put_blob(dir, tar);
  std::string config = fmt::format(R"({{"architecture":"arm64","os":"linux","config":{{"Env":["A=1"]}},"rootfs":{{"type":"layers","diff_ids":["{}"]}}}})", l.str());
  Digest c = put_blob(dir, config);
  std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":{},"annotations":{{"k":"v"}}}}],"annotations":{{"b":"1"}}}})",
      c.str(), config.size(), l.str(), tar.size());
  write_dir_image(dir, manifest);
  auto want = skopeo("inspect dir:" + dir.string());
  ASSERT_EQ(want.rc, 0);
  auto m = parse_image(manifest, guess_mime_type(manifest));
  ASSERT_TRUE(m) << m.error().what();
  auto in = inspect_input(*m, config);
  ASSERT_TRUE(in) << in.error().what();
  in->digest = Digest::of(manifest);
  EXPECT_EQ(inspect_without_layers_data(*in), want.out);
  auto want_config = skopeo("inspect --config dir:" + dir.string());
  EXPECT_EQ(*inspect_config_json(config), want_config.out);

  // Compressing for an OCI destination: skopeo copy dir → oci gzips the tar layer; the
  // manifest keeps the annotations and gets the +gzip type.
  ASSERT_EQ(skopeo(fmt::format("copy dir:{} oci:{}:t", dir.string(), (tmp.path / "layout").string())).rc, 0);
  std::string index = read_file(tmp.path / "layout" / "index.json");
  auto pos = index.find("sha256:");
  ASSERT_NE(pos, std::string::npos);
  std::string out_manifest = read_file(tmp.path / "layout" / "blobs" / "sha256" / index.substr(pos + 7, 64));
  auto out = parse_image(out_manifest, mt::oci_manifest);
  ASSERT_TRUE(out);
  LayerUpdate u{out->layers[0].digest, out->layers[0].size, {}, {}, CompressionOp::compress, Compression::gzip};
  auto conv = convert_image(*m, "", conv_input({}, {}, std::vector<LayerUpdate>{u}));
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_EQ(conv->bytes, out_manifest);
}

// A schema1 image (unsigned v1+json): three history entries, the middle one a throwaway
// layer sharing the empty gzip blob.
struct Schema1Image {
  std::string manifest;
  std::vector<Digest> diff_ids; // base first
  std::vector<int64_t> sizes;   // base first
};

Schema1Image make_schema1(const fs::path& scratch, const fs::path& dir) {
  fs::create_directories(dir);
  std::string base_tar = make_tar(scratch, "base.txt", "base\n");
  std::string top_tar = make_tar(scratch, "top.txt", "top\n");
  std::string empty_tar(1024, '\0');
  std::string base = gzip_bytes(scratch, base_tar), top = gzip_bytes(scratch, top_tar), empty = gzip_bytes(scratch, empty_tar);
  Digest b = put_blob(dir, base), t = put_blob(dir, top), e = put_blob(dir, empty);
  std::string id1(64, '1'), id2(64, '2'), id3(64, '3');
  std::string v_top = fmt::format(R"({{"architecture":"amd64","config":{{"Env":["A=1"],"Labels":{{"l":"v"}},"Cmd":["sh"]}},"container_config":{{"Cmd":["/bin/sh","-c","#(nop) ADD top"]}},"created":"2020-05-06T07:08:09.5Z","docker_version":"19.03.1","id":"{}","os":"linux","parent":"{}","Size":4}})", id3, id2);
  std::string v_mid = fmt::format(R"({{"id":"{}","parent":"{}","created":"2020-05-06T07:08:08Z","container_config":{{"Cmd":["/bin/sh","-c","#(nop) ENV A=1"]}},"throwaway":true,"author":"x"}})", id2, id1);
  std::string v_base = fmt::format(R"({{"id":"{}","created":"2020-05-06T07:08:07Z","container_config":{{"Cmd":["/bin/sh","-c","#(nop) ADD base"]}},"comment":"c"}})", id1);
  auto q = [](const std::string& s) { return go_json_string(s); };
  std::string manifest = fmt::format(
      R"({{"schemaVersion":1,"name":"ns/img","tag":"v1","architecture":"amd64","fsLayers":[{{"blobSum":"{}"}},{{"blobSum":"{}"}},{{"blobSum":"{}"}}],"history":[{{"v1Compatibility":{}}},{{"v1Compatibility":{}}},{{"v1Compatibility":{}}}]}})",
      t.str(), e.str(), b.str(), q(v_top), q(v_mid), q(v_base));
  write_dir_image(dir, manifest);
  return {manifest,
          {Digest::of(base_tar), Digest::of(empty_tar), Digest::of(top_tar)},
          {static_cast<int64_t>(base.size()), static_cast<int64_t>(empty.size()), static_cast<int64_t>(top.size())}};
}

TEST_F(SkopeoCompare, Schema1InspectAndConversion) {
  fs::path dir = tmp.path / "s1";
  Schema1Image img = make_schema1(tmp.path, dir);
  ASSERT_EQ(guess_mime_type(img.manifest), mt::docker_v2s1);
  auto m = parse_image(img.manifest, mt::docker_v2s1);
  ASSERT_TRUE(m) << m.error().what();
  ASSERT_EQ(m->layers.size(), 3u);
  EXPECT_EQ(m->empty_layers, (std::vector<bool>{false, true, false}));

  auto want = skopeo("inspect dir:" + dir.string());
  ASSERT_EQ(want.rc, 0);
  auto in = inspect_input(*m, "");
  ASSERT_TRUE(in) << in.error().what();
  in->digest = *manifest_digest(img.manifest);
  EXPECT_EQ(inspect_without_layers_data(*in), want.out);
  auto want_config = skopeo("inspect --config dir:" + dir.string());
  ASSERT_EQ(want_config.rc, 0);
  auto synthesized = schema1_synthesized_config(*m);
  ASSERT_TRUE(synthesized) << synthesized.error().what();
  EXPECT_EQ(*inspect_config_json(*synthesized), want_config.out);

  for (std::string_view target : {mt::docker_v2s2, mt::oci_manifest}) {
    fs::path out = tmp.path / (target == mt::docker_v2s2 ? "s2" : "oci");
    ASSERT_EQ(skopeo(fmt::format("copy --format {} dir:{} dir:{}", target == mt::docker_v2s2 ? "v2s2" : "oci", dir.string(), out.string())).rc, 0);
    std::vector<LayerUpdate> layers;
    for (size_t i = 0; i < 3; ++i) {
      LayerUpdate u;
      u.digest = m->layers[i].digest;
      u.size = img.sizes[i];
      layers.push_back(u);
    }
    // Digests unchanged: like c/image, only InformationOnly layer infos (sizes) are given.
    auto input = conv_input({}, img.diff_ids);
    input.copied_layers = layers;
    auto conv = convert_image(*m, target, input);
    ASSERT_TRUE(conv) << conv.error().what();
    EXPECT_EQ(conv->bytes, read_file(out / "manifest.json")) << target;
    ASSERT_TRUE(conv->config_bytes);
    EXPECT_EQ(*conv->config_bytes, read_file(out / conv->manifest.config->digest.hex())) << target;
  }
}

TEST_F(SkopeoCompare, ManifestDigestOfSignedSchema1) {
  // A JWS-signed form: payload = bytes[:formatLength] + formatTail (here "\n}").
  std::string body = "{\n   \"schemaVersion\": 1,\n   \"name\": \"a/b\",\n   \"tag\": \"t\",\n   \"fsLayers\": []";
  std::string prot_json = fmt::format(R"({{"formatLength":{},"formatTail":"Cn0","time":"2020-01-01T00:00:00Z"}})", body.size());
  std::string prot;
  { // base64url without padding
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i = 0;
    for (; i + 2 < prot_json.size(); i += 3) {
      uint32_t n = (uint8_t(prot_json[i]) << 16) | (uint8_t(prot_json[i + 1]) << 8) | uint8_t(prot_json[i + 2]);
      for (int k = 3; k >= 0; --k) prot += tbl[(n >> (6 * k)) & 63];
    }
    if (prot_json.size() - i == 1) { uint32_t n = uint8_t(prot_json[i]) << 16; prot += tbl[n >> 18]; prot += tbl[(n >> 12) & 63]; }
    if (prot_json.size() - i == 2) { uint32_t n = (uint8_t(prot_json[i]) << 16) | (uint8_t(prot_json[i + 1]) << 8); prot += tbl[n >> 18]; prot += tbl[(n >> 12) & 63]; prot += tbl[(n >> 6) & 63]; }
  }
  std::string signed_manifest = body + ",\n   \"signatures\": [\n      {\n         \"header\": {\"alg\": \"ES256\"},\n         \"signature\": \"abc\",\n         \"protected\": \"" + prot + "\"\n      }\n   ]\n}";
  write_file(tmp.path / "m.json", signed_manifest);
  auto want = skopeo("manifest-digest " + (tmp.path / "m.json").string());
  ASSERT_EQ(want.rc, 0);
  EXPECT_EQ(guess_mime_type(signed_manifest), mt::docker_v2s1_signed);
  auto d = manifest_digest(signed_manifest);
  ASSERT_TRUE(d) << d.error().what();
  EXPECT_EQ(d->str() + "\n", want.out);
  EXPECT_EQ(*strip_jws(signed_manifest), body + "\n}");
}

} // namespace
} // namespace hoist::manifest

namespace hoist::manifest {
namespace {

// The JWS signature itself uses a fresh random key (in skopeo too), so the signed bytes
// are compared through their payloads (what manifest digests are computed over).
TEST_F(SkopeoCompare, V2s2AndOciToSchema1Payloads) {
  std::string src = make_v2s2(tmp.path / "src");
  ASSERT_EQ(skopeo(fmt::format("copy --format v2s1 dir:{} dir:{}", (tmp.path / "src").string(), (tmp.path / "s1").string())).rc, 0);
  std::string want = read_file(tmp.path / "s1" / "manifest.json");
  auto m = parse_image(src, mt::docker_v2s2);
  ASSERT_TRUE(m);
  auto conv = convert_image(*m, mt::docker_v2s1_signed, conv_input(m_config, {}, std::nullopt));
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_TRUE(conv->needs_gzipped_empty_layer);
  EXPECT_EQ(gzipped_empty_layer_digest().str(), "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4");
  EXPECT_EQ(read_file(tmp.path / "s1" / gzipped_empty_layer_digest().hex()), gzipped_empty_layer());
  EXPECT_EQ(guess_mime_type(conv->bytes), mt::docker_v2s1_signed);
  EXPECT_EQ(*strip_jws(conv->bytes), *strip_jws(want));
  EXPECT_EQ(*manifest_digest(conv->bytes), *manifest_digest(want));
  // Our signed form parses back as schema1 with the same layers.
  auto back = parse_image(conv->bytes, mt::docker_v2s1_signed);
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->layers.size(), 3u);

  // OCI → schema1 goes through v2s2 with the OCI config bytes.
  ASSERT_EQ(skopeo(fmt::format("copy --format oci dir:{} dir:{}", (tmp.path / "src").string(), (tmp.path / "oci").string())).rc, 0);
  ASSERT_EQ(skopeo(fmt::format("copy --format v2s1 dir:{} dir:{}", (tmp.path / "oci").string(), (tmp.path / "oci-s1").string())).rc, 0);
  std::string oci = read_file(tmp.path / "oci" / "manifest.json");
  auto om = parse_image(oci, mt::oci_manifest);
  ASSERT_TRUE(om);
  std::string oci_config = read_file(tmp.path / "oci" / om->config->digest.hex());
  auto oconv = convert_image(*om, mt::docker_v2s1_signed, conv_input(oci_config, {}, std::nullopt));
  ASSERT_TRUE(oconv) << oconv.error().what();
  EXPECT_EQ(*strip_jws(oconv->bytes), *strip_jws(read_file(tmp.path / "oci-s1" / "manifest.json")));
}

} // namespace
} // namespace hoist::manifest

namespace hoist::manifest {
namespace {

TEST_F(SkopeoCompare, ForeignLayerKeepsUrlsInOciConversion) {
  fs::path dir = tmp.path / "src";
  fs::create_directories(dir);
  std::string gz = gzip_bytes(tmp.path, make_tar(tmp.path, "w.txt", "win"));
  Digest l = put_blob(dir, gz);
  std::string config = R"({"architecture":"amd64","os":"windows","config":{"Env":["A=1"]},"rootfs":{"type":"layers","diff_ids":[]}})";
  Digest c = put_blob(dir, config);
  std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","size":{},"digest":"{}","urls":["https://example.invalid/a&b"]}}]}})",
      config.size(), c.str(), gz.size(), l.str());
  write_dir_image(dir, manifest);
  ASSERT_EQ(skopeo(fmt::format("copy --format oci dir:{} dir:{}", dir.string(), (tmp.path / "out").string())).rc, 0);
  auto m = parse_image(manifest, mt::docker_v2s2);
  ASSERT_TRUE(m) << m.error().what();
  auto conv = convert_image(*m, mt::oci_manifest, conv_input(config));
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_EQ(conv->bytes, read_file(tmp.path / "out" / "manifest.json"));
}

} // namespace
} // namespace hoist::manifest
