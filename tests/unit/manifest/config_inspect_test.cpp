// Config re-marshalling and inspect output details where the newest skopeo differs from
// the installed 1.9.3 (skopeo-compat.md §0, §3.1, §10): expectations from the spec.
#include <gtest/gtest.h>

#include "hoist/manifest/config.hpp"
#include "hoist/manifest/inspect.hpp"
#include "hoist/manifest/manifest.hpp"

namespace hoist::manifest {
namespace {

TEST(GoTime, Rfc3339NanoReformat) {
  EXPECT_EQ(*go_time_reformat("2024-01-02T03:04:05.000000000Z"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(*go_time_reformat("2024-01-02T03:04:05.120Z"), "2024-01-02T03:04:05.12Z");
  EXPECT_EQ(*go_time_reformat("2024-01-02T03:04:05.123456789123Z"), "2024-01-02T03:04:05.123456789Z");
  EXPECT_EQ(*go_time_reformat("2024-01-02T03:04:05+00:00"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(*go_time_reformat("2024-01-02T03:04:05.5-05:30"), "2024-01-02T03:04:05.5-05:30");
  EXPECT_FALSE(go_time_reformat("2024-02-30T03:04:05Z"));
  EXPECT_FALSE(go_time_reformat("2024-01-02 03:04:05Z"));
  EXPECT_FALSE(go_time_reformat("2024-01-02T03:04:05"));
}

TEST(OciConfig, NewestFieldOrderAndOmitzero) {
  // Platform is embedded in the newest v1.Image: architecture, os, os.version, os.features, variant.
  auto v = oci_config_from_docker(R"({"variant":"v8","os":"linux","architecture":"arm64","os.features":["a"],"os.version":"10","config":{"Env":[]},"container_config":{"Env":["x"]},"rootfs":{"type":"layers"}})");
  ASSERT_TRUE(v) << v.error().what();
  // "Env":[] makes the config struct non-zero, so it prints as {} (omitzero is per struct).
  EXPECT_EQ(*v, R"({"architecture":"arm64","os":"linux","os.version":"10","os.features":["a"],"variant":"v8","config":{},"rootfs":{"type":"layers","diff_ids":null}})");
  auto empty = oci_config_from_docker(R"({"architecture":"amd64","os":"linux","config":{"Hostname":"x","Env":null},"history":[{"created_by":"a"}]})");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, R"({"architecture":"amd64","os":"linux","rootfs":{"type":"","diff_ids":null},"history":[{"created_by":"a"}]})");
  auto bad = oci_config_from_docker(R"({"config":{"Cmd":"sh"}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "json: cannot unmarshal string into Go struct field Image.config.Cmd of type []string");
}

TEST(Inspect, NewestOutputWithLayersData) {
  InspectInput in;
  in.name = "docker.io/library/busybox";
  in.digest = Digest::of("m");
  in.repo_tags = {"1", "latest"};
  in.manifest_type = mt::oci_manifest;
  in.config.architecture = "amd64";
  in.config.os = "linux";
  Descriptor l;
  l.media_type = mt::oci_layer_gzip;
  l.digest = Digest::of("l");
  l.size = 12;
  Descriptor l2 = l;
  l2.annotations = {{"b", "2"}, {"a", "1"}};
  in.layers = {l, l2};
  std::string d = Digest::of("m").str(), ld = Digest::of("l").str();
  EXPECT_EQ(inspect_json(in), "{\n    \"Name\": \"docker.io/library/busybox\",\n    \"Digest\": \"" + d +
                                  "\",\n    \"RepoTags\": [\n        \"1\",\n        \"latest\"\n    ],\n    \"Created\": null,\n"
                                  "    \"DockerVersion\": \"\",\n    \"Labels\": null,\n    \"Architecture\": \"amd64\",\n    \"Os\": \"linux\",\n"
                                  "    \"Layers\": [\n        \"" + ld + "\",\n        \"" + ld + "\"\n    ],\n    \"LayersData\": [\n"
                                  "        {\n            \"MIMEType\": \"application/vnd.oci.image.layer.v1.tar+gzip\",\n            \"Digest\": \"" + ld +
                                  "\",\n            \"Size\": 12,\n            \"Annotations\": null\n        },\n"
                                  "        {\n            \"MIMEType\": \"application/vnd.oci.image.layer.v1.tar+gzip\",\n            \"Digest\": \"" + ld +
                                  "\",\n            \"Size\": 12,\n            \"Annotations\": {\n                \"a\": \"1\",\n                \"b\": \"2\"\n            }\n        }\n"
                                  "    ],\n    \"Env\": null\n}\n");
  in.manifest_type = mt::docker_v2s2; // schema2: a missing created is Go's zero time
  EXPECT_EQ(inspect_value(in)["Created"], "0001-01-01T00:00:00Z");
}

TEST(Inspect, RejectsArtifacts) {
  ImageManifest m;
  m.media_type = mt::oci_manifest;
  m.config = Descriptor{};
  m.config->media_type = "application/vnd.example.config+json";
  EXPECT_EQ(inspect_input(m, "{}").error().what(),
            R"(unsupported image-specific operation on artifact with type "application/vnd.example.config+json")");
  m.config->media_type = mt::docker_config;
  EXPECT_EQ(inspect_input(m, "{}").error().what(),
            R"(invalid mixed OCI image with Docker v2s2 config ("application/vnd.docker.container.image.v1+json"))");
}

} // namespace
} // namespace hoist::manifest
