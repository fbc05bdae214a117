// docker:// source and destination (c/image docker_image_src.go / docker_image_dest.go).
#include "hoist/transport/docker/docker.hpp"

#include <fmt/format.h>

#include <mutex>
#include <set>

#include "hoist/auth/credentials.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/registry/errors.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::docker {

namespace {

using registry::Repository;

// --command-timeout counts from the first registry use of the process.
std::optional<http::Clock::time_point> deadline_for(const Context& ctx) {
  static const auto start = http::Clock::now();
  if (ctx.command_timeout.count() <= 0) return std::nullopt;
  return start + ctx.command_timeout;
}

std::string tag_or_digest(const reference::DockerName& name) {
  if (name.digest) return name.digest->str();
  return name.tag.empty() ? std::string(reference::k_default_tag) : name.tag;
}

class DockerSource final : public ImageSource {
public:
  DockerSource(reference::DockerName name, std::shared_ptr<Repository> repo)
      : m_name(std::move(name)), m_repo(std::move(repo)) {}

  Status load() {
    TRY_ASSIGN(auto m, m_repo->get_manifest(tag_or_digest(m_name)));
    m_manifest = ManifestBytes{std::move(m.bytes), manifest::normalize_registry_mime(m.content_type)};
    return {};
  }

  std::string description() const override { return "docker://" + m_name.str(); }
  std::string docker_reference_name() const override { return m_name.name(); }
  bool thread_safe_get_blob() const override { return true; }

  Result<ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    if (!instance) return m_manifest;
    TRY_ASSIGN(auto m, m_repo->get_manifest(instance->str()));
    return ManifestBytes{std::move(m.bytes), manifest::normalize_registry_mime(m.content_type)};
  }

  Result<BlobStream> get_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "internal error: blob without a digest");
    TRY_ASSIGN(auto blob, m_repo->get_blob(*info.digest, info.urls));
    return BlobStream{std::move(blob.reader), blob.size};
  }

private:
  reference::DockerName m_name;
  std::shared_ptr<Repository> m_repo;
  ManifestBytes m_manifest;
};

class DockerDestination final : public ImageDestination {
public:
  DockerDestination(reference::DockerName name, bool unknown_digest, std::shared_ptr<Repository> repo)
      : m_name(std::move(name)), m_unknown_digest(unknown_digest), m_repo(std::move(repo)) {}

  std::string description() const override {
    return "docker://" + (m_unknown_digest ? m_name.name() + std::string(reference::k_unknown_digest_suffix) : m_name.str());
  }
  std::vector<std::string> supported_manifest_types() const override {
    using namespace manifest::mt;
    return {std::string(oci_manifest), std::string(docker_v2s2),        std::string(oci_index),
            std::string(docker_list),  std::string(docker_v2s1_signed), std::string(docker_v2s1)};
  }
  LayerCompression desired_layer_compression() const override { return LayerCompression::compress; }
  bool thread_safe_put_blob() const override { return true; }
  std::optional<reference::DockerName> docker_reference() const override {
    return m_unknown_digest ? m_name.repository() : m_name.with_default_tag();
  }

  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not check for a blob with unknown digest");
    if (info.known_at_source && mountable(info) && mount(info)) return true;
    TRY_ASSIGN(auto size, m_repo->blob_exists(*info.digest));
    if (size) return true;
    TRY_ASSIGN(bool mounted, try_mount(info));
    if (!mounted) remember_missing(*info.digest);
    return mounted;
  }

  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool is_config) override {
    bool used = false;
    auto once = [&]() -> Result<ReaderPtr> {
      if (used) return fail(ErrorKind::internal, "Reading data from an already terminated upload");
      used = true;
      return ReaderPtr(std::make_unique<BorrowedReader>(stream));
    };
    return upload(once, false, info, is_config);
  }

  Result<BlobInfo> put_blob_reopenable(const std::function<Result<ReaderPtr>()>& reopen, const BlobInfo& info,
                                       bool is_config) override {
    return upload(reopen, true, info, is_config);
  }

  Status put_manifest(const std::string& bytes, const std::string& mime,
                      const std::optional<Digest>& instance) override {
    std::string ref;
    if (m_unknown_digest) {
      TRY_ASSIGN(auto d, manifest::manifest_digest(bytes));
      ref = d.str();
    } else if (instance) {
      TRY_ASSIGN(auto d, manifest::manifest_digest(bytes));
      if (d != *instance)
        return fail(ErrorKind::invalid_input,
                    fmt::format("Attempted to PutManifest using an explicitly specified digest (\"{}\") that didn't "
                                "match the manifest's digest (\"{}\")",
                                instance->str(), d.str()));
      ref = instance->str();
    } else {
      ref = tag_or_digest(m_name);
    }
    (void)mime; // c/image sends the type guessed from the bytes
    return m_repo->put_manifest(ref, bytes, manifest::guess_mime_type(bytes));
  }

  Status commit() override { return {}; }

