// index.json of an OCI layout as c/image handles it: decoded into the image-spec Go
// structs (unknown keys dropped) and re-encoded with encoding/json, so an index we rewrite
// has exactly the bytes skopeo would write.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoist/util/result.hpp"

namespace hoist::transport::oci {

inline constexpr std::string_view k_ref_name_annotation = "org.opencontainers.image.ref.name";

struct IndexPlatform {
  std::string architecture, os, os_version, variant;
  std::vector<std::string> os_features;
};

struct IndexDescriptor {
  std::string media_type;
  std::string digest; // as written; validated only when used as a path
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::string data; // base64 text
  std::optional<IndexPlatform> platform;
  std::string artifact_type;
};

struct Index {
  int schema_version = 0;
  std::string media_type;
  std::string artifact_type;
  std::vector<IndexDescriptor> manifests;
  bool manifests_null = false; // Go nil slice → "null"
  std::shared_ptr<IndexDescriptor> subject;
  std::map<std::string, std::string> annotations;
};

// Decodes index.json bytes (json.Decoder into imgspecv1.Index).
Result<Index> parse_index(std::string_view bytes);
// json.Marshal of the index: compact, no trailing newline.
std::string serialize_index(const Index& index);
// A new, empty index as c/image creates it (schemaVersion 2, OCI index mediaType).
Index new_index();
// The index.json entry for a manifest written to a layout: its digest and size, the
// ref.name annotation when `image` is set, the media type guessed from the bytes (else `mime`).
IndexDescriptor manifest_descriptor(const std::string& bytes, const std::string& mime, const std::string& digest,
                                    const std::string& image);

// c/image's addManifest: a named entry takes the name from an older entry; an unnamed
// entry with the same digest is replaced; otherwise the descriptor is appended.
void add_manifest(Index& index, const IndexDescriptor& desc);

} // namespace hoist::transport::oci
