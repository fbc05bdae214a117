// Docker image names ("busybox", "quay.io/ns/img:tag", "reg:5000/x@sha256:…"), parsed
// and normalized exactly like containers/image's docker/reference.ParseNormalizedNamed,
// including its error texts, since skopeo prints those verbatim.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/digest/digest.hpp"
#include "hoist/util/result.hpp"

namespace hoist::reference {

inline constexpr std::string_view k_default_domain = "docker.io";
inline constexpr std::string_view k_default_tag = "latest";
inline constexpr size_t k_name_total_length_max = 255;

struct DockerName {
  std::string domain;  // "docker.io", "localhost:5000", "quay.io"
  std::string path;    // "library/busybox", "ns/img"
  std::string tag;     // "" when absent
  std::optional<Digest> digest;

  // "domain/path", e.g. "docker.io/library/busybox".
  std::string name() const;
  // name()[":" tag]["@" digest]: Go's reference String().
  std::string str() const;
  // name() without "docker.io/" and "library/" (FamiliarName).
  std::string familiar_name() const;
  // familiar_name()[":" tag]["@" digest] (FamiliarString), as skopeo shows docker:// refs.
  std::string familiar() const;
  // Host to contact: docker.io is served by registry-1.docker.io.
  std::string registry_host() const;
  // True when there is neither a tag nor a digest.
  bool name_only() const { return tag.empty() && !digest; }
  // A copy with tag "latest" when name_only() (TagNameOnly), else unchanged.
  DockerName with_default_tag() const;
  // A copy without tag and digest (the repository).
  DockerName repository() const;

  friend bool operator==(const DockerName&, const DockerName&) = default;
};

// ParseNormalizedNamed: "busybox" → docker.io/library/busybox; errors are
// distribution/reference's ("invalid reference format", …).
Result<DockerName> parse_normalized_named(std::string_view text);

// go-digest's Parse with its checks in the same order and the same texts
// ("invalid checksum digest format", "unsupported digest algorithm",
// "invalid checksum digest length"). sha384 is valid in Go but unsupported here.
Result<Digest> parse_go_digest(std::string_view text);

// Tag grammar `[\w][\w.-]{0,127}`.
bool is_valid_tag(std::string_view tag);

} // namespace hoist::reference
