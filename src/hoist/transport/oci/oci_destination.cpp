// Writing an image into an OCI layout. Blobs (manifests included) are content-addressed
// and go through a temporary file and rename(2), so they can be written beside the
// images already there. The index changes only at commit: index.json is re-read (another
// writer may have added an image since we opened it), our descriptor is added with
// c/image's naming rules, and the result replaces the file atomically.
#include <cerrno>
#include <mutex>
#include <sys/stat.h>

#include <fmt/format.h>

#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/util/fs.hpp"

namespace hoist::transport::oci {

namespace {

constexpr std::string_view k_temp_prefix = "oci-put-blob";
constexpr std::string_view k_layout_json = R"({"imageLayoutVersion":"1.0.0"})";

class OciDestination final : public ImageDestination {
public:
  OciDestination(LayoutRef ref, std::string shared, bool accept_uncompressed)
      : m_ref(std::move(ref)), m_shared(std::move(shared)), m_accept_uncompressed(accept_uncompressed) {}

  std::string description() const override { return describe(m_ref); }
  std::vector<std::string> supported_manifest_types() const override {
    return {std::string(manifest::mt::oci_manifest), std::string(manifest::mt::oci_index)};
  }
  std::string signatures_unsupported_reason() const override {
    return "Pushing signatures for OCI images is not supported";
  }
  LayerCompression desired_layer_compression() const override {
    return m_accept_uncompressed ? LayerCompression::preserve : LayerCompression::compress;
  }
  bool thread_safe_put_blob() const override { return true; }
  bool accepts_foreign_layer_urls() const override { return true; }

  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not check for a blob with unknown digest");
    std::string path = blob_path(m_ref, m_shared, *info.digest);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return false;
      return fail(fs::os_error("stat", path, errno));
    }
    // A blob whose size differs is not reused: without fsync a power loss can leave a
    // renamed blob empty or truncated, and reusing it would reference broken data.
    return info.size < 0 || st.st_size == info.size;
  }

  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool) override {
    TRY_ASSIGN(auto tmp, fs::TempFile::create(temp_dir(), k_temp_prefix, 0644));
    std::optional<HashingReader> hashing;
    Reader* src = &stream;
    if (!info.digest) src = &hashing.emplace(stream, DigestAlgorithm::sha256);
    TRY_ASSIGN(uint64_t size, copy_stream(*src, tmp));
    Digest digest = info.digest ? *info.digest : hashing->digest();
    if (info.size != -1 && static_cast<int64_t>(size) != info.size)
      return fail(ErrorKind::invalid_input,
                  fmt::format("Size mismatch when copying {}, expected {}, got {}", digest.str(), info.size, size));
    std::string path = blob_path(m_ref, m_shared, digest);
    TRY(make_dirs_0755(path.substr(0, path.rfind('/'))));
    TRY(tmp.commit(path));
    BlobInfo out = info;
    out.digest = digest;
    out.size = static_cast<int64_t>(size);
    return out;
  }

  Status put_manifest(const std::string& bytes, const std::string& mime, const std::optional<Digest>& instance) override {
    Digest digest = instance ? *instance : Digest::of(bytes);
    std::string path = blob_path(m_ref, m_shared, digest);
    TRY(make_dirs_0755(path.substr(0, path.rfind('/'))));
    TRY(fs::write_file_atomic(path, bytes, 0644));
    if (instance) return {};
    IndexDescriptor desc;
    desc.digest = digest.str();
    desc.size = static_cast<int64_t>(bytes.size());
    if (!m_ref.image.empty()) desc.annotations[std::string(k_ref_name_annotation)] = m_ref.image;
    desc.media_type = manifest::guess_mime_type(bytes);
    if (desc.media_type.empty()) desc.media_type = mime;
    std::lock_guard lock(m_mutex);
    m_pending.push_back(std::move(desc));
    return {};
  }

  Status put_signatures(const std::vector<std::string>& sigs, const std::optional<Digest>&) override {
    if (sigs.empty()) return {};
    return fail(ErrorKind::unsupported, signatures_unsupported_reason());
  }

  Status commit() override {
    TRY(fs::write_file_atomic(layout_file_path(m_ref), k_layout_json, 0644));
    Index index = new_index();
    if (fs::exists(index_path(m_ref))) {
      TRY_ASSIGN(index, read_index(m_ref));
    }
    for (const auto& d : m_pending) add_manifest(index, d);
    return fs::write_file_atomic(index_path(m_ref), serialize_index(index), 0644);
  }

private:
  // Temporary files live where the blobs go, so rename(2) never crosses file systems.
  std::string temp_dir() const { return m_shared.empty() ? m_ref.dir : m_shared; }

  LayoutRef m_ref;
  std::string m_shared;
  bool m_accept_uncompressed;
  std::mutex m_mutex;
  std::vector<IndexDescriptor> m_pending;
};

} // namespace

Result<DestinationPtr> open_destination(const LayoutRef& ref, const Context& ctx) {
  if (ref.source_index != -1)
    return fail(ErrorKind::invalid_input,
                fmt::format("Destination reference must not contain a manifest index @{}", ref.source_index));
  // Like c/image, an unreadable index.json fails here, before anything is written.
  if (fs::exists(index_path(ref))) TRY(read_index(ref));
  TRY(make_dirs_0755(ref.dir));
  TRY(make_dirs_0755(go_join_path({ref.dir, "blobs"})));
  std::string shared = ctx.shared_blob_dir.value_or("");
  if (!shared.empty()) TRY(make_dirs_0755(shared));
  return DestinationPtr(std::make_unique<OciDestination>(ref, shared, ctx.oci_accept_uncompressed_layers));
}

} // namespace hoist::transport::oci
