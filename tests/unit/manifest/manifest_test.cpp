// Model unit tests. Expected texts come from skopeo's output where noted (obs), else
// from skopeo-compat.md (§N) and c/image's documented behaviour.
#include "hoist/manifest/manifest.hpp"

#include <gtest/gtest.h>

#include "hoist/manifest/convert.hpp"
#include "skopeo_fixture.hpp"

namespace hoist::manifest {
namespace {

const std::string k_d1 = "sha256:" + std::string(64, 'a');
const std::string k_d2 = "sha256:" + std::string(64, 'b');

TEST(GuessMime, FollowsCImageRules) {
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"})"), mt::docker_v2s2);
  EXPECT_EQ(guess_mime_type(R"({"mediaType":"application/vnd.oci.image.index.v1+json"})"), mt::oci_index);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":1,"signatures":[]})"), mt::docker_v2s1_signed);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":1,"signatures":null})"), mt::docker_v2s1);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":1})"), mt::docker_v2s1);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json"}})"), mt::oci_manifest);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.docker.container.image.v1+json"}})"), mt::docker_v2s2);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":2,"manifests":[{}]})"), mt::oci_index);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":2,"config":{"mediaType":"x/y"},"manifests":[{}]})"), "x/y");
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":2,"manifests":[]})"), mt::oci_manifest);
  EXPECT_EQ(guess_mime_type(R"({"SchemaVersion":2,"MediaType":"application/vnd.oci.image.index.v1+json"})"), mt::oci_index);
  EXPECT_EQ(guess_mime_type(R"({"schemaVersion":3})"), "");
  EXPECT_EQ(guess_mime_type(R"({"mediaType":5})"), "");
  EXPECT_EQ(guess_mime_type("not json"), "");
  EXPECT_EQ(guess_mime_type("[]"), "");
}

TEST(NormalizeMime, RegistryContentTypes) {
  EXPECT_EQ(normalize_registry_mime("application/json"), mt::docker_v2s1_signed);
  EXPECT_EQ(normalize_registry_mime(""), mt::docker_v2s1_signed);
  EXPECT_EQ(normalize_registry_mime("text/plain"), mt::docker_v2s1_signed);
  EXPECT_EQ(normalize_registry_mime("application/vnd.oci.image.index.v1+json; charset=utf-8"), mt::oci_index);
  EXPECT_EQ(normalize_registry_mime("Application/VND.OCI.image.manifest.v1+json"), mt::oci_manifest);
  EXPECT_TRUE(is_list_type(mt::docker_list));
  EXPECT_FALSE(is_list_type(mt::docker_v2s2));
}

TEST(ManifestDigest, PlainBytes) {
  std::string m = R"({"schemaVersion":2})";
  EXPECT_EQ(*manifest_digest(m), Digest::of(m));
  EXPECT_EQ(manifest_digest(m, DigestAlgorithm::sha512)->algorithm(), DigestAlgorithm::sha512);
  EXPECT_TRUE(*matches_digest(m, Digest::of(m)));
  auto bad = manifest_digest(R"({"schemaVersion":1,"signatures":[{"protected":"e30"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "missing formatted length");
}

TEST(Parse, AmbiguousAndUnsupportedTypes) {
  // (obs) skopeo inspect on such dir: images; newest names the manifest type correctly.
  std::string oci = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + k_d1 + R"(","size":1},"layers":[],"manifests":[]})";
  auto r = parse_image(oci, mt::oci_manifest);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), R"(rejecting ambiguous manifest, unexpected fields []string{"manifests"} in supposedly application/vnd.oci.image.manifest.v1+json)");
  std::string s2 = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" + k_d1 + R"(","size":1},"layers":[{"mediaType":"foo","size":1,"digest":")" + k_d1 + R"("}]})";
  r = parse_image(s2, mt::docker_v2s2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), R"(unsupported docker v2s2 media type: "foo")");
  auto l = parse_list(R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[],"layers":[]})", mt::docker_list);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().what(), R"(rejecting ambiguous manifest, unexpected fields []string{"layers"} in supposedly application/vnd.docker.distribution.manifest.list.v2+json)");
  l = parse_list(R"({"manifests":{}})", mt::docker_list);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().what(), R"(unmarshaling Schema2List "{\"manifests\":{}}": json: cannot unmarshal object into Go struct field Schema2ListPublic.manifests of type []manifest.Schema2ManifestDescriptor)");
  EXPECT_EQ(parse_image("{}", mt::docker_list).error().what(), "Treating manifest lists as individual manifests is not implemented");
  EXPECT_EQ(parse_list("{}", mt::oci_manifest).error().what(), "Treating single images as manifest lists is not implemented");
}

