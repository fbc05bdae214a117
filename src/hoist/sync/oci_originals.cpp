// `sync --dest oci` and Docker-format images. An OCI layout can only name OCI manifests
// (skopeo skips other media types in index.json), so the copy converts Docker images to
// OCI and their digests change. So that the air-gap round trip still lands the original
// digests, sync also stores the source's own manifest bytes (and the Docker config blobs
// they reference; the layers are shared) as extra blobs and records the top digest as
// "original" in LAYOUT/hoist-sync.json. `sync --src oci` then reads those bytes instead
// of the converted ones. Tools that know nothing of this see a plain OCI layout.
#include "hoist/sync/oci_originals.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/manifest/manifest.hpp"
#include "hoist/sync/destination.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/util/fs.hpp"

namespace hoist::sync {

namespace {

namespace mt = manifest::mt;
using transport::oci::LayoutRef;

constexpr size_t k_manifest_limit = 4u << 20;

bool is_docker_type(std::string_view mime) { return mime == mt::docker_v2s2 || mime == mt::docker_list; }

// The blobs one original needs: manifests (bytes in hand) and blobs to fetch or find.
struct Closure {
  std::vector<std::pair<Digest, std::string>> manifests;
  std::vector<manifest::Descriptor> configs;
  std::vector<Digest> layers;
};

Status add_image(const transport::ManifestBytes& m, Closure& out) {
  TRY_ASSIGN(auto parsed, manifest::parse_image(m.bytes, m.mime));
  TRY_ASSIGN(auto digest, manifest::manifest_digest(m.bytes));
  out.manifests.emplace_back(digest, m.bytes);
  if (parsed.config) out.configs.push_back(*parsed.config);
  for (const auto& l : parsed.layers) out.layers.push_back(l.digest);
  return {};
}

Result<std::optional<Closure>> closure_of(transport::ImageSource& src, const transport::ManifestBytes& top, bool all) {
  Closure c;
  if (top.mime == mt::docker_v2s2) {
    TRY(add_image(top, c));
    return std::optional<Closure>(std::move(c));
  }
  if (top.mime != mt::docker_list || !all) return std::optional<Closure>(); // a single instance was copied
  TRY_ASSIGN(auto list, manifest::parse_list(top.bytes, top.mime));
  TRY_ASSIGN(auto digest, manifest::manifest_digest(top.bytes));
  c.manifests.emplace_back(digest, top.bytes);
  for (const auto& inst : list.manifests) {
    TRY_ASSIGN(auto m, src.get_manifest(inst.digest));
    TRY(add_image(m, c));
  }
  return std::optional<Closure>(std::move(c));
}

Status write_blob_file(const LayoutRef& ref, const Digest& d, const std::string& bytes) {
  std::string path = transport::oci::blob_path(ref, "", d);
  if (fs::exists(path)) return {};
  return fs::write_file_atomic(path, bytes, 0644);
}

} // namespace

Status keep_original_manifests(transport::ImageSource& src, const reference::ImageName& dest, bool all) {
  TRY_ASSIGN(auto top, src.get_manifest(std::nullopt));
  if (!is_docker_type(top.mime)) return {};
  TRY_ASSIGN(auto closure, closure_of(src, top, all));
  if (!closure) return {};
  LayoutRef ref{dest.path, dest.ref, -1};
  for (const auto& l : closure->layers) {
    // A layer the copy changed (compressed for OCI) is not in the layout: no original then.
    if (!fs::exists(transport::oci::blob_path(ref, "", l))) return {};
  }
  for (const auto& cfg : closure->configs) {
    transport::BlobInfo info;
    info.digest = cfg.digest;
    info.size = cfg.size;
    TRY_ASSIGN(auto blob, src.get_blob(info));
    TRY_ASSIGN(auto bytes, read_all(*blob.reader, k_manifest_limit));
    if (Digest::of(bytes, cfg.digest.algorithm()) != cfg.digest)
      return fail(ErrorKind::digest_mismatch, fmt::format("config {} does not match its digest", cfg.digest.str()));
    TRY(write_blob_file(ref, cfg.digest, bytes));
  }
  for (const auto& [digest, bytes] : closure->manifests) TRY(write_blob_file(ref, digest, bytes));
  auto state = read_state(dest.path);
  state[dest.ref]["original"] = closure->manifests.front().first.str();
  return fs::write_file_atomic(state_path(dest.path), state.dump(), 0644);
}

namespace {

// An oci: source whose manifests are the recorded originals; blobs come from the layout.
class OriginalSource final : public transport::ImageSource {
public:
  OriginalSource(transport::SourcePtr inner, LayoutRef ref, std::string top)
      : m_inner(std::move(inner)), m_ref(std::move(ref)), m_top(std::move(top)) {}
  std::string description() const override { return m_inner->description(); }
  Result<transport::ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    if (!instance) return manifest_blob(m_top);
    return manifest_blob(instance->str());
  }
  Result<transport::BlobStream> get_blob(const transport::BlobInfo& info) override { return m_inner->get_blob(info); }
  Result<std::vector<std::string>> get_signatures(const std::optional<Digest>& instance) override {
    return m_inner->get_signatures(instance);
  }
  bool thread_safe_get_blob() const override { return m_inner->thread_safe_get_blob(); }

private:
  Result<transport::ManifestBytes> manifest_blob(const std::string& digest_text) {
    TRY_ASSIGN(auto d, Digest::parse(digest_text));
    TRY_ASSIGN(auto bytes, fs::read_file(transport::oci::blob_path(m_ref, "", d), k_manifest_limit));
    if (Digest::of(bytes, d.algorithm()) != d)
      return fail(ErrorKind::digest_mismatch, fmt::format("original manifest {} does not match its digest", d.str()));
    return transport::ManifestBytes{bytes, manifest::guess_mime_type(bytes)};
  }

  transport::SourcePtr m_inner;
  LayoutRef m_ref;
  std::string m_top;
};

} // namespace

transport::SourcePtr with_original_manifests(transport::SourcePtr src, const reference::ImageName& name) {
  if (name.transport != reference::Transport::oci) return src;
  auto state = read_state(name.path);
  auto it = state.find(name.ref);
  if (it == state.end() || !it->is_object() || !it->contains("original")) return src;
  std::string top = it->value("original", "");
  LayoutRef ref{name.path, name.ref, -1};
  auto d = Digest::parse(top);
  if (!d || !fs::exists(transport::oci::blob_path(ref, "", *d))) return src;
  return std::make_unique<OriginalSource>(std::move(src), ref, top);
}

} // namespace hoist::sync
