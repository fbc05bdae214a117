// Reading an image from an oci-archive: in place, through the tar index.
#include <fmt/format.h>

#include "hoist/archive/archive_file.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/transport/oci_archive/oci_archive.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::oci_archive {

namespace {

constexpr size_t k_manifest_limit = 64u << 20;
constexpr size_t k_index_limit = 64u << 20;

bool readable_type(std::string_view mime) {
  return mime == manifest::mt::oci_manifest || mime == manifest::mt::oci_index || mime == manifest::mt::docker_v2s2 ||
         mime == manifest::mt::docker_list;
}

std::string go_quote_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_quote(v[i]);
  return out + "]";
}

std::string blob_member(const Digest& d) { return fmt::format("blobs/{}/{}", d.algorithm_name(), d.hex()); }

class OciArchiveSource final : public ImageSource {
public:
  OciArchiveSource(std::string description, archive::TarIndex tar, oci::Index index, oci::IndexDescriptor desc,
                   std::string shared)
      : m_description(std::move(description)), m_tar(std::move(tar)), m_index(std::move(index)),
        m_desc(std::move(desc)), m_shared(std::move(shared)) {}

  std::string description() const override { return m_description; }
  bool thread_safe_get_blob() const override { return true; }

  Result<ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    std::string digest_text = instance ? instance->str() : m_desc.digest;
    std::string mime = instance ? std::string() : m_desc.media_type;
    if (instance) {
      for (const auto& d : m_index.manifests)
        if (d.digest == digest_text) {
          mime = d.media_type;
          break;
        }
    }
    TRY_ASSIGN(Digest digest, oci::descriptor_digest(digest_text));
    TRY_ASSIGN(auto reader, open_blob(digest));
    TRY_ASSIGN(std::string bytes, read_all(*reader.reader, k_manifest_limit));
    if (mime.empty()) mime = manifest::guess_mime_type(bytes);
    return ManifestBytes{std::move(bytes), std::move(mime)};
  }

  Result<BlobStream> get_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not read a blob with unknown digest");
    return open_blob(*info.digest);
  }

private:
  // Blobs are members of the archive, or files of --shared-blob-dir when one is given.
  Result<BlobStream> open_blob(const Digest& d) {
    if (!m_shared.empty()) {
      TRY_ASSIGN(auto file, fs::FileReader::open(go_join_path({m_shared, d.algorithm_name(), d.hex()})));
      auto size = static_cast<int64_t>(file->size());
      return BlobStream{std::move(file), size};
    }
    std::string member = blob_member(d);
    auto entry = m_tar.resolve(member);
    if (!entry) return fail(entry.error().wrap(fmt::format("reading {} from {}", member, m_description)));
    return BlobStream{m_tar.open_entry(**entry), static_cast<int64_t>((*entry)->size)};
  }

  std::string m_description;
  archive::TarIndex m_tar;
  oci::Index m_index;
  oci::IndexDescriptor m_desc;
  std::string m_shared;
};

Result<archive::TarIndex> open_tar(const std::string& path, const Context& ctx) {
  if (!fs::exists(path)) {
    std::string resolved = resolve_path_explicit(path);
    return fail(Error(ErrorKind::not_found, fmt::format("archive file not found: {}", go_quote(resolved)))
                    .wrap("creating temp directory"));
  }
  auto tar = archive::open_archive(path, ctx.tmpdir);
  if (!tar) return fail(tar.error().wrap(fmt::format("untarring file {}", go_quote(path))).wrap("creating temp directory"));
  return tar;
}

Result<oci::Index> read_index(const archive::TarIndex& tar) {
  auto bytes = tar.read("index.json", k_index_limit);
  if (!bytes) return fail(bytes.error().wrap("open index.json"));
  return oci::parse_index(*bytes);
}

} // namespace

Result<oci::IndexDescriptor> choose_descriptor(const oci::Index& index, const std::string& image) {
  if (image.empty()) {
    if (index.manifests.size() != 1) return fail(ErrorKind::invalid_input, "more than one image in oci, choose an image");
    return index.manifests[0];
  }
  std::vector<std::string> unsupported;
  for (const auto& d : index.manifests) {
    auto it = d.annotations.find(std::string(oci::k_ref_name_annotation));
    if (it == d.annotations.end() || it->second != image) continue;
    if (readable_type(d.media_type)) return d;
    unsupported.push_back(d.media_type);
  }
  if (!unsupported.empty())
    return fail(ErrorKind::unsupported, fmt::format("reference {} matches unsupported manifest MIME types {}",
                                                    go_quote(image), go_quote_list(unsupported)));
  return fail(ErrorKind::manifest_unknown, fmt::format("no descriptor found for reference {}", go_quote(image)));
}

Result<SourcePtr> open_source(const reference::ImageName& name, const Context& ctx) {
  TRY_ASSIGN(archive::TarIndex tar, open_tar(name.path, ctx));
  TRY_ASSIGN(oci::Index index, read_index(tar));
  TRY_ASSIGN(oci::IndexDescriptor desc, choose_descriptor(index, name.ref));
  return SourcePtr(std::make_unique<OciArchiveSource>(name.str(), std::move(tar), std::move(index), std::move(desc),
                                                      ctx.shared_blob_dir.value_or("")));
}

} // namespace hoist::transport::oci_archive