std::string v1(const std::string& id, const std::string& parent, bool throwaway = false) {
  std::string s = R"({\"id\":\")" + id + "\\\"";
  if (!parent.empty()) s += R"(,\"parent\":\")" + parent + "\\\"";
  if (throwaway) s += R"(,\"throwaway\":true)";
  return s + "}";
}

TEST(Parse, Schema1LayersReversedAndDuplicatesDropped) {
  std::string a(64, '1'), b(64, '2');
  // Newest first: b, b (a repeated ID: the older duplicate is dropped), a.
  std::string m = R"({"schemaVersion":1,"name":"n","tag":"t","architecture":"amd64","fsLayers":[{"blobSum":")" + k_d2 +
                  R"("},{"blobSum":")" + k_d2 + R"("},{"blobSum":")" + k_d1 + R"("}],"history":[{"v1Compatibility":")" +
                  v1(b, a, true) + R"("},{"v1Compatibility":")" + v1(b, a, true) + R"("},{"v1Compatibility":")" + v1(a, "") + R"("}]})";
  auto r = parse_image(m, mt::docker_v2s1);
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->layers.size(), 2u);
  EXPECT_EQ(r->layers[0].digest.str(), k_d1);
  EXPECT_EQ(r->layers[1].digest.str(), k_d2);
  EXPECT_EQ(r->empty_layers, (std::vector<bool>{false, true}));
  EXPECT_EQ(r->tag, "t");
  // Serialized back (unsigned payload, newest first, Go field order).
  EXPECT_EQ(serialize(*r), R"({"name":"n","tag":"t","architecture":"amd64","fsLayers":[{"blobSum":")" + k_d2 + R"("},{"blobSum":")" +
                               k_d1 + R"("}],"history":[{"v1Compatibility":")" + v1(b, a, true) + R"("},{"v1Compatibility":")" +
                               v1(a, "") + R"("}],"schemaVersion":1})");

  std::string bad_parent = R"({"schemaVersion":1,"fsLayers":[{"blobSum":")" + k_d1 + R"("}],"history":[{"v1Compatibility":")" + v1(a, b) + R"("}]})";
  EXPECT_EQ(parse_image(bad_parent, mt::docker_v2s1).error().what(), "Invalid parent ID in the base layer of the image");
  std::string bad_id = R"({"schemaVersion":1,"fsLayers":[{"blobSum":")" + k_d1 + R"("}],"history":[{"v1Compatibility":")" + v1("x", "") + R"("}]})";
  EXPECT_EQ(parse_image(bad_id, mt::docker_v2s1).error().what(), R"(image ID "x" is invalid)");
  EXPECT_EQ(parse_image(R"({"schemaVersion":1,"fsLayers":[],"history":[]})", mt::docker_v2s1).error().what(), "no FSLayers in manifest");
}

