// Writing one image as a docker-archive, byte-identical to skopeo's (c/image's
// docker/internal/tarfile Writer): layers as they arrive ("<diffID hex>.tar"), the config
// ("<hex>.json"), then at put_manifest the legacy per-layer directories, and at commit
// manifest.json and repositories. Every member has mode 0444, mtime 0, uid/gid 0.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/archive/archive_file.hpp"
#include "hoist/archive/tar_writer.hpp"
#include "hoist/manifest/decode.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/docker_archive/docker_archive.hpp"
#include "hoist/transport/docker_archive/legacy.hpp"
#include "hoist/transport/docker_archive/manifest_items.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::docker_archive {

namespace {

namespace stdfs = std::filesystem;
constexpr size_t k_config_limit = 4u << 20;

Status write_all(int fd, std::span<const std::byte> data, const std::string& name) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(fs::os_error("write", name, errno));
    data = data.subspan(static_cast<size_t>(n));
  }
  return {};
}

// The archive being written: a temporary sibling of PATH (renamed at commit), or PATH
// itself when it is a FIFO or device.
class Output final : public Writer, public archive::RandomAccess {
public:
  static Result<std::unique_ptr<Output>> open(const std::string& path);
  // A regular file (not a pipe or device named as the archive) can be patched in place.
  bool random_access() const { return m_temp.has_value(); }
  Status write_at(uint64_t offset, std::span<const std::byte> data) override { return m_temp->write_at(offset, data); }
  Result<size_t> read_at(uint64_t offset, std::span<std::byte> buf) override { return m_temp->read_at(offset, buf); }
  Status truncate(uint64_t size) override { return m_temp->truncate(size); }
  ~Output() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  Status write(std::span<const std::byte> data) override { return m_temp ? m_temp->write(data) : write_fd(data); }
  Status commit() {
    if (m_temp) return m_temp->commit(m_path);
    if (::close(std::exchange(m_fd, -1)) != 0) return fail(fs::os_error("close", m_path, errno));
    return {};
  }

private:
  Output(std::string path, std::optional<fs::TempFile> temp, int fd) : m_path(std::move(path)), m_temp(std::move(temp)), m_fd(fd) {}
  Status write_fd(std::span<const std::byte> data);
  std::string m_path;
  std::optional<fs::TempFile> m_temp;
  int m_fd = -1;
};

Result<std::unique_ptr<Output>> Output::open(const std::string& path) {
  auto opening = [&](int err) { return fail(fs::os_error("open", path, err).wrap(fmt::format("opening file {}", go_quote(path)))); };
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISREG(st.st_mode) && st.st_size != 0)
      return fail(ErrorKind::invalid_input, "docker-archive doesn't support modifying existing images");
    if (S_ISDIR(st.st_mode)) return opening(EISDIR);
    if (!S_ISREG(st.st_mode)) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) return opening(errno);
      return std::unique_ptr<Output>(new Output(path, std::nullopt, fd));
    }
  } else if (errno != ENOENT) {
    return opening(errno);
  }
  stdfs::path parent = stdfs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_dir(parent)) return opening(ENOENT);
  auto temp = fs::TempFile::create(parent, "." + stdfs::path(path).filename().string() + ".tmp", 0644);
  if (!temp) return fail(temp.error().wrap(fmt::format("opening file {}", go_quote(path))));
  return std::unique_ptr<Output>(new Output(path, std::move(*temp), -1));
}

Status Output::write_fd(std::span<const std::byte> data) { return write_all(m_fd, data, m_path); }

archive::TarHeader member(std::string name) {
  archive::TarHeader h;
  h.name = std::move(name);
  h.mode = 0444;
  return h;
}

// A blob of unknown digest or size, spooled to an unlinked file to learn both
// (c/image's streamdigest.ComputeBlobInfo).
struct Spooled {
  std::shared_ptr<archive::SharedFile> file;
  Digest digest;
  int64_t size;
};

Result<Spooled> spool(Reader& stream, const std::string& tmpdir) {
  std::string name = archive::big_files_dir(tmpdir) + "/container_images_stream-digestXXXXXX";
  int fd = ::mkstemp(name.data());
  if (fd < 0) return fail(fs::os_error("open", name, errno).wrap("creating temporary file"));
  ::unlink(name.c_str());
  auto file = archive::SharedFile::adopt(fd, name); // closes fd on every path
  HashingReader hashing(stream);
  std::vector<std::byte> buf(k_stream_buffer);
  for (;;) {
    TRY_ASSIGN(size_t n, hashing.read(buf));
    if (n == 0) break;
    TRY(write_all(fd, std::span<const std::byte>(buf.data(), n), name));
  }
  return Spooled{std::move(file), hashing.digest(), static_cast<int64_t>(hashing.bytes_read())};
}

