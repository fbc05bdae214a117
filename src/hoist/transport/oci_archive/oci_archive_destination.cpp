// Writing an image to an oci-archive straight into the tar: every blob becomes a
// `blobs/<alg>/<hex>` member as it is copied, and index.json and oci-layout follow at
// commit. skopeo builds an oci: layout in a temporary directory and tars it at commit,
// which writes every layer twice and needs the image's size in --tmpdir; hoist writes each
// byte once. The members and their headers are those skopeo writes (mode and owner names
// of files the running user creates, uid/gid 0, mtimes rounded to the second), except that
// blobs come in the order they were copied instead of sorted by digest.
//
// The tar is a temporary sibling of PATH, renamed over it at commit, so PATH holds exactly
// this one image, all or nothing. Blobs are written one at a time (thread_safe_put_blob
// is false); a blob of unknown digest gets its name patched into its header afterwards.
#include <ctime>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "hoist/archive/tar_directory.hpp"
#include "hoist/archive/tar_writer.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/oci/oci.hpp"
#include "hoist/transport/oci_archive/oci_archive.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::oci_archive {

namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view k_layout_json = R"({"imageLayoutVersion":"1.0.0"})";

// The temporary archive file, appended to by the tar writer and patched through it.
class ArchiveFile final : public Writer, public archive::RandomAccess {
public:
  explicit ArchiveFile(fs::TempFile file) : m_file(std::move(file)) {}
  Status write(std::span<const std::byte> data) override { return m_file.write(data); }
  Status write_at(uint64_t offset, std::span<const std::byte> data) override { return m_file.write_at(offset, data); }
  Result<size_t> read_at(uint64_t offset, std::span<std::byte> buf) override { return m_file.read_at(offset, buf); }
  Status truncate(uint64_t size) override { return m_file.truncate(size); }
  Status commit(const std::string& path) { return m_file.commit(path); }

private:
  fs::TempFile m_file;
};

unsigned current_umask() {
  mode_t old = ::umask(022);
  ::umask(old);
  return old;
}

int64_t now_rounded() {
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME, &t);
  return t.tv_sec + (t.tv_nsec >= 500'000'000 ? 1 : 0);
}

class OciArchiveDestination final : public ImageDestination {
public:
  OciArchiveDestination(reference::ImageName name, std::unique_ptr<ArchiveFile> file, bool accept_uncompressed)
      : m_name(std::move(name)), m_file(std::move(file)), m_tar(*m_file), m_umask(current_umask()),
        m_accept_uncompressed(accept_uncompressed) {}

  Status start() { return add_dir("blobs"); }

  std::string description() const override { return m_name.str(); }
  std::vector<std::string> supported_manifest_types() const override { return oci::destination_manifest_types(); }
  std::string signatures_unsupported_reason() const override { return std::string(oci::k_signatures_unsupported); }
  LayerCompression desired_layer_compression() const override {
    return m_accept_uncompressed ? LayerCompression::preserve : LayerCompression::compress;
  }
  bool accepts_foreign_layer_urls() const override { return true; }

  // Only what this copy already wrote: the archive starts empty.
  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not check for a blob with unknown digest");
    return m_written.contains(*info.digest);
  }

  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool) override {
    if (info.digest && m_written.contains(*info.digest)) return info;
    return write_blob(stream, info);
  }

  Status put_manifest(const std::string& bytes, const std::string& mime, const std::optional<Digest>& instance) override {
    Digest digest = instance ? *instance : Digest::of(bytes);
    if (!m_written.contains(digest)) {
      TRY(add_alg_dir(digest.algorithm_name()));
      TRY(m_tar.add_bytes(file_header(blob_name(digest)), bytes));
      m_written.insert(digest);
    }
    if (instance) return {};
    oci::IndexDescriptor desc = oci::manifest_descriptor(bytes, mime, digest.str(), m_name.ref);
    m_pending.push_back(std::move(desc));
    return {};
  }

  Status put_signatures(const std::vector<std::string>& sigs, const std::optional<Digest>&) override {
    if (sigs.empty()) return {};
    return fail(ErrorKind::unsupported, signatures_unsupported_reason());
  }

  Status commit() override {
    oci::Index index = oci::new_index();
    for (const auto& d : m_pending) oci::add_manifest(index, d);
    TRY(m_tar.add_bytes(file_header("index.json"), oci::serialize_index(index)));
    TRY(m_tar.add_bytes(file_header("oci-layout"), k_layout_json));
    TRY(m_tar.close());
    return m_file->commit(m_name.path);
  }

private:
  static std::string blob_name(const Digest& d) { return fmt::format("blobs/{}/{}", d.algorithm_name(), d.hex()); }

  archive::TarHeader file_header(std::string name) const {
    return archive::entry_header(std::move(name), S_IFREG | (0644 & ~m_umask), ::geteuid(), ::getegid(), now_rounded());
  }

  Status add_dir(const std::string& name) {
    return m_tar.add_header_only(
        archive::entry_header(name, S_IFDIR | (0755 & ~m_umask), ::geteuid(), ::getegid(), now_rounded()));
  }

  Status add_alg_dir(std::string_view alg) {
    if (!m_alg_dirs.insert(std::string(alg)).second) return {};
    return add_dir("blobs/" + std::string(alg));
  }

  // Streams a blob into the archive; a member's name (when the digest is known only once
  // it has streamed, as for a recompressed layer) and size are patched into its header
  // afterwards, and a duplicate found that way is cut off again.
  Result<BlobInfo> write_blob(Reader& stream, const BlobInfo& info) {
    TRY(add_alg_dir(info.digest ? info.digest->algorithm_name() : std::string_view("sha256")));
    uint64_t start = m_tar.bytes_written();
    std::optional<HashingReader> hashing;
    Reader* src = &stream;
    if (!info.digest) src = &hashing.emplace(stream, DigestAlgorithm::sha256);
    uint64_t size = 0;
    TRY(m_tar.add_streamed(*src, *m_file, [&](uint64_t n) {
      size = n;
      archive::TarHeader h = file_header(blob_name(info.digest ? *info.digest : hashing->digest()));
      h.size = n;
      return h;
    }));
    BlobInfo out = info;
    out.digest = info.digest ? *info.digest : hashing->digest();
    out.size = static_cast<int64_t>(size);
    if (info.size != -1 && out.size != info.size)
      return fail(ErrorKind::invalid_input,
                  fmt::format("Size mismatch when copying {}, expected {}, got {}", out.digest->str(), info.size, size));
    if (!m_written.insert(*out.digest).second) TRY(m_tar.truncate_to(start, *m_file));
    return out;
  }

  reference::ImageName m_name;
  std::unique_ptr<ArchiveFile> m_file;
  archive::TarWriter m_tar;
  unsigned m_umask;
  bool m_accept_uncompressed;
  std::set<Digest> m_written;
  std::set<std::string> m_alg_dirs;
  std::vector<oci::IndexDescriptor> m_pending;
};

} // namespace

Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx) {
  const std::string& dst = name.path;
  stdfs::path parent = stdfs::path(dst).parent_path();
  auto tmp = fs::TempFile::create(parent.empty() ? "." : parent, "." + stdfs::path(dst).filename().string() + ".tmp");
  if (!tmp) return fail(tmp.error().wrap(fmt::format("creating tar file {}", go_quote(dst))));
  auto dest = std::make_unique<OciArchiveDestination>(name, std::make_unique<ArchiveFile>(std::move(*tmp)),
                                                      ctx.oci_accept_uncompressed_layers);
  TRY(dest->start());
  return DestinationPtr(std::move(dest));
}

} // namespace hoist::transport::oci_archive
