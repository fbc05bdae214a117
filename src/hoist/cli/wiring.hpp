// The seam between the command handlers and the libraries below them (policy, transports,
// copy engine, registry retry). Libraries still being written are linked only when their
// target exists (HOIST_HAVE_* from CMake); until then these functions fail with a clear
// "not implemented" error instead of pretending to succeed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hoist/cli/command.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::cli {

// transports.ListNames() of the newest skopeo, as its help texts list them.
inline constexpr const char* k_transport_list =
    "containers-storage, dir, docker, docker-archive, docker-daemon, oci, oci-archive, sif, tarball";

// Everything `copy` decided from its flags.
struct CopyRequest {
  reference::ImageName src, dest;
  transport::Context src_ctx, dest_ctx;
  bool quiet = false;
  std::string multi_arch = "system"; // system | all | index-only
  std::string force_manifest_type;   // MIME type from --format
  bool preserve_digests = false;
  bool remove_signatures = false;
  int parallel_copies = 0;
  std::string compress_format;       // --dest-compress-format ("" = default)
  std::optional<int> compress_level;
  bool force_compress_format = false;
  bool precompute_digests = false;
};

// getPolicyContext's failure modes: "Error loading trust policy: …".
Status check_trust_policy_loads(const Globals& g);
// Opens destination then source ("initializing destination/source X: …"), runs the copy
// under --retry-times, returns the top-level manifest digest ("sha256:…").
Result<std::string> perform_copy(const Invocation& inv, const CopyRequest& req);
// The transport factory (transport::all::open_source), unwrapped errors.
Result<transport::SourcePtr> open_image_source(const reference::ImageName& name, const transport::Context& ctx);
// inspect's RepoTags: every tag of the repository; a registry that refuses tag listing
// (DENIED, "404 page not found") gives [] and the warning "Registry disallows tag list
// retrieval; skipping"; other failures are "Error determining repository tags: …".
Result<std::optional<std::vector<std::string>>> inspect_repo_tags(const reference::ImageName& ref,
                                                                 const transport::Context& ctx);
// list-tags on docker://: every tag of the repository, in registry order.
Result<std::vector<std::string>> list_docker_tags(const reference::DockerName& repo, const transport::Context& ctx);
// list-tags on docker-archive:: RepoTags of every manifest.json item, "@N" for untagged ones.
Result<std::vector<std::string>> list_archive_tags(const reference::ImageName& ref, const transport::Context& ctx);
// ImageReference.DeleteImage.
Status delete_image(const reference::ImageName& ref, const transport::Context& ctx);

struct LoginRequest {
  std::string key, registry; // "host/ns/repo" (or "host"), "host"
  std::string authfile, compat_authfile, cert_dir;
  std::string username, password;
  bool password_stdin = false, get_login = false, verbose = false;
  std::optional<bool> tls_verify;
};
// auth.Login after argument parsing (prompts, verification, storing, stdout texts).
Status perform_login(const Invocation& inv, const LoginRequest& req);
// auth.Logout after argument parsing; `all` = --all.
Status perform_logout(const Invocation& inv, const LoginRequest& req, bool all);
// retry.IfNecessary with --retry-times/--retry-delay from `ctx`.
Status with_retry(const transport::Context& ctx, const std::function<Status()>& op);

} // namespace hoist::cli
