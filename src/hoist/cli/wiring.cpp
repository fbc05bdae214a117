#include "hoist/cli/wiring.hpp"

#include <cstdio>

#include <fmt/format.h>

#ifdef HOIST_HAVE_COPY
#include "hoist/copy/copy.hpp"
#include "hoist/copy/policy.hpp"
#include "hoist/copy/progress.hpp"
#endif
#ifdef HOIST_HAVE_TRANSPORT_ALL
#include "hoist/transport/all/open.hpp"
#endif
#ifdef HOIST_HAVE_REGISTRY
#include "hoist/registry/retry.hpp"
#endif
#ifdef HOIST_HAVE_TRANSPORT_DOCKER
#include "hoist/transport/docker/docker.hpp"
#endif
#ifdef HOIST_HAVE_TRANSPORT_DOCKER_ARCHIVE
#include "hoist/transport/docker_archive/docker_archive.hpp"
#endif
#ifdef HOIST_HAVE_MANIFEST
#include "hoist/manifest/convert.hpp"
#include "hoist/manifest/manifest.hpp"
#endif

namespace hoist::cli {

namespace {

#ifdef HOIST_HAVE_COPY
std::optional<std::string> policy_path(const Globals& g) {
  if (g.policy.empty()) return std::nullopt;
  return g.policy;
}

Result<copy::PolicyCheck> policy_check(const Globals& g, const reference::ImageName& src) {
  copy::PolicyCheck check{copy::insecure_policy(), copy::policy_subject(src)};
  if (!g.insecure_policy) {
    auto policy = copy::load_policy(policy_path(g));
    if (!policy) return fail(policy.error().wrap("Error loading trust policy"));
    check.policy = std::move(*policy);
  }
  return check;
}

Result<std::optional<manifest::Compression>> compression_of(const std::string& name) {
  using manifest::Compression;
  if (name.empty()) return std::optional<Compression>();
  for (auto c : {Compression::gzip, Compression::zstd, Compression::zstd_chunked, Compression::bzip2, Compression::xz}) {
    if (manifest::compression_name(c) == name) return std::optional<Compression>(c);
  }
  return fail(ErrorKind::invalid_input, fmt::format("cannot find compressor for \"{}\"", name));
}

Result<copy::CopyOptions> copy_options(const Globals& g, const CopyRequest& req) {
  copy::CopyOptions o;
  TRY_ASSIGN(o.multi_arch, copy::parse_multi_arch(req.multi_arch));
  o.force_manifest_type = req.force_manifest_type;
  o.preserve_digests = req.preserve_digests;
  o.remove_signatures = req.remove_signatures;
  o.image_parallel_copies = req.parallel_copies;
  o.platform = manifest::host_platform(g.override_os, g.override_arch, g.override_variant);
  TRY_ASSIGN(o.compression, compression_of(req.compress_format));
  o.compression_level = req.compress_level;
  o.force_compression_format = req.force_compress_format;
  if (req.dest.docker && req.dest.docker->digest) o.dest_reference_digest = *req.dest.docker->digest;
  TRY_ASSIGN(auto check, policy_check(g, req.src));
  o.policy = std::move(check);
  if (g.command_timeout.count() > 0) o.deadline = std::chrono::steady_clock::now() + g.command_timeout;
  return o;
}
#endif

} // namespace

Status check_trust_policy_loads(const Globals& g) {
#ifdef HOIST_HAVE_COPY
  if (g.insecure_policy) return {};
  auto policy = copy::load_policy(policy_path(g));
  if (!policy) return fail(policy.error().wrap("Error loading trust policy"));
  return {};
#else
  if (g.insecure_policy) return {};
  return fail(not_implemented("trust policy evaluation"));
#endif
}

Status with_retry(const transport::Context& ctx, const std::function<Status()>& op) {
#ifdef HOIST_HAVE_REGISTRY
  registry::RetryOptions options;
  options.max_retry = ctx.retry_times;
  options.delay = ctx.retry_delay;
  return registry::retry_if_necessary(options, op);
#else
  (void)ctx;
  return op();
#endif
}

Result<transport::SourcePtr> open_image_source(const reference::ImageName& name, const transport::Context& ctx) {
#ifdef HOIST_HAVE_TRANSPORT_ALL
  return transport::all::open_source(name, ctx);
#else
  (void)name;
  (void)ctx;
  return fail(not_implemented("opening images"));
#endif
}

Result<std::string> perform_copy(const Invocation& inv, const CopyRequest& req) {
#if defined(HOIST_HAVE_COPY) && defined(HOIST_HAVE_TRANSPORT_ALL)
  TRY_ASSIGN(auto options, copy_options(inv.globals, req));
  auto progress = copy::make_progress(inv.out, req.quiet);
  std::string digest;
  TRY(with_retry(req.src_ctx, [&]() -> Status {
    auto dest = transport::all::open_destination(req.dest, req.dest_ctx);
    if (!dest) return fail(dest.error().wrap("initializing destination " + req.dest.str()));
    auto src = transport::all::open_source(req.src, req.src_ctx);
    if (!src) return fail(src.error().wrap("initializing source " + req.src.str()));
    TRY_ASSIGN(auto result, copy::copy_image(**src, **dest, options, *progress));
    digest = result.manifest_digest.str();
    return {};
  }));
  return digest;
#else
  (void)inv;
  (void)req;
  return fail(not_implemented("copy"));
#endif
}

} // namespace hoist::cli

namespace hoist::cli {

Result<std::optional<std::vector<std::string>>> inspect_repo_tags(const reference::ImageName& ref,
                                                                 const transport::Context& ctx) {
#ifdef HOIST_HAVE_TRANSPORT_DOCKER
  if (!ref.docker) return std::optional<std::vector<std::string>>(std::vector<std::string>());
  return transport::docker::repo_tags_for_inspect(*ref.docker, ctx);
#else
  (void)ref;
  (void)ctx;
  return fail(not_implemented("listing repository tags (use --no-tags)"));
#endif
}

} // namespace hoist::cli

namespace hoist::cli {

Result<std::vector<std::string>> list_docker_tags(const reference::DockerName& repo, const transport::Context& ctx) {
#ifdef HOIST_HAVE_TRANSPORT_DOCKER
  return transport::docker::list_tags(repo, ctx);
#else
  (void)repo;
  (void)ctx;
  return fail(not_implemented("listing docker:// tags"));
#endif
}

Result<std::vector<std::string>> list_archive_tags(const reference::ImageName& ref, const transport::Context& ctx) {
#ifdef HOIST_HAVE_TRANSPORT_DOCKER_ARCHIVE
  return transport::docker_archive::list_tags(ref, ctx);
#else
  (void)ref;
  (void)ctx;
  return fail(not_implemented("listing docker-archive: tags"));
#endif
}

Status delete_image(const reference::ImageName& ref, const transport::Context& ctx) {
  if (ref.transport != reference::Transport::docker) {
    return fail(ErrorKind::unsupported, fmt::format("Deleting images not implemented for {}: images", ref.transport_name));
  }
#ifdef HOIST_HAVE_TRANSPORT_DOCKER
  if (ref.docker) return transport::docker::delete_image(*ref.docker, ctx);
#else
  (void)ctx;
#endif
  return fail(not_implemented("deleting docker:// images"));
}

} // namespace hoist::cli
