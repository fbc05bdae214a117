// Reading one image of a docker-archive, as c/image's docker/internal/tarfile Source:
// the manifest is synthesized from manifest.json and the config, layers are addressed by
// their diffIDs and served uncompressed.
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/archive/archive_file.hpp"
#include "hoist/archive/member_path.hpp"
#include "hoist/compress/compression.hpp"
#include "hoist/manifest/decode.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/docker_archive/docker_archive.hpp"
#include "hoist/transport/docker_archive/manifest_items.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::docker_archive {

namespace {

constexpr size_t k_manifest_json_limit = 1u << 20; // iolimits.MaxTarFileManifestSize
constexpr size_t k_config_limit = 4u << 20;        // iolimits.MaxConfigBodySize

struct Layer {
  const archive::TarEntry* entry = nullptr;
  int64_t size = -1; // uncompressed
};

// What the chosen image needs; computed once (c/image's ensureCachedDataIsPresent).
struct ImageData {
  std::string config;
  Digest config_digest = Digest::of("");
  std::vector<Digest> diff_ids;
  std::map<Digest, Layer> layers;
  std::string manifest;
};

Result<std::string> read_component(const archive::TarIndex& tar, const std::string& name, size_t limit) {
  return wrap(tar.read(name, limit), fmt::format("loading tar component {}", go_quote(name)));
}

Result<std::vector<Digest>> config_diff_ids(const std::string& config, const std::string& config_name) {
  namespace detail = manifest::detail;
  auto j = detail::parse_json(config);
  if (!j) return fail(j.error().wrap(fmt::format("decoding tar config {}", go_quote(config_name))));
  const detail::json* rootfs = detail::field(*j, "rootfs");
  if (!rootfs) return fail(ErrorKind::invalid_input, fmt::format("Invalid image config (rootFS is not set): {}", go_quote(config_name)));
  std::optional<std::vector<std::string>> ids;
  auto st = detail::expect_object(rootfs, "rootfs", "Schema2Image");
  if (st) st = detail::read_strings(*rootfs, "diff_ids", "Schema2RootFS", ids);
  if (!st) return fail(st.error().wrap(fmt::format("decoding tar config {}", go_quote(config_name))));
  std::vector<Digest> out;
  for (const auto& id : ids.value_or(std::vector<std::string>{})) {
    TRY_ASSIGN(auto d, Digest::parse(id));
    out.push_back(std::move(d));
  }
  return out;
}

// The uncompressed size of a layer member: its size, or the decompressed byte count.
Result<int64_t> uncompressed_size(const archive::TarIndex& tar, const archive::TarEntry& entry) {
  TRY_ASSIGN(auto detected, compress::detect_stream(tar.open_entry(entry)));
  if (detected.algorithm == compress::Algorithm::none) return static_cast<int64_t>(entry.size);
  TRY_ASSIGN(auto reader, compress::decompressor(std::move(detected.reader), detected.algorithm));
  std::vector<std::byte> buf(k_stream_buffer);
  int64_t total = 0;
  for (;;) {
    auto n = reader->read(buf);
    if (!n) return fail(n.error().wrap(fmt::format("reading {} to find its size", go_quote(entry.name))));
    if (*n == 0) return total;
    total += static_cast<int64_t>(*n);
  }
}

Result<std::map<Digest, Layer>> prepare_layers(const archive::TarIndex& tar, const ManifestItem& item,
                                               const std::vector<Digest>& diff_ids) {
  if (item.layers.size() != diff_ids.size())
    return fail(ErrorKind::invalid_input, fmt::format("Inconsistent layer count: {} in manifest, {} in config",
                                                      item.layers.size(), diff_ids.size()));
  std::map<Digest, Layer> layers;
  std::map<std::string, Digest> by_path;
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    if (layers.contains(diff_ids[i])) continue;
    std::string path = archive::clean_name(item.layers[i]);
    if (by_path.contains(path))
      return fail(ErrorKind::invalid_input, fmt::format("Layer tarfile {} used for two different DiffID values", go_quote(path)));
    by_path.emplace(path, diff_ids[i]);
    auto entry = tar.resolve(path);
    if (!entry && entry.error().kind() == ErrorKind::not_found)
      return fail(ErrorKind::invalid_input, "Some layer tarfiles are missing in the tarball");
    if (!entry) return fail(entry.error());
    TRY_ASSIGN(int64_t size, uncompressed_size(tar, **entry));
    layers[diff_ids[i]] = Layer{*entry, size};
  }
  return layers;
}