struct ParsedManifest {
  Digest config;
  std::vector<Digest> layers;
};

Result<ParsedManifest> parse_schema2(const std::string& bytes) {
  namespace detail = manifest::detail;
  auto j = detail::parse_json(bytes);
  if (!j) return fail(j.error().wrap("parsing manifest"));
  int version = 0;
  std::string media_type;
  TRY(wrap(Result<void>(detail::read_int(*j, "schemaVersion", "Schema2", version)), "parsing manifest"));
  TRY(wrap(Result<void>(detail::read_string(*j, "mediaType", "Schema2", media_type)), "parsing manifest"));
  if (version != 2 || media_type != manifest::mt::docker_v2s2)
    return fail(ErrorKind::unsupported, "Unsupported manifest type, need a Docker schema 2 manifest");
  TRY_ASSIGN(auto m, manifest::parse_image(bytes, manifest::mt::docker_v2s2));
  if (!m.config) return fail(ErrorKind::invalid_input, "parsing manifest: missing config");
  ParsedManifest out{m.config->digest, {}};
  for (const auto& l : m.layers) out.layers.push_back(l.digest);
  return out;
}

class DockerArchiveDestination final : public ImageDestination {
public:
  DockerArchiveDestination(std::string description, std::unique_ptr<Output> out,
                           std::vector<reference::DockerName> tags, std::string tmpdir)
      : m_description(std::move(description)), m_out(std::move(out)), m_tar(*m_out), m_tags(std::move(tags)),
        m_tmpdir(std::move(tmpdir)) {}

  std::string description() const override { return m_description; }
  std::vector<std::string> supported_manifest_types() const override { return {std::string(manifest::mt::docker_v2s2)}; }
  std::string signatures_unsupported_reason() const override {
    return "Storing signatures for docker tar files is not supported";
  }
  bool supports_lists() const override { return false; }
  LayerCompression desired_layer_compression() const override { return LayerCompression::decompress; }

  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not check for a blob with unknown digest");
    return m_blobs.contains(*info.digest);
  }

  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool is_config) override {
    if (!is_config && (!info.digest || info.size < 0) && m_out->random_access()) return stream_layer(stream, info);
    std::optional<Spooled> spooled;
    BlobInfo known = info;
    Reader* src = &stream;
    std::unique_ptr<archive::RegionReader> spooled_reader;
    if (!info.digest || info.size < 0) {
      TRY_ASSIGN(spooled, spool(stream, m_tmpdir));
      known.digest = spooled->digest;
      known.size = spooled->size;
      spooled_reader = std::make_unique<archive::RegionReader>(spooled->file, 0, static_cast<uint64_t>(spooled->size));
      src = spooled_reader.get();
    }
    if (auto it = m_blobs.find(*known.digest); it != m_blobs.end()) {
      known.size = it->second;
      return known;
    }
    if (is_config) {
      auto bytes = read_all(*src, k_config_limit);
      if (!bytes) return fail(bytes.error().wrap("reading Config file stream"));
      m_config = *bytes;
      auto st = m_tar.add_bytes(member(known.digest->hex() + ".json"), m_config);
      if (!st) return fail(st.error().wrap("writing Config file"));
    } else {
      archive::TarHeader h = member(known.digest->hex() + ".tar");
      h.size = static_cast<uint64_t>(known.size);
      TRY(m_tar.add_file(h, *src));
    }
    m_blobs[*known.digest] = known.size;
    return known;
  }

  // A layer of unknown digest or size (decompressed on the way) goes straight into the
  // archive; its member name and size are patched in once the content has streamed (c/image
  // spools it to a temporary file first). A duplicate layer is cut off again.
  Result<BlobInfo> stream_layer(Reader& stream, const BlobInfo& info) {
    uint64_t start = m_tar.bytes_written();
    HashingReader hashing(stream);
    TRY(m_tar.add_streamed(hashing, *m_out, [&](uint64_t size) {
      archive::TarHeader h = member(hashing.digest().hex() + ".tar");
      h.size = size;
      return h;
    }));
    BlobInfo known = info;
    known.digest = hashing.digest();
    known.size = static_cast<int64_t>(hashing.bytes_read());
    if (auto it = m_blobs.find(*known.digest); it != m_blobs.end()) {
      TRY(m_tar.truncate_to(start, *m_out));
      return known;
    }
    m_blobs[*known.digest] = known.size;
    return known;
  }

  Status put_manifest(const std::string& bytes, const std::string&, const std::optional<Digest>& instance) override {
    if (instance) return fail(ErrorKind::unsupported, "Manifest lists are not supported for docker tar files");
    TRY_ASSIGN(ParsedManifest m, parse_schema2(bytes));
    TRY(write_legacy(m));
    add_manifest_item(m);
    return {};
  }

  Status commit() override {
    TRY(m_tar.add_bytes(member("manifest.json"), serialize_manifest_items(m_items)));
    auto st = m_tar.add_bytes(member("repositories"), go_marshal(repositories_json()));
    if (!st) return fail(st.error().wrap("writing config json file"));
    TRY(m_tar.close());
    return m_out->commit();
  }

