// Writing an image into an OCI layout. Blobs (manifests included) are content-addressed
// and go through a temporary file and rename(2), so they can be written beside the
// images already there. The index changes only at commit: index.json is re-read (another
// writer may have added an image since we opened it), our descriptor is added with
// c/image's naming rules, and the result replaces the file atomically.
//
// Temporary files are named `.tmp-oci-put-blob*` and live in blobs/<alg>/ beside their
// final names (rename(2) stays on one file system). A killed copy can leave one behind;
// opening a destination removes such files last modified before this process started.
#include <cerrno>
#include <ctime>
#include <dirent.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/util/fs.hpp"

namespace hoist::transport::oci {

namespace {

constexpr std::string_view k_temp_prefix = ".tmp-oci-put-blob";
constexpr std::string_view k_layout_json = R"({"imageLayoutVersion":"1.0.0"})";

class OciDestination final : public ImageDestination {
public:
  OciDestination(LayoutRef ref, std::string shared, bool accept_uncompressed)
      : m_ref(std::move(ref)), m_shared(std::move(shared)), m_accept_uncompressed(accept_uncompressed) {}

  std::string description() const override { return describe(m_ref); }
  std::vector<std::string> supported_manifest_types() const override { return destination_manifest_types(); }
  std::string signatures_unsupported_reason() const override { return std::string(k_signatures_unsupported); }
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
    std::string dir = alg_dir(info.digest ? info.digest->algorithm_name() : std::string_view("sha256"));
    TRY(make_dirs_0755(dir));
    TRY_ASSIGN(auto tmp, fs::TempFile::create(dir, k_temp_prefix, 0644));
    std::optional<HashingReader> hashing;
    Reader* src = &stream;
    if (!info.digest) src = &hashing.emplace(stream, DigestAlgorithm::sha256);
    TRY_ASSIGN(uint64_t size, copy_stream(*src, tmp));
    Digest digest = info.digest ? *info.digest : hashing->digest();
    if (info.size != -1 && static_cast<int64_t>(size) != info.size)
      return fail(ErrorKind::invalid_input,
                  fmt::format("Size mismatch when copying {}, expected {}, got {}", digest.str(), info.size, size));
    std::string path = blob_path(m_ref, m_shared, digest);
    if (!info.digest) TRY(make_dirs_0755(path.substr(0, path.rfind('/'))));
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
    TRY_ASSIGN(auto tmp, fs::TempFile::create(path.substr(0, path.rfind('/')), k_temp_prefix, 0644));
    TRY(tmp.write(as_bytes(bytes)));
    TRY(tmp.commit(path));
    if (instance) return {};
    IndexDescriptor desc = manifest_descriptor(bytes, mime, digest.str(), m_ref.image);
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
  std::string alg_dir(std::string_view alg) const { return go_join_path({blob_root(m_ref, m_shared), std::string(alg)}); }

  LayoutRef m_ref;
  std::string m_shared;
  bool m_accept_uncompressed;
  std::mutex m_mutex;
  std::vector<IndexDescriptor> m_pending;
};

// Removes `.tmp-oci-put-blob*` files in blobs/*/ last modified before `start` (left by
// killed copies; a concurrent writer's file is newer). Failures are ignored.
void remove_stale_temp_files(const std::string& root, const timespec& start) {
  DIR* d = ::opendir(root.c_str());
  if (!d) return;
  std::vector<std::string> algs;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") algs.emplace_back(n);
  }
  ::closedir(d);
  for (const auto& alg : algs) {
    std::string dir = go_join_path({root, alg});
    DIR* ad = ::opendir(dir.c_str());
    if (!ad) continue;
    std::vector<std::string> stale;
    while (dirent* e = ::readdir(ad)) {
      std::string_view n = e->d_name;
      if (!n.starts_with(k_temp_prefix)) continue;
      std::string path = go_join_path({dir, std::string(n)});
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      bool older = st.st_mtim.tv_sec < start.tv_sec ||
                   (st.st_mtim.tv_sec == start.tv_sec && st.st_mtim.tv_nsec < start.tv_nsec);
      if (older) stale.push_back(std::move(path));
    }
    ::closedir(ad);
    for (const auto& p : stale) ::unlink(p.c_str());
  }
}

const timespec& run_start() {
  static const timespec start = [] {
    timespec t {};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return t;
  }();
  return start;
}

} // namespace

std::vector<std::string> destination_manifest_types() {
  return {std::string(manifest::mt::oci_manifest), std::string(manifest::mt::oci_index)};
}

// Called early (static initialization) so that "run start" is the process start.
[[maybe_unused]] static const timespec& g_run_start = run_start();

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
  remove_stale_temp_files(blob_root(ref, shared), run_start());
  return DestinationPtr(std::make_unique<OciDestination>(ref, shared, ctx.oci_accept_uncompressed_layers));
}

} // namespace hoist::transport::oci