private:
  Result<BlobInfo> upload(const std::function<Result<ReaderPtr>()>& source, bool reopenable, const BlobInfo& info,
                          bool) {
    // c/image asks again here; a blob try_reuse_blob just found missing is not asked twice.
    if (info.digest && !forget_missing(*info.digest)) {
      TRY_ASSIGN(auto size, m_repo->blob_exists(*info.digest));
      if (size) return reused(info, *size);
    }
    TRY_ASSIGN(auto done, m_repo->upload_blob(source, reopenable, info.size, info.digest));
    BlobInfo out = info;
    out.digest = done.digest;
    out.size = done.size;
    return out;
  }

  static BlobInfo reused(const BlobInfo& info, int64_t size) {
    BlobInfo out = info;
    out.size = size;
    return out;
  }

  bool mountable(const BlobInfo& info) const {
    return info.source_registry == m_name.domain && !info.source_repository.empty() &&
           info.source_repository != m_name.path;
  }

  // A blob of another repository on the same registry: HEAD there, then mount.
  Result<bool> try_mount(const BlobInfo& info) {
    if (!mountable(info)) return false;
    std::string other_name = info.source_registry + "/" + info.source_repository;
    auto exists = m_repo->blob_exists_in(other_name, info.source_repository, *info.digest);
    if (!exists || !*exists) {
      if (!exists) log::debug(fmt::format("... Failed: {}", exists.error().what()));
      return false;
    }
    return mount(info);
  }

  bool mount(const BlobInfo& info) {
    std::string other_name = info.source_registry + "/" + info.source_repository;
    if (auto st = m_repo->mount_blob(other_name, info.source_repository, *info.digest); !st) {
      log::debug(fmt::format("... Mount failed: {}", st.error().what()));
      return false;
    }
    return true;
  }

  void remember_missing(const Digest& digest) {
    std::lock_guard lock(m_missing_mutex);
    m_missing.insert(digest.str());
  }
  bool forget_missing(const Digest& digest) {
    std::lock_guard lock(m_missing_mutex);
    return m_missing.erase(digest.str()) > 0;
  }

  reference::DockerName m_name;
  bool m_unknown_digest;
  std::shared_ptr<Repository> m_repo;
  std::mutex m_missing_mutex;
  std::set<std::string> m_missing; // checked by try_reuse_blob and absent: upload without a HEAD
};

} // namespace