TEST(Serialize, OciFieldOrder) {
  // §10: manifest schemaVersion, mediaType, artifactType, config, layers, subject,
  // annotations; descriptor mediaType, digest, size, urls, annotations, data, platform, artifactType.
  std::string in = R"({"annotations":{"z":"1","a":"<&>"},"subject":{"size":3,"digest":")" + k_d2 +
                   R"(","mediaType":"application/vnd.oci.image.manifest.v1+json"},"layers":[{"urls":["http://x"],"size":5,"digest":")" + k_d1 +
                   R"(","mediaType":"application/vnd.oci.image.layer.v1.tar","data":"aGk=","annotations":{"k":"v"}}],"config":{"size":2,"digest":")" + k_d2 +
                   R"(","mediaType":"application/vnd.oci.image.config.v1+json","artifactType":"t/x","platform":{"variant":"v8","os":"linux","architecture":"arm64","os.features":["f"]}},"artifactType":"a/b","schemaVersion":2})";
  auto m = parse_image(in, mt::oci_manifest);
  ASSERT_TRUE(m) << m.error().what();
  EXPECT_EQ(serialize(*m), R"({"schemaVersion":2,"artifactType":"a/b","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + k_d2 +
                               R"(","size":2,"platform":{"architecture":"arm64","os":"linux","os.features":["f"],"variant":"v8"},"artifactType":"t/x"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + k_d1 +
                               R"(","size":5,"urls":["http://x"],"annotations":{"k":"v"},"data":"aGk="}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + k_d2 +
                               R"(","size":3},"annotations":{"a":"\u003c\u0026\u003e","z":"1"}})");
}

TEST(Serialize, DockerListAndOciIndex) {
  std::string list = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" + k_d1 +
                     R"(","size":7,"annotations":{"x":"y"},"platform":{"architecture":"arm","os":"linux","variant":"v7","features":["sse4"],"os.version":"1"}}]})";
  auto l = parse_list(list, mt::docker_list);
  ASSERT_TRUE(l) << l.error().what();
  EXPECT_EQ(serialize(*l), R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":7,"digest":")" + k_d1 +
                               R"(","platform":{"architecture":"arm","os":"linux","os.version":"1","variant":"v7","features":["sse4"]}}]})");
  auto oci = convert_list(*l, mt::oci_index);
  ASSERT_TRUE(oci);
  EXPECT_EQ(serialize(*oci), R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" + k_d1 +
                                 R"(","size":7,"platform":{"architecture":"arm","os":"linux","os.version":"1","variant":"v7"}}]})");
  // An index read without mediaType gets one when edited (OCI1IndexPublicFromManifest).
  auto idx = parse_list(R"({"schemaVersion":2,"manifests":[{"mediaType":"m","digest":")" + k_d1 + R"(","size":1}]})", mt::oci_index);
  ASSERT_TRUE(idx);
  EXPECT_EQ(serialize(*idx), R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"m","digest":")" + k_d1 + R"(","size":1}]})");
  // A platform-less OCI entry becomes the host platform in a Docker list.
  auto back = convert_list(*idx, mt::docker_list);
  ASSERT_TRUE(back);
  PlatformChoice host = detect_host_platform();
  EXPECT_EQ(back->manifests[0].platform->architecture, host.architecture);
  EXPECT_EQ(back->manifests[0].platform->os, "linux");
  EXPECT_EQ(convert_list(*idx, mt::docker_v2s2).error().what(),
            R"(Can not convert manifest list to MIME type "application/vnd.docker.distribution.manifest.v2+json", which is not a list type)");
}

TEST(Platform, WantedVariants) {
  using V = std::vector<std::string>;
  EXPECT_EQ(wanted_variants({"linux", "arm", "v7"}), (V{"v7", "v6", "v5", ""}));
  EXPECT_EQ(wanted_variants({"linux", "arm", ""}), (V{"", "v8", "v7", "v6", "v5"}));
  EXPECT_EQ(wanted_variants({"linux", "arm64", "v8"}), (V{"v8", ""}));
  EXPECT_EQ(wanted_variants({"linux", "arm64", "v9"}), (V{"v9", ""}));
  EXPECT_EQ(wanted_variants({"linux", "amd64", ""}), (V{""}));
  // An overridden arch drops the host variant; an explicit variant is kept.
  EXPECT_EQ(host_platform("", "arm", "").variant, "");
  EXPECT_EQ(host_platform("", "", "v6").variant, "v6");
  EXPECT_EQ(host_platform("freebsd", "", "").os, "freebsd");
}

