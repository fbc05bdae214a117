// Reading an image from an OCI layout: the descriptor is chosen by ref.name annotation,
// by @N position, or as the only entry (c/image's getManifestDescriptor, same errors).
// Instance MIME types come from the top-level index.json, else from the bytes.
#include <fmt/format.h>

#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::oci {

namespace {

constexpr size_t k_manifest_limit = 64u << 20;

bool readable_type(std::string_view mime) {
  return mime == manifest::mt::oci_manifest || mime == manifest::mt::oci_index || mime == manifest::mt::docker_v2s2 ||
         mime == manifest::mt::docker_list;
}

// Go's %q of a []string: ["a" "b"].
std::string go_quote_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_quote(v[i]);
  return out + "]";
}

Result<IndexDescriptor> choose_descriptor(const LayoutRef& ref, const Index& index) {
  if (ref.source_index != -1) {
    if (static_cast<size_t>(ref.source_index) >= index.manifests.size())
      return fail(ErrorKind::invalid_input, fmt::format("index {} is too large, only {} entries available",
                                                        ref.source_index, index.manifests.size()));
    return index.manifests[static_cast<size_t>(ref.source_index)];
  }
  if (!ref.image.empty()) {
    std::vector<std::string> unsupported;
    for (const auto& d : index.manifests) {
      auto it = d.annotations.find(std::string(k_ref_name_annotation));
      if (it == d.annotations.end() || it->second != ref.image) continue;
      if (readable_type(d.media_type)) return d;
      unsupported.push_back(d.media_type);
    }
    if (!unsupported.empty())
      return fail(ErrorKind::unsupported, fmt::format("reference {} matches unsupported manifest MIME types {}",
                                                      go_quote(ref.image), go_quote_list(unsupported)));
    return fail(ErrorKind::manifest_unknown, fmt::format("no descriptor found for reference {}", go_quote(ref.image)));
  }
  if (index.manifests.size() != 1) return fail(ErrorKind::invalid_input, "more than one image in oci, choose an image");
  return index.manifests[0];
}

class OciSource final : public ImageSource {
public:
  OciSource(LayoutRef ref, Index index, IndexDescriptor desc, std::string shared)
      : m_ref(std::move(ref)), m_index(std::move(index)), m_desc(std::move(desc)), m_shared(std::move(shared)) {}

  std::string description() const override { return describe(m_ref); }

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
    TRY_ASSIGN(Digest digest, descriptor_digest(digest_text));
    TRY_ASSIGN(std::string bytes, fs::read_file(blob_path(m_ref, m_shared, digest), k_manifest_limit));
    if (mime.empty()) mime = manifest::guess_mime_type(bytes);
    return ManifestBytes{std::move(bytes), std::move(mime)};
  }

  // Beyond skopeo (which serializes dir:/oci: sources): every get_blob() opens its own
  // file descriptor and shares no state, so layers can be read in parallel.
  bool thread_safe_get_blob() const override { return true; }

  // Foreign-layer URLs are not fetched (c/image tries http(s) URLs first); the local
  // blob is read instead.
  Result<BlobStream> get_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not read a blob with unknown digest");
    TRY_ASSIGN(auto reader, fs::FileReader::open(blob_path(m_ref, m_shared, *info.digest)));
    auto size = static_cast<int64_t>(reader->size());
    return BlobStream{std::move(reader), size};
  }

private:
  LayoutRef m_ref;
  Index m_index;
  IndexDescriptor m_desc;
  std::string m_shared;
};

} // namespace

Result<SourcePtr> open_source(const LayoutRef& ref, const Context& ctx) {
  TRY_ASSIGN(Index index, read_index(ref));
  TRY_ASSIGN(IndexDescriptor desc, choose_descriptor(ref, index));
  return SourcePtr(std::make_unique<OciSource>(ref, std::move(index), std::move(desc), ctx.shared_blob_dir.value_or("")));
}

} // namespace hoist::transport::oci
