// Writing an image to an oci-archive: an oci: layout in a temporary directory, tarred at
// commit (tar member order and headers as skopeo's containers/storage writes them).
#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "hoist/archive/archive_file.hpp"
#include "hoist/archive/tar_directory.hpp"
#include "hoist/transport/oci/oci.hpp"
#include "hoist/transport/oci_archive/oci_archive.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::oci_archive {

namespace {

namespace stdfs = std::filesystem;

// A directory removed with everything in it when this object goes away.
class TempDir {
public:
  static Result<TempDir> create(const std::string& parent, const std::string& prefix) {
    std::string templ = parent + "/" + prefix + "XXXXXX";
    if (!::mkdtemp(templ.data())) return fail(fs::os_error("mkdir", templ, errno).wrap("creating temp directory"));
    return TempDir(templ);
  }
  TempDir(TempDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (!m_path.empty()) (void)fs::remove_all(m_path);
  }
  const std::string& path() const { return m_path; }

private:
  explicit TempDir(std::string path) : m_path(std::move(path)) {}
  std::string m_path;
};

// Everything but commit() is the inner oci: destination's.
class OciArchiveDestination final : public ImageDestination {
public:
  OciArchiveDestination(reference::ImageName name, TempDir dir, DestinationPtr inner)
      : m_name(std::move(name)), m_dir(std::move(dir)), m_inner(std::move(inner)) {}

  std::string description() const override { return m_name.str(); }
  std::vector<std::string> supported_manifest_types() const override { return m_inner->supported_manifest_types(); }
  bool supports_signatures() const override { return m_inner->supports_signatures(); }
  std::string signatures_unsupported_reason() const override { return m_inner->signatures_unsupported_reason(); }
  bool supports_lists() const override { return m_inner->supports_lists(); }
  LayerCompression desired_layer_compression() const override { return m_inner->desired_layer_compression(); }
  bool thread_safe_put_blob() const override { return m_inner->thread_safe_put_blob(); }
  Result<bool> try_reuse_blob(const BlobInfo& info) override { return m_inner->try_reuse_blob(info); }
  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool is_config) override {
    return m_inner->put_blob(stream, info, is_config);
  }
  Status put_manifest(const std::string& bytes, const std::string& mime, const std::optional<Digest>& instance) override {
    return m_inner->put_manifest(bytes, mime, instance);
  }
  Status put_signatures(const std::vector<std::string>& sigs, const std::optional<Digest>& instance) override {
    return m_inner->put_signatures(sigs, instance);
  }

  Status commit() override {
    if (auto st = m_inner->commit(); !st) return fail(st.error().wrap(fmt::format("storing image {}", go_quote(m_name.ref))));
    return write_archive();
  }

private:
  Status write_archive() {
    const std::string& dst = m_name.path;
    stdfs::path parent = stdfs::path(dst).parent_path();
    auto tmp = fs::TempFile::create(parent.empty() ? "." : parent, "." + stdfs::path(dst).filename().string() + ".tmp");
    if (!tmp) return fail(tmp.error().wrap(fmt::format("creating tar file {}", go_quote(dst))));
    archive::TarWriter writer(*tmp);
    TRY(archive::tar_directory(m_dir.path(), writer));
    TRY(writer.close());
    return tmp->commit(dst);
  }

  reference::ImageName m_name;
  TempDir m_dir;
  DestinationPtr m_inner;
};

} // namespace

Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx) {
  TRY_ASSIGN(TempDir dir, TempDir::create(archive::big_files_dir(ctx.tmpdir), "container_images_oci"));
  auto inner = oci::open_destination(oci::LayoutRef{dir.path(), name.ref, -1}, ctx);
  if (!inner) return fail(inner.error());
  return DestinationPtr(std::make_unique<OciArchiveDestination>(name, std::move(dir), std::move(*inner)));
}

} // namespace hoist::transport::oci_archive