Descriptor entry(const std::string& digest, std::optional<Platform> p, bool zstd = false) {
  Descriptor d;
  d.media_type = mt::oci_manifest;
  d.digest = *Digest::parse(digest);
  d.size = 1;
  d.platform = std::move(p);
  if (zstd) d.annotations["io.github.containers.compression.zstd"] = "true";
  return d;
}

TEST(Platform, OciIndexRanking) {
  std::string d3 = "sha256:" + std::string(64, 'c'), d4 = "sha256:" + std::string(64, 'd');
  Platform arm7{"arm", "linux", "", {}, "v7", {}}, arm6{"arm", "linux", "", {}, "v6", {}};
  ManifestList l;
  l.media_type = mt::oci_index;
  l.manifests = {entry(k_d1, std::nullopt, true), entry(k_d2, arm6), entry(d3, arm7), entry(d4, arm7, true)};
  // Best platform rank first (v7 before v6 and platform-less), then zstd-annotated.
  EXPECT_EQ(choose_instance(l, {"linux", "arm", "v7"})->digest.str(), d4);
  // Only v6 and the platform-less entry match for v6: the platform match wins.
  EXPECT_EQ(choose_instance(l, {"linux", "arm", "v6"})->digest.str(), k_d2);
  // Nothing matches amd64 but the platform-less entry.
  EXPECT_EQ(choose_instance(l, {"linux", "amd64", ""})->digest.str(), k_d1);
  // A Docker list takes the first entry matching the best wanted variant, no zstd preference.
  ManifestList dl = l;
  dl.media_type = mt::docker_list;
  EXPECT_EQ(choose_instance(dl, {"linux", "arm", "v7"})->digest.str(), d3);
}

TEST(Convert, LayerMediaTypes) {
  EXPECT_EQ(*layer_media_type(mt::oci_manifest, mt::oci_layer, Compression::zstd), mt::oci_layer_zstd);
  EXPECT_EQ(*layer_media_type(mt::oci_manifest, mt::oci_layer_gzip, Compression::zstd_chunked), mt::oci_layer_zstd);
  EXPECT_EQ(*layer_media_type(mt::oci_manifest, mt::oci_layer_nd_gzip, std::nullopt), mt::oci_layer_nd);
  EXPECT_EQ(*layer_media_type(mt::docker_v2s2, mt::docker_layer, Compression::gzip), mt::docker_layer_gzip);
  EXPECT_EQ(*layer_media_type(mt::docker_v2s2, mt::docker_layer_foreign, std::nullopt), "application/vnd.docker.image.rootfs.foreign.diff.tar");
  auto e = layer_media_type(mt::docker_v2s2, mt::docker_layer_gzip, Compression::zstd);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), ErrorKind::unsupported);
  EXPECT_EQ(e.error().what(), R"(zstd compression is not supported for type "application/vnd.docker.image.rootfs.diff.tar.gzip")");
  EXPECT_EQ(layer_media_type(mt::oci_manifest, mt::oci_layer, Compression::bzip2).error().what(),
            R"(unknown compressed with algorithm bzip2 variant for type "application/vnd.oci.image.layer.v1.tar")");
  EXPECT_EQ(layer_media_type(mt::oci_manifest, "application/foo", Compression::gzip).error().what(),
            R"(unsupported MIME type for compression: "application/foo")");
  EXPECT_EQ(layer_media_type(mt::oci_manifest, "application/foo", std::nullopt).error().what(),
            R"(unsupported MIME type for decompression: "application/foo")");
  EXPECT_TRUE(can_change_layer_compression(mt::docker_v2s2, mt::docker_layer));
  EXPECT_FALSE(can_change_layer_compression(mt::oci_manifest, "application/foo"));
}

