// Image configuration blobs (Docker container.image.v1 and OCI image config).
// skopeo never edits a config it copies, except when converting v2s2 → OCI: then c/image
// decodes the Docker config into the OCI `Image` struct and re-marshals it, dropping
// Docker-only keys, which gives a new config digest. `inspect --config` prints that same
// struct. Both are modelled here by decoding into the OCI struct with Go's rules
// (case-insensitive key match, unknown keys dropped, times re-formatted RFC3339Nano).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoist/util/result.hpp"

namespace hoist::manifest {

struct HistoryEntry {
  std::optional<std::string> created; // as written in the config
  std::string created_by, author, comment;
  bool empty_layer = false;
};

// The parts of a config that inspect and the copy engine need.
struct ImageConfig {
  std::optional<std::string> created; // raw JSON string value; nullopt if absent/null
  std::string author;
  std::string docker_version;
  std::string architecture, os, variant, os_version;
  std::optional<std::map<std::string, std::string>> labels; // nullopt: nil map (null)
  std::optional<std::vector<std::string>> env;              // nullopt: nil slice (null)
  std::vector<HistoryEntry> history;
  std::string rootfs_type;
  std::vector<std::string> diff_ids;
};

// Parses Docker or OCI config bytes (they share these keys). Errors as Go's decoder's.
Result<ImageConfig> parse_config(std::string_view bytes);

// The config decoded into the OCI v1 `Image` struct, §10 order (what c/image's
// OCIConfig() returns), as a JSON value for go_marshal* or --format templates.
Result<nlohmann::ordered_json> oci_image_value(std::string_view config_bytes);
// c/image's v2s2 → OCI config conversion: json.Marshal of oci_image_value().
Result<std::string> oci_config_from_docker(std::string_view docker_config_bytes);
// `skopeo inspect --config` output: MarshalIndent(4 spaces) + "\n".
Result<std::string> inspect_config_json(std::string_view config_bytes);

// Go time.Time JSON round trip: parse RFC3339 (as time.Time.UnmarshalJSON), print
// RFC3339Nano (trailing fractional zeros dropped, zone offset kept; "Z" for UTC).
Result<std::string> go_time_reformat(std::string_view rfc3339);
inline constexpr std::string_view go_zero_time = "0001-01-01T00:00:00Z";

} // namespace hoist::manifest
