// "transport:details" image names as skopeo's command line takes them
// (containers/image transports/alltransports.ParseImageName and each transport's
// ParseReference). Like Go, parsing resolves dir/oci/oci-archive/sif paths (the parent
// must exist) but opens nothing; `path` stays as typed. Error texts are the Go ones,
// unwrapped (the CLI adds skopeo's "Invalid source name X: " style prefixes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/digest/digest.hpp"
#include "hoist/reference/docker.hpp"
#include "hoist/util/result.hpp"

namespace hoist::reference {

enum class Transport {
  docker,
  dir,
  oci,
  oci_archive,
  docker_archive,
  docker_daemon,
  containers_storage,
  sif,
  tarball,
  atomic, // OpenShift; registered by the newest skopeo, unsupported by hoist
};

// The transport's name as typed on the command line ("oci-archive").
std::string_view transport_name(Transport t);

inline constexpr std::string_view k_unknown_digest_suffix = "@@unknown-digest@@";

struct ImageName {
  Transport transport = Transport::docker;
  std::string transport_name; // "docker", "oci-archive", …
  std::string details;        // the text after "transport:", verbatim

  // docker, docker-daemon (named), atomic: the normalized name. docker refs always
  // carry a tag or digest (":latest" added) unless unknown_digest is set.
  std::optional<DockerName> docker;
  bool unknown_digest = false;    // docker://NAME@@unknown-digest@@ (destination only)
  std::optional<Digest> image_id; // docker-daemon:sha256:HEX

  std::string path;          // dir, oci, oci-archive, docker-archive, sif, tarball: as typed
  std::string resolved_path; // dir, oci, oci-archive, sif: absolute, symlinks resolved (policy scope)
  std::string ref;                          // oci / oci-archive ref name ("" = none)
  std::optional<DockerName> archive_name;   // docker-archive NAME:TAG (always tagged)
  std::optional<int64_t> source_index;      // oci:PATH:@N, docker-archive:PATH:@N (sources only)

  // "transport:" + StringWithinTransport, as skopeo prints references in messages
  // ("docker://busybox:latest", "oci:/p:", "docker-archive:/p:docker.io/library/x:latest").
  std::string str() const;
};

// ParseImageName. Unknown transport, missing colon and every transport's syntax
// errors are reported with skopeo's texts.
Result<ImageName> parse_image_name(std::string_view text);

// The docker transport's ParseReference on the text after "docker:" ("//name…").
Result<ImageName> parse_docker_transport(std::string_view details);

} // namespace hoist::reference