ImageManifest oci_with_layer(std::string_view layer_type) {
  ImageManifest m;
  m.media_type = mt::oci_manifest;
  m.config = entry(k_d2, std::nullopt);
  m.config->media_type = mt::oci_config;
  Descriptor l = entry(k_d1, std::nullopt);
  l.media_type = layer_type;
  m.layers.push_back(l);
  return m;
}

TEST(Convert, OciToSchema2Errors) {
  auto zstd = oci_with_layer(mt::oci_layer_zstd);
  auto r = convert_image(zstd, mt::docker_v2s2, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), R"(Error during manifest conversion: "application/vnd.oci.image.layer.v1.tar+zstd": zstd compression is not officially supported for docker images)");
  // Recompressing the zstd layer to gzip first makes the conversion possible (layerEditsOfOCIOnlyFeatures).
  LayerUpdate u{*Digest::parse(k_d2), 9, {}, {}, CompressionOp::compress, Compression::gzip};
  r = convert_image(zstd, mt::docker_v2s2, conv_input({}, {}, std::vector<LayerUpdate>{u}));
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->bytes, R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":")" + k_d2 +
                          R"("},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":9,"digest":")" + k_d2 + R"("}]})");
  auto enc = convert_image(oci_with_layer("application/vnd.oci.image.layer.v1.tar+gzip+encrypted"), mt::docker_v2s2, {});
  EXPECT_EQ(enc.error().what(), R"(during manifest conversion: encrypted layers ("application/vnd.oci.image.layer.v1.tar+gzip+encrypted") are not supported in docker images)");
  auto artifact = oci_with_layer(mt::oci_layer);
  artifact.config->media_type = "application/vnd.example+json";
  EXPECT_EQ(convert_image(artifact, mt::docker_v2s2, {}).error().what(),
            R"(unsupported image-specific operation on artifact with type "application/vnd.example+json")");
  // Compressing a v2s2 layer to zstd is impossible: the copy engine tries another type.
  ImageManifest s2;
  s2.media_type = mt::docker_v2s2;
  s2.config = entry(k_d2, std::nullopt);
  s2.layers = {entry(k_d1, std::nullopt)};
  s2.layers[0].media_type = mt::docker_layer;
  u.algorithm = Compression::zstd;
  auto z = convert_image(s2, "", conv_input({}, {}, std::vector<LayerUpdate>{u}));
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error().kind(), ErrorKind::unsupported);
  EXPECT_EQ(z.error().what(), "preparing updated manifest, layer \"" + k_d2 +
                                  R"(": zstd compression is not supported for type "application/vnd.docker.image.rootfs.diff.tar")");
  EXPECT_EQ(update_layers(s2, {}).error().what(), "Error preparing updated manifest: layer count changed from 1 to 0");
}

TEST(Convert, UpdateInstancesAddsZstdAnnotation) {
  ManifestList l;
  l.media_type = mt::oci_index;
  l.manifests = {entry(k_d1, std::nullopt)};
  ASSERT_TRUE(update_instances(l, {InstanceUpdate{*Digest::parse(k_d2), 42, std::string(mt::oci_manifest), {Compression::zstd}, false}}));
  EXPECT_EQ(serialize(l), R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + k_d2 +
                              R"(","size":42,"annotations":{"io.github.containers.compression.zstd":"true"}}]})");
  EXPECT_EQ(update_instances(l, {InstanceUpdate{*Digest::parse(k_d2), -1, "m", {}, false}}).error().what(),
            "update 1 of 1 passed to OCI1Index.UpdateInstances had an invalid size (-1)");
}

} // namespace
} // namespace hoist::manifest