Result<std::shared_ptr<Repository>> open_repository(const reference::DockerName& name, const std::string& actions,
                                                    const Context& ctx) {
  auth::LookupOptions lookup;
  lookup.authfile = ctx.authfile;
  lookup.no_creds = ctx.no_creds;
  if (ctx.username) lookup.explicit_creds = auth::Credentials{*ctx.username, ctx.password.value_or(""), ""};
  auto creds = auth::lookup(lookup, name.domain, name.path);
  if (!creds) return fail(creds.error().wrap("getting username and password"));

  registry::HostConfig host;
  host.registry = name.domain;
  host.tls.verify = ctx.tls_verify.value_or(true);
  host.tls.cert_dir = ctx.cert_dir ? *ctx.cert_dir : registry::default_cert_dir(name.domain);
  TRY(http::check_cert_dir(host.tls.cert_dir));
  host.user_agent = ctx.user_agent;
  registry::Session session;
  session.creds = *creds;
  session.registry_token = ctx.registry_token.value_or("");
  session.retry = registry::RetryOptions{ctx.retry_times, ctx.retry_delay};
  session.deadline = deadline_for(ctx);
  return std::make_shared<Repository>(registry::Client::get(host), name.name(), name.path, actions,
                                      std::move(session));
}

Result<SourcePtr> open_docker_source(const reference::DockerName& name, const Context& ctx) {
  TRY_ASSIGN(auto repo, open_repository(name, "pull", ctx));
  auto src = std::make_unique<DockerSource>(name, std::move(repo));
  TRY(src->load());
  return SourcePtr(std::move(src));
}

Result<DestinationPtr> open_docker_destination(const reference::DockerName& name, bool unknown_digest,
                                               const Context& ctx) {
  TRY_ASSIGN(auto repo, open_repository(name, "pull,push", ctx));
  return DestinationPtr(std::make_unique<DockerDestination>(name, unknown_digest, std::move(repo)));
}

Result<SourcePtr> open_docker_source(const reference::ImageName& name, const Context& ctx) {
  if (name.unknown_digest || !name.docker)
    return fail(ErrorKind::invalid_input,
                fmt::format("reading images from docker: reference \"{}\" without a tag or digest is not supported",
                            name.details));
  return open_docker_source(*name.docker, ctx);
}

Result<DestinationPtr> open_docker_destination(const reference::ImageName& name, const Context& ctx) {
  if (!name.docker) return fail(ErrorKind::internal, "internal error: docker image name without a reference");
  return open_docker_destination(*name.docker, name.unknown_digest, ctx);
}

Result<std::vector<std::string>> list_tags(const reference::DockerName& name, const Context& ctx) {
  auto repo = open_repository(name, "pull", ctx);
  if (!repo) return fail(repo.error().wrap("failed to create client"));
  return (*repo)->list_tags();
}

Status delete_image(const reference::DockerName& name, const Context& ctx) {
  TRY_ASSIGN(auto repo, open_repository(name, "*", ctx));
  Repository::Call get;
  get.target = fmt::format("/v2/{}/manifests/{}", name.path, tag_or_digest(name));
  get.headers = registry::manifest_accept_headers();
  TRY_ASSIGN(auto resp, repo->send_buffered(get));
  if (resp.status == 404)
    return fail(ErrorKind::not_found, fmt::format("Unable to delete {}. Image may not exist or is not stored with a "
                                                  "v2 Schema in a v2 registry",
                                                  name.str()));
  if (resp.status != 200) return fail(registry::response_to_error(resp).wrap("deleting " + name.str()));
  TRY_ASSIGN(auto digest, manifest::manifest_digest(resp.body));
  return repo->delete_manifest(digest, name.str());
}

Result<std::optional<std::vector<std::string>>> repo_tags_for_inspect(const reference::DockerName& name,
                                                                     const Context& ctx) {
  auto tags = list_tags(name, ctx);
  if (tags) return std::optional<std::vector<std::string>>(std::move(*tags));
  const Error& e = tags.error();
  bool refused = e.registry_code == "DENIED" ||
                 (e.registry_code == "UNKNOWN" && ends_with(e.what(), ": unknown: 404 page not found"));
  if (!refused) return fail(e.wrap("Error determining repository tags"));
  log::warning("Registry disallows tag list retrieval; skipping");
  return std::nullopt; // skopeo keeps GetRepositoryTags' nil: "RepoTags": null
}

} // namespace hoist::transport::docker
