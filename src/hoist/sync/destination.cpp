#include "hoist/sync/destination.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/manifest/manifest.hpp"
#include "hoist/registry/client.hpp"
#include "hoist/sync/naming.hpp"
#include "hoist/transport/docker/docker.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::sync {

namespace {

using reference::ImageName;

ImageName dir_name(const std::string& path) {
  ImageName out;
  out.transport = reference::Transport::dir;
  out.transport_name = "dir";
  out.details = path;
  out.path = path;
  return out;
}

Result<ImageName> cannot_obtain(const char* transport, const std::string& ref, const Error& err) {
  return fail(err.wrap(fmt::format("Cannot obtain a valid image reference for transport \"{}\" and reference {}",
                                   transport, go_quote(ref))));
}

bool file_has_size(const std::string& path, int64_t size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return size < 0 || st.st_size == size;
}

class DockerProbe final : public DestinationProbe {
public:
  DockerProbe(reference::DockerName name, const transport::Context& ctx) : m_name(std::move(name)), m_ctx(ctx) {}

  bool has_manifest(const Digest& digest) override {
    auto repo = repository();
    if (!repo) return false;
    std::string ref = m_name.digest ? m_name.digest->str() : m_name.tag;
    auto head = repo->head_manifest(ref);
    if (!head || !*head || !(*head)->docker_content_digest) return false;
    return *(*head)->docker_content_digest == digest;
  }

  bool has_blob(const Digest& digest, int64_t size) override {
    auto repo = repository();
    if (!repo) return false;
    auto found = repo->blob_exists(digest);
    return found && *found && (size < 0 || **found == size);
  }

private:
  std::shared_ptr<registry::Repository> repository() {
    if (!m_repo && !m_failed) {
      auto repo = transport::docker::open_repository(m_name, "pull", m_ctx);
      if (repo) m_repo = *repo;
      else m_failed = true;
    }
    return m_repo;
  }

  reference::DockerName m_name;
  transport::Context m_ctx;
  std::shared_ptr<registry::Repository> m_repo;
  bool m_failed = false;
};

class DirProbe final : public DestinationProbe {
public:
  explicit DirProbe(std::string path) : m_path(std::move(path)) {}
  bool has_manifest(const Digest& digest) override {
    if (!fs::exists(transport::go_join_path({m_path, "version"}))) return false;
    auto bytes = fs::read_file(transport::go_join_path({m_path, "manifest.json"}), 4u << 20);
    if (!bytes) return false;
    auto d = manifest::manifest_digest(*bytes, digest.algorithm());
    return d && *d == digest;
  }
  bool has_blob(const Digest& digest, int64_t size) override {
    return file_has_size(transport::go_join_path({m_path, digest.dir_name()}), size);
  }

private:
  std::string m_path;
};

class OciProbe final : public DestinationProbe {
public:
  OciProbe(std::string layout, std::string ref) : m_ref{std::move(layout), std::move(ref), -1} {}
  bool has_manifest(const Digest& digest) override {
    auto desc = named_descriptor();
    return desc && desc->digest == digest.str() && has_blob(digest, desc->size);
  }
  bool copied_from(const Digest& source) override;
  bool has_blob(const Digest& digest, int64_t size) override {
    return file_has_size(transport::oci::blob_path(m_ref, "", digest), size);
  }

private:
  std::optional<transport::oci::IndexDescriptor> named_descriptor() {
    if (!fs::exists(transport::oci::index_path(m_ref))) return std::nullopt;
    auto index = transport::oci::read_index(m_ref);
    if (!index) return std::nullopt;
    for (const auto& d : index->manifests) {
      auto it = d.annotations.find(std::string(transport::oci::k_ref_name_annotation));
      if (it != d.annotations.end() && it->second == m_ref.image) return d;
    }
    return std::nullopt;
  }
  transport::oci::LayoutRef m_ref;
};

// The recorded source of the named image, and the image itself still complete.
bool OciProbe::copied_from(const Digest& source) {
  auto state = read_state(m_ref.dir);
  auto it = state.find(m_ref.image);
  if (it == state.end() || !it->is_object() || it->value("source", "") != source.str()) return false;
  auto desc = named_descriptor();
  if (!desc || desc->digest != it->value("digest", "")) return false;
  auto digest = transport::oci::descriptor_digest(desc->digest);
  return digest && has_blob(*digest, desc->size);
}

} // namespace

std::string state_path(const std::string& layout) { return transport::go_join_path({layout, "hoist-sync.json"}); }

nlohmann::json read_state(const std::string& layout) {
  auto text = fs::read_file(state_path(layout), 16u << 20);
  if (!text) return nlohmann::json::object();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

Status record_oci_source(const ImageName& dest, const Digest& source) {
  transport::oci::LayoutRef ref{dest.path, dest.ref, -1};
  auto index = transport::oci::read_index(ref);
  if (!index) return fail(index.error());
  std::string digest;
  for (const auto& d : index->manifests) {
    auto it = d.annotations.find(std::string(transport::oci::k_ref_name_annotation));
    if (it != d.annotations.end() && it->second == dest.ref) digest = d.digest;
  }
  auto state = read_state(dest.path);
  state[dest.ref] = {{"source", source.str()}, {"digest", digest}};
  return fs::write_file_atomic(state_path(dest.path), state.dump(), 0644);
}

Result<ImageName> destination_for(const SourceImage& src, const Naming& naming) {
  std::string suffix = scope(src.suffix, naming.scoped);
  switch (naming.kind) {
  case DestKind::docker: {
    std::string text = "//" + destination_path(naming.destination, suffix, naming.append_suffix);
    auto parsed = reference::parse_docker_transport(text);
    if (!parsed) return cannot_obtain("docker", text, parsed.error());
    return *parsed;
  }
  case DestKind::dir:
    return dir_name(destination_path(naming.destination, suffix, naming.append_suffix));
  case DestKind::oci:
    break;
  }
  std::string ref = oci_ref_name(suffix, naming.append_suffix);
  std::string text = naming.destination + ":" + ref;
  if (naming.destination.find(':') != std::string::npos)
    return cannot_obtain("oci", text, Error(ErrorKind::invalid_input, "the layout path may not contain ':'"));
  auto parsed = reference::parse_image_name("oci:" + text);
  if (!parsed) return cannot_obtain("oci", text, parsed.error());
  return *parsed;
}

std::unique_ptr<DestinationProbe> make_probe(const ImageName& dest, const transport::Context& ctx) {
  if (dest.transport == reference::Transport::docker) return std::make_unique<DockerProbe>(*dest.docker, ctx);
  if (dest.transport == reference::Transport::oci) return std::make_unique<OciProbe>(dest.path, dest.ref);
  return std::make_unique<DirProbe>(dest.path);
}

} // namespace hoist::sync