std::string synthesize_manifest(const ImageData& d) {
  using json = nlohmann::ordered_json;
  json m;
  m["schemaVersion"] = 2;
  m["mediaType"] = manifest::mt::docker_v2s2;
  m["config"] = json{{"mediaType", manifest::mt::docker_config},
                     {"size", d.config.size()},
                     {"digest", d.config_digest.str()}};
  m["layers"] = json::array();
  for (const auto& id : d.diff_ids)
    m["layers"].push_back(json{{"mediaType", manifest::mt::docker_layer_gzip}, {"size", d.layers.at(id).size}, {"digest", id.str()}});
  return go_marshal(m);
}

class DockerArchiveSource final : public ImageSource {
public:
  DockerArchiveSource(reference::ImageName name, archive::TarIndex tar, std::vector<ManifestItem> items)
      : m_name(std::move(name)), m_tar(std::move(tar)), m_items(std::move(items)) {}

  std::string description() const override { return m_name.str(); }
  bool thread_safe_get_blob() const override { return true; }
  std::string docker_reference_name() const override { return m_name.archive_name ? m_name.archive_name->name() : ""; }

  Result<ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    if (instance) return fail(ErrorKind::unsupported, R"(Manifest lists are not supported by "docker-daemon:")");
    TRY_ASSIGN(const ImageData* d, data());
    return ManifestBytes{d->manifest, std::string(manifest::mt::docker_v2s2)};
  }

  Result<BlobStream> get_blob(const BlobInfo& info) override {
    if (!info.digest) return fail(ErrorKind::internal, "Can not read a blob with unknown digest");
    TRY_ASSIGN(const ImageData* d, data());
    if (*info.digest == d->config_digest)
      return BlobStream{std::make_unique<MemoryReader>(d->config), static_cast<int64_t>(d->config.size())};
    auto it = d->layers.find(*info.digest);
    if (it == d->layers.end()) return fail(ErrorKind::not_found, fmt::format("Unknown blob {}", info.digest->str()));
    auto decompressed = open_uncompressed(*it->second.entry);
    if (!decompressed) return fail(decompressed.error().wrap(fmt::format("auto-decompressing blob {}", info.digest->str())));
    return BlobStream{std::move(*decompressed), it->second.size};
  }

private:
  Result<ReaderPtr> open_uncompressed(const archive::TarEntry& entry) const {
    TRY_ASSIGN(auto detected, compress::detect_stream(m_tar.open_entry(entry)));
    if (detected.algorithm == compress::Algorithm::none) return ReaderPtr(std::move(detected.reader));
    return compress::decompressor(std::move(detected.reader), detected.algorithm);
  }

  Result<const ImageData*> data() {
    std::call_once(m_once, [this] { m_data = load(); });
    if (!m_data) return fail(m_data.error());
    return &*m_data;
  }

  Result<ImageData> load() const {
    TRY_ASSIGN(auto chosen, choose_item(m_items, m_name.archive_name, m_name.source_index));
    const ManifestItem& item = m_items[chosen.index];
    ImageData d;
    TRY_ASSIGN(d.config, read_component(m_tar, item.config, k_config_limit));
    TRY_ASSIGN(d.diff_ids, config_diff_ids(d.config, item.config));
    TRY_ASSIGN(d.layers, prepare_layers(m_tar, item, d.diff_ids));
    d.config_digest = Digest::of(d.config);
    d.manifest = synthesize_manifest(d);
    return d;
  }

  reference::ImageName m_name;
  archive::TarIndex m_tar;
  std::vector<ManifestItem> m_items;
  std::once_flag m_once;
  Result<ImageData> m_data = fail(ErrorKind::internal, "not loaded");
};

// c/image's NewReaderFromFile + newReader: open (decompressing if needed), read manifest.json.
Result<std::pair<archive::TarIndex, std::vector<ManifestItem>>> open_reader(const std::string& path, const Context& ctx) {
  auto tar = archive::open_archive(path, ctx.tmpdir);
  if (!tar) {
    if (tar.error().message().starts_with("open ")) return fail(tar.error().wrap(fmt::format("opening file {}", go_quote(path))));
    return fail(tar.error());
  }
  TRY_ASSIGN(auto bytes, read_component(*tar, "manifest.json", k_manifest_json_limit));
  TRY_ASSIGN(auto items, parse_manifest_items(bytes));
  return std::pair{std::move(*tar), std::move(items)};
}

} // namespace

Result<SourcePtr> open_source(const reference::ImageName& name, const Context& ctx) {
  TRY_ASSIGN(auto reader, open_reader(name.path, ctx));
  return SourcePtr(std::make_unique<DockerArchiveSource>(name, std::move(reader.first), std::move(reader.second)));
}

Result<std::vector<std::string>> list_tags(const reference::ImageName& name, const Context& ctx) {
  TRY_ASSIGN(auto reader, open_reader(name.path, ctx));
  return list_item_tags(reader.second);
}

} // namespace hoist::transport::docker_archive
