// Reading a dir: image. The version file is optional (very old layouts lack it); a newer
// version than we understand is refused. MIME types are guessed from the manifest bytes,
// as c/image does. get_blob() hands out the file as is: the copy engine verifies it.
#include <cerrno>

#include <fmt/format.h>

#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/dir/dir.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::dir {

namespace {

constexpr size_t k_manifest_limit = 64u << 20;

class DirSource final : public ImageSource {
public:
  explicit DirSource(std::string path) : m_path(std::move(path)) {}

  std::string description() const override { return "dir:" + m_path; }

  Result<ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    std::string name = instance ? instance->dir_name() + ".manifest.json" : "manifest.json";
    TRY_ASSIGN(std::string bytes, fs::read_file(go_join_path({m_path, name}), k_manifest_limit));
    std::string mime = manifest::guess_mime_type(bytes);
    return ManifestBytes{std::move(bytes), std::move(mime)};
  }

  // Beyond skopeo (which serializes dir:/oci: sources): every get_blob() opens its own
  // file descriptor and shares no state, so layers can be read in parallel.
  bool thread_safe_get_blob() const override { return true; }

  Result<BlobStream> get_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not read a blob with unknown digest");
    TRY_ASSIGN(auto reader, fs::FileReader::open(go_join_path({m_path, info.digest->dir_name()})));
    auto size = static_cast<int64_t>(reader->size());
    return BlobStream{std::move(reader), size};
  }

  Result<std::vector<std::string>> get_signatures(const std::optional<Digest>& instance) override {
    std::vector<std::string> out;
    std::string prefix = instance ? instance->dir_name() + ".signature-" : "signature-";
    for (size_t i = 1;; ++i) {
      auto blob = fs::read_file(go_join_path({m_path, fmt::format("{}{}", prefix, i)}));
      if (!blob) {
        if (blob.error().kind() == ErrorKind::not_found) break;
        return fail(blob.error());
      }
      out.push_back(std::move(*blob));
    }
    return out;
  }

private:
  std::string m_path;
};

Status check_version(const std::string& path) {
  std::string version_path = go_join_path({path, "version"});
  auto contents = fs::read_file(version_path, 4096);
  if (!contents) {
    if (contents.error().kind() == ErrorKind::not_found) return {};
    return fail(contents.error().wrap(fmt::format("reading version file {}", go_quote(version_path))));
  }
  auto v = parse_version(*contents);
  if (!v) return fail(ErrorKind::invalid_input, fmt::format("invalid version file content: {}", go_quote(*contents)));
  if (*v > k_max_version)
    return fail(ErrorKind::unsupported, fmt::format("unsupported directory transport version {} at {}",
                                                    go_quote(*contents), resolve_path_explicit(path)));
  return {};
}

} // namespace

Result<SourcePtr> open_source(const std::string& path) {
  TRY(check_version(path));
  return SourcePtr(std::make_unique<DirSource>(path));
}

} // namespace hoist::transport::dir
