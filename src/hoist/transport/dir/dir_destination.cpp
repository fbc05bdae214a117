// Writing a dir: image, crash-safe where skopeo is not.
//
// skopeo empties an existing image directory when it opens it and writes files in place,
// so a failed or killed copy destroys the previous image. Here nothing visible changes
// before commit(): blobs and instance manifests are content-addressed (a file with that
// name already has those bytes), so they are written beside the old image through a
// temporary file and rename(2); manifest.json, signatures and version are staged as
// temporary files and renamed at commit, manifest.json last. Only after that are the files
// of the previous image (and any leftovers of killed runs) removed, so the end state is
// exactly the tree skopeo writes. A copy that fails (the destination is destroyed without
// commit) removes the blobs and instance manifests it added, keeping every file that was
// there when the destination was opened and anything the current manifests reference.
#include <cerrno>
#include <dirent.h>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "hoist/transport/dir/dir.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::dir {

namespace {

constexpr std::string_view k_temp_prefix = "dir-put-blob";

Error not_image_dir() {
  return Error(ErrorKind::invalid_input, "not a containers image directory, don't want to overwrite important data");
}

// Names in `dir` (without "." and ".."); errors as Go's os.ReadDir.
Result<std::vector<std::string>> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fail(fs::os_error("open", dir, errno));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  return names;
}

// A file staged for commit: its bytes sit in a temporary file until renamed.
struct Staged {
  fs::TempFile file;
  std::string final_path;
};

class DirDestination final : public ImageDestination {
public:
  DirDestination(std::string path, LayerCompression compression, std::set<std::string> preexisting)
      : m_path(std::move(path)), m_compression(compression), m_preexisting(std::move(preexisting)) {}
  ~DirDestination() override {
    if (!m_committed) remove_uncommitted();
  }

  std::string description() const override { return "dir:" + m_path; }
  std::vector<std::string> supported_manifest_types() const override { return {}; }
  bool supports_signatures() const override { return true; }
  LayerCompression desired_layer_compression() const override { return m_compression; }
  bool thread_safe_put_blob() const override { return true; }

  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not check for a blob with unknown digest");
    std::string name = info.digest->dir_name();
    struct stat st {};
    if (::stat(go_join_path({m_path, name}).c_str(), &st) != 0) {
      if (errno == ENOENT) return false;
      return fail(fs::os_error("stat", go_join_path({m_path, name}), errno));
    }
    // Unlike skopeo, a blob left from an earlier image counts only if its size matches:
    // blobs are renamed into place without fsync, so after a power loss a file with the
    // right name can be empty or truncated, and reusing it would commit a broken image.
    if (info.size >= 0 && st.st_size != info.size) return false;
    keep(name, *info.digest);
    return true;
  }

  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool) override {
    TRY_ASSIGN(auto tmp, fs::TempFile::create(m_path, k_temp_prefix, 0644));
    std::optional<HashingReader> hashing;
    Reader* src = &stream;
    if (!info.digest) src = &hashing.emplace(stream, DigestAlgorithm::sha256);
    TRY_ASSIGN(uint64_t size, copy_stream(*src, tmp));
    Digest digest = info.digest ? *info.digest : hashing->digest();
    if (info.size != -1 && static_cast<int64_t>(size) != info.size)
      return fail(ErrorKind::invalid_input,
                  fmt::format("Size mismatch when copying {}, expected {}, got {}", digest.str(), info.size, size));
    std::string name = digest.dir_name();
    TRY(tmp.commit(go_join_path({m_path, name})));
    keep(name, digest);
    written(name);
    BlobInfo out = info;
    out.digest = digest;
    out.size = static_cast<int64_t>(size);
    return out;
  }

  std::optional<std::string> blob_file(const Digest& digest) const override {
    return go_join_path({m_path, digest.dir_name()});
  }

  // Another image's copy of the blob, hard-linked (or copied) in; skopeo downloads it again.
  Result<bool> reuse_blob_file(const std::string& file, const BlobInfo& info) override {
    if (!info.digest) return false;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || (info.size >= 0 && st.st_size != info.size)) return false;
    std::string name = info.digest->dir_name();
    std::string target = go_join_path({m_path, name});
    if (target == file) return false;
    if (auto linked = fs::link_or_copy(file, target, k_temp_prefix); !linked) {
      log::debug(fmt::format("sharing {} from {}: {}", name, file, linked.error().what()));
      return false;
    }
    keep(name, *info.digest);
    written(name);
    return true;
  }

  Status put_manifest(const std::string& bytes, const std::string&, const std::optional<Digest>& instance) override {
    if (!instance) return stage("manifest.json", bytes, m_manifest);
    std::string name = instance->dir_name() + ".manifest.json";
    TRY(fs::write_file_atomic(go_join_path({m_path, name}), bytes, 0644));
    keep(name, *instance);
    written(name);
    return {};
  }

  Status put_signatures(const std::vector<std::string>& sigs, const std::optional<Digest>& instance) override {
    std::string prefix = instance ? instance->dir_name() + ".signature-" : "signature-";
    for (size_t i = 0; i < sigs.size(); ++i) {
      std::optional<Staged> staged;
      TRY(stage(fmt::format("{}{}", prefix, i + 1), sigs[i], staged));
      std::lock_guard lock(m_mutex);
      m_signatures.push_back(std::move(*staged));
      if (instance && instance->algorithm() != DigestAlgorithm::sha256) m_non_sha256 = true;
    }
    return {};
  }

  Status commit() override {
    if (!m_manifest) return fail(ErrorKind::internal, "committing a dir: image without a manifest");
    Version v = m_non_sha256 ? k_version_1_2 : k_version_1_1;
    std::string version_path = go_join_path({m_path, "version"});
    auto written = fs::write_file_atomic(version_path, version_text(v), 0644);
    if (!written) return fail(written.error().wrap(fmt::format("writing version file {}", go_quote(version_path))));
    for (auto& s : m_signatures) TRY(s.file.commit(s.final_path));
    TRY(m_manifest->file.commit(m_manifest->final_path));
    m_committed = true;
    remove_stale();
    return {};
  }

