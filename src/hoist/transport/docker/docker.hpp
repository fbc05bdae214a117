// The docker:// transport: ImageSource / ImageDestination over the registry client, plus
// the registry-only operations the CLI needs (list-tags, delete, inspect's RepoTags).
// Both ends are thread-safe (get_blob / put_blob may run in parallel).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hoist/reference/docker.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/registry/client.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::transport::docker {

// Opens the image and reads its manifest (errors as c/image: "reading manifest latest in
// host/repo: manifest unknown", "pinging container registry …").
Result<SourcePtr> open_docker_source(const reference::DockerName& name, const Context& ctx);
// No network traffic until the first blob or manifest. `unknown_digest`: name@@unknown-digest@@.
Result<DestinationPtr> open_docker_destination(const reference::DockerName& name, bool unknown_digest,
                                               const Context& ctx);
// The same from a parsed "docker://…" image name (transport/all uses these).
Result<SourcePtr> open_docker_source(const reference::ImageName& name, const Context& ctx);
Result<DestinationPtr> open_docker_destination(const reference::ImageName& name, const Context& ctx);

// All tags of the repository in registry order (tags/list with Link pagination).
Result<std::vector<std::string>> list_tags(const reference::DockerName& name, const Context& ctx);
// skopeo delete: GET the manifest, DELETE it by digest.
Status delete_image(const reference::DockerName& name, const Context& ctx);
// inspect's RepoTags: list_tags(), but a registry refusing the listing (DENIED, or
// "404 page not found") gives [] after the warning "Registry disallows tag list
// retrieval; skipping"; other errors read "Error determining repository tags: …".
// nullopt when the registry refuses the tag list (warned, as skopeo does).
Result<std::optional<std::vector<std::string>>> repo_tags_for_inspect(const reference::DockerName& name,
                                                                     const Context& ctx);

// A registry repository with the credentials and TLS settings of `ctx`.
// `actions`: "pull", "pull,push" or "*".
Result<std::shared_ptr<registry::Repository>> open_repository(const reference::DockerName& name,
                                                               const std::string& actions, const Context& ctx);

} // namespace hoist::transport::docker
