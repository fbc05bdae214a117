// Temporary stub bodies so the headers link while the implementation lands.
#include "hoist/manifest/config.hpp"
#include "hoist/manifest/convert.hpp"
#include "hoist/manifest/inspect.hpp"
#include "hoist/manifest/manifest.hpp"

namespace hoist::manifest {
namespace {
tl::unexpected<Error> todo() { return fail(ErrorKind::internal, "not implemented yet"); }
} // namespace
bool is_list_type(std::string_view) { return false; }
bool is_schema1_type(std::string_view) { return false; }
std::string normalize_registry_mime(std::string_view c) { return std::string(c); }
std::string guess_mime_type(std::string_view) { return {}; }
Result<Digest> manifest_digest(std::string_view) { return todo(); }
Result<Digest> manifest_digest(std::string_view, DigestAlgorithm) { return todo(); }
Result<std::string> strip_jws(std::string_view) { return todo(); }
bool is_known_manifest_type(std::string_view) { return false; }
Result<bool> matches_digest(std::string_view, const Digest&) { return todo(); }
Result<ImageManifest> parse_image(std::string_view, std::string_view) { return todo(); }
Result<ManifestList> parse_list(std::string_view, std::string_view) { return todo(); }
std::string serialize(const ImageManifest&) { return {}; }
std::string serialize(const ManifestList&) { return {}; }
PlatformChoice host_platform(std::string_view, std::string_view, std::string_view) { return {}; }
Result<Descriptor> choose_instance(const ManifestList&, const PlatformChoice&) { return todo(); }
std::vector<std::string> wanted_variants(const PlatformChoice&) { return {}; }
PlatformChoice detect_host_platform() { return {}; }
Result<ImageConfig> parse_config(std::string_view) { return todo(); }
Result<nlohmann::ordered_json> oci_image_value(std::string_view) { return todo(); }
Result<std::string> oci_config_from_docker(std::string_view) { return todo(); }
Result<std::string> inspect_config_json(std::string_view) { return todo(); }
Result<std::string> go_time_reformat(std::string_view) { return todo(); }
std::string_view compression_name(Compression) { return {}; }
std::string_view compression_base_name(Compression) { return {}; }
Result<std::string> layer_media_type(std::string_view, std::string_view, std::optional<Compression>) { return todo(); }
bool can_change_layer_compression(std::string_view, std::string_view) { return false; }
Status update_layers(ImageManifest&, const std::vector<LayerUpdate>&) { return todo(); }
Result<ConvertedImage> convert_image(const ImageManifest&, std::string_view, const ConvertInput&) { return todo(); }
Result<ManifestList> convert_list(const ManifestList&, std::string_view) { return todo(); }
Status update_instances(ManifestList&, const std::vector<InstanceUpdate>&) { return todo(); }
Result<InspectInput> inspect_input(const ImageManifest&, std::string_view) { return todo(); }
nlohmann::ordered_json inspect_value(const InspectInput&) { return {}; }
std::string inspect_json(const InspectInput&) { return {}; }
} // namespace hoist::manifest