private:
  void keep(const std::string& name, const Digest& d) {
    std::lock_guard lock(m_mutex);
    m_keep.insert(name);
    if (d.algorithm() != DigestAlgorithm::sha256) m_non_sha256 = true;
  }

  // A blob or instance manifest renamed into place; removed again if the copy fails,
  // unless a file of that name was there before.
  void written(const std::string& name) {
    std::lock_guard lock(m_mutex);
    if (!m_preexisting.count(name)) m_written.insert(name);
  }

  // Destroyed without commit: remove what this destination added. A name is kept if the
  // current manifest.json or an instance manifest this destination did not write mentions
  // its digest (another writer may have committed an image using it meanwhile).
  void remove_uncommitted() {
    if (m_written.empty()) return;
    std::string referencing;
    auto names = list_dir(m_path);
    if (names) {
      for (const auto& n : *names) {
        bool manifest = n == "manifest.json" || n.ends_with(".manifest.json");
        if (!manifest || m_written.count(n)) continue;
        auto bytes = fs::read_file(go_join_path({m_path, n}), 64u << 20);
        if (bytes) referencing += *bytes;
      }
    }
    for (const auto& n : m_written) {
      std::string hex = n.substr(0, n.find('.'));
      hex = hex.substr(hex.find('-') + 1); // "<alg>-<hex>" names
      if (referencing.find(hex) != std::string::npos) continue;
      std::string path = go_join_path({m_path, n});
      if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        log::warning(fmt::format("removing {}: {}", path, fs::os_error("remove", path, errno).what()));
    }
  }

  Status stage(const std::string& name, std::string_view bytes, std::optional<Staged>& out) {
    TRY_ASSIGN(auto tmp, fs::TempFile::create(m_path, k_temp_prefix, 0644));
    TRY(tmp.write(as_bytes(bytes)));
    out.emplace(Staged{std::move(tmp), go_join_path({m_path, name})});
    std::lock_guard lock(m_mutex);
    m_keep.insert(name);
    return {};
  }

  // After commit: everything that is not part of the new image goes, as skopeo's
  // up-front emptying would have removed it. Failures only leave extra files behind.
  void remove_stale() {
    auto names = list_dir(m_path);
    if (!names) return;
    for (const auto& n : *names) {
      if (n == "version" || m_keep.count(n)) continue;
      auto removed = fs::remove_all(go_join_path({m_path, n}));
      if (!removed) log::warning(fmt::format("removing stale file: {}", removed.error().what()));
    }
  }

  std::string m_path;
  LayerCompression m_compression;
  std::mutex m_mutex;
  std::set<std::string> m_keep;
  std::set<std::string> m_preexisting; // names in the directory when it was opened
  std::set<std::string> m_written;     // blobs / instance manifests this destination added
  bool m_committed = false;
  bool m_non_sha256 = false;
  std::optional<Staged> m_manifest;
  std::vector<Staged> m_signatures;
};

// Accepts a missing or empty directory, or one holding a dir: image (valid version file).
Status check_existing(const std::string& path, bool& is_new) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return fail(fs::os_error("stat", path, errno).wrap(fmt::format("checking for path {}", go_quote(resolve_path_explicit(path)))));
    is_new = true;
    auto made = make_dirs_0755(path);
    if (!made) return fail(made.error().wrap(fmt::format("unable to create directory {}", go_quote(resolve_path_explicit(path)))));
    return {};
  }
  TRY_ASSIGN(auto names, list_dir(path));
  if (names.empty()) {
    is_new = true;
    return {};
  }
  auto contents = fs::read_file(go_join_path({path, "version"}), 4096);
  if (!contents) {
    if (contents.error().kind() == ErrorKind::not_found) return fail(not_image_dir());
    return fail(contents.error());
  }
  auto v = parse_version(*contents);
  if (!v) return fail(not_image_dir());
  if (*v > k_max_version)
    return fail(ErrorKind::unsupported, fmt::format("unsupported directory transport version {} at {}",
                                                    go_quote(*contents), resolve_path_explicit(path)));
  return {};
}

} // namespace

Result<DestinationPtr> open_destination(const std::string& path, const Context& ctx) {
  LayerCompression compression = LayerCompression::preserve;
  if (ctx.dir_force_compress && ctx.dir_force_decompress)
    return fail(ErrorKind::invalid_input, "Cannot compress and decompress at the same time");
  if (ctx.dir_force_compress) compression = LayerCompression::compress;
  if (ctx.dir_force_decompress) compression = LayerCompression::decompress;
  bool is_new = false;
  TRY(check_existing(path, is_new));
  // A fresh directory gets its version file at once (it is rewritten at commit), so a
  // re-run after this process is killed finds an image directory and does not refuse it.
  if (is_new) TRY(fs::write_file_atomic(go_join_path({path, "version"}), version_text(k_version_1_1), 0644));
  TRY_ASSIGN(auto names, list_dir(path));
  std::set<std::string> preexisting(names.begin(), names.end());
  return DestinationPtr(std::make_unique<DirDestination>(path, compression, std::move(preexisting)));
}

} // namespace hoist::transport::dir