private:
  Status write_legacy(const ParsedManifest& m) {
    TRY_ASSIGN(auto layers, legacy_layers(m.layers, m_config));
    for (size_t i = 0; i < layers.size(); ++i) {
      const auto& l = layers[i];
      if (!m_legacy.insert(l.id).second) continue;
      archive::TarHeader link = member(l.id + "/layer.tar");
      link.type = '2';
      link.mode = 0;
      link.link_name = "../" + m.layers[i].hex() + ".tar";
      auto st = m_tar.add_header_only(link);
      if (!st) return fail(st.error().wrap("creating layer symbolic link"));
      st = m_tar.add_bytes(member(l.id + "/VERSION"), "1.0");
      if (!st) return fail(st.error().wrap("writing VERSION file"));
      st = m_tar.add_bytes(member(l.id + "/json"), l.json);
      if (!st) return fail(st.error().wrap("writing config json file"));
    }
    if (!layers.empty())
      for (const auto& tag : m_tags) m_repositories[tag.name()][tag.tag] = layers.back().id;
    return {};
  }

  void add_manifest_item(const ParsedManifest& m) {
    ManifestItem item;
    item.config = m.config.hex() + ".json";
    for (const auto& l : m.layers) item.layers.push_back(l.hex() + ".tar");
    ManifestItem* target = nullptr;
    for (auto& existing : m_items)
      if (existing.config == item.config) target = &existing;
    if (!target) target = &m_items.emplace_back(std::move(item));
    for (const auto& tag : m_tags) {
      std::string text = tag.name() + ":" + tag.tag;
      if (std::find(target->repo_tags.begin(), target->repo_tags.end(), text) == target->repo_tags.end())
        target->repo_tags.push_back(text);
    }
  }

  nlohmann::ordered_json repositories_json() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [name, tags] : m_repositories) out[name] = sorted_map_json(tags);
    return out;
  }

  std::string m_description;
  std::unique_ptr<Output> m_out;
  archive::TarWriter m_tar;
  std::vector<reference::DockerName> m_tags;
  std::string m_tmpdir;
  std::map<Digest, int64_t> m_blobs;
  std::string m_config;
  std::set<std::string> m_legacy;
  std::vector<ManifestItem> m_items;
  std::map<std::string, std::map<std::string, std::string>> m_repositories;
};

Result<std::vector<reference::DockerName>> repo_tags(const reference::ImageName& name, const Context& ctx) {
  std::vector<reference::DockerName> tags;
  if (name.archive_name) tags.push_back(*name.archive_name);
  for (const auto& text : ctx.additional_tags) {
    auto parsed = reference::parse_normalized_named(text);
    if (!parsed)
      return fail(ErrorKind::invalid_input, fmt::format("error parsing additional-tag '{}': {}", text, parsed.error().what()));
    if (parsed->tag.empty() || parsed->digest)
      return fail(ErrorKind::invalid_input, fmt::format("additional-tag '{}' must be a tagged reference", text));
    tags.push_back(std::move(*parsed));
  }
  return tags;
}

} // namespace

Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx) {
  if (name.source_index)
    return fail(ErrorKind::invalid_input,
                fmt::format("Destination reference must not contain a manifest index @{}", *name.source_index));
  TRY_ASSIGN(auto tags, repo_tags(name, ctx));
  TRY_ASSIGN(auto out, Output::open(name.path));
  return DestinationPtr(std::make_unique<DockerArchiveDestination>(name.str(), std::move(out), std::move(tags), ctx.tmpdir));
}

} // namespace hoist::transport::docker_archive
