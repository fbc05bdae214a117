// `inspect IMAGE`: skopeo's cmd/skopeo/inspect.go. --raw prints the manifest bytes as
// read (no newline); otherwise the instance for this platform is parsed (lists), its
// config read, and inspect.Output printed as JSON or through a --format Go template.
// The Digest is always that of the top-level manifest bytes.
#include <future>

#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"
#include "hoist/cli/template_data.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/manifest/config.hpp"
#include "hoist/manifest/inspect.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/gotemplate.hpp"
#include "hoist/util/io.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

using nlohmann::ordered_json;

void define_inspect_flags(FlagSet& fs) {
  add_shared_flags(fs);
  add_image_flags(fs, "");
  add_retry_flags(fs);
  fs.add_bool("raw", 0, "output raw manifest or configuration");
  fs.add_bool("config", 0, "output configuration");
  fs.add_string("format", 'f', "Format the output to a Go template");
  fs.add_bool("no-tags", 'n', "Do not list the available tags from the repository in the output");
  Flag& md = fs.add_string("manifest-digest", 0,
                           "Algorithm to use for computing manifest digest (sha256, sha512); defaults to algorithm used in config digest");
  md.type_override = "algorithm";
}

void write_out(const Invocation& inv, std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), inv.out); }

// writeOutput: JSON (MarshalIndent 4 spaces + "\n") or the --format template.
Status write_output(const Invocation& inv, const ordered_json& json_value, const ordered_json& template_value,
                    const gotemplate::TypeHints& hints) {
  const std::string& format = inv.flags.get_string("format");
  if (format.empty() || gotemplate::is_json_format(format)) {
    write_out(inv, go_marshal_indent(json_value, "", "    ") + "\n");
    return {};
  }
  TRY_ASSIGN(auto text, gotemplate::format_report("skopeo inspect", format, template_value, hints));
  write_out(inv, text);
  return {};
}

struct Instance {
  transport::ManifestBytes top;
  transport::ManifestBytes chosen; // == top unless top is a list
  manifest::ImageManifest parsed;
};

Result<Instance> read_instance(const Invocation& inv, transport::ImageSource& src, const transport::Context& ctx) {
  Instance in;
  Status got = with_retry(ctx, [&]() -> Status {
    TRY_ASSIGN(in.top, src.get_manifest(std::nullopt));
    return {};
  });
  if (!got) return fail(got.error().wrap("Error retrieving manifest for image"));
  in.chosen = in.top;
  if (inv.flags.get_bool("raw") && !inv.flags.get_bool("config")) return in;
  auto parse = [&]() -> Status {
    if (manifest::is_list_type(in.top.mime)) {
      TRY_ASSIGN(auto list, manifest::parse_list(in.top.bytes, in.top.mime));
      const Globals& g = inv.globals;
      // c/image internal/image/{docker_list,oci_index}.go (image.FromUnparsedImage)
      auto desc = manifest::choose_instance(list, manifest::host_platform(g.override_os, g.override_arch, g.override_variant));
      if (!desc) return fail(desc.error().wrap("choosing image instance"));
      auto chosen = src.get_manifest(desc->digest);
      if (!chosen) {
        return fail(chosen.error().wrap(in.top.mime == manifest::mt::oci_index ? "fetching target platform image selected from image index"
                                                                            : "fetching target platform image selected from manifest list"));
      }
      in.chosen = std::move(*chosen);
    }
    TRY_ASSIGN(in.parsed, manifest::parse_image(in.chosen.bytes, in.chosen.mime));
    return {};
  };
  if (auto st = parse(); !st) return fail(st.error().wrap("Error parsing manifest for image"));
  return in;
}

// The config blob, verified against its digest (image.ConfigBlob; newest c/image
// internal/image/digest_validation.go — 1.9.3 said "Download config.json digest X does not match expected Y").
Result<std::string> read_config(transport::ImageSource& src, const manifest::ImageManifest& m) {
  if (!m.config) return std::string();
  transport::BlobInfo info;
  info.digest = m.config->digest;
  info.size = m.config->size;
  info.media_type = m.config->media_type;
  TRY_ASSIGN(auto stream, src.get_blob(info));
  TRY_ASSIGN(auto bytes, read_all(*stream.reader, 64u << 20));
  Digest computed = Digest::of(bytes, m.config->digest.algorithm());
  if (computed != m.config->digest) {
    return fail(ErrorKind::digest_mismatch,
                fmt::format("config validation failed: blob digest {} does not match expected {}", computed.str(), m.config->digest.str()));
  }
  return bytes;
}

Result<Digest> output_digest(const Invocation& inv, const Instance& in) {
  const std::string& alg = inv.flags.get_string("manifest-digest");
  if (inv.flags.changed("manifest-digest")) {
    if (alg == "sha256" || alg.empty()) return manifest::manifest_digest(in.top.bytes, DigestAlgorithm::sha256);
    if (alg == "sha512") return manifest::manifest_digest(in.top.bytes, DigestAlgorithm::sha512);
    return fail(ErrorKind::invalid_input, fmt::format("digest algorithm \"{}\" is not available", alg));
  }
  if (in.parsed.config) return manifest::manifest_digest(in.top.bytes, in.parsed.config->digest.algorithm());
  return manifest::manifest_digest(in.top.bytes);
}

using TagsResult = Result<std::optional<std::vector<std::string>>>;

// RepoTags are listed while the config is fetched (skopeo asks one after the other); an
// error still surfaces in skopeo's order, the config's first.
bool lists_tags(const Invocation& inv, const reference::ImageName& ref) {
  return !inv.flags.get_bool("no-tags") && ref.transport == reference::Transport::docker;
}

Status print_inspect(Invocation& inv, transport::ImageSource& src, const reference::ImageName& ref, const Instance& in,
                     const std::string& config, std::future<TagsResult>& listed) {
  TRY_ASSIGN(auto input, manifest::inspect_input(in.parsed, config));
  auto digest = output_digest(inv, in);
  if (!digest) return fail(digest.error().wrap("Error computing manifest digest"));
  input.digest = *digest;
  input.name = src.docker_reference_name();
  if (lists_tags(inv, ref)) {
    TRY_ASSIGN(auto tags, listed.get());
    if (tags) input.repo_tags = std::move(*tags);
    else input.repo_tags_nil = true;
  }
  ordered_json value = manifest::inspect_value(input);
  return write_output(inv, value, inspect_template_value(value), inspect_template_hints());
}

Status run_inspect(Invocation& inv) {
  if (inv.args.size() != 1) return fail(ErrorKind::invalid_input, "Exactly one argument expected");
  if (inv.flags.get_bool("raw") && !inv.flags.get_string("format").empty()) {
    return fail(ErrorKind::invalid_input, "raw output does not support format option");
  }
  const std::string& name = inv.args[0];
  TRY_ASSIGN(auto ctx, image_context(inv, "", {true, false}));
  transport::SourcePtr src;
  reference::ImageName ref;
  Status opened = with_retry(ctx, [&]() -> Status {
    TRY_ASSIGN(ref, reference::parse_image_name(name));
    TRY_ASSIGN(src, open_image_source(ref, ctx));
    return {};
  });
  if (!opened) return fail(opened.error().wrap(fmt::format("Error parsing image name {}", go_quote(name))));
  TRY_ASSIGN(auto in, read_instance(inv, *src, ctx));
  bool raw = inv.flags.get_bool("raw"), config = inv.flags.get_bool("config");
  if (raw && !config) return write_out(inv, in.top.bytes), Status{};
  std::future<TagsResult> listed;
  if (!raw && !config && lists_tags(inv, ref))
    listed = std::async(std::launch::async, [&ref, &ctx] { return inspect_repo_tags(ref, ctx); });
  std::string config_bytes;
  if (in.parsed.config) {
    Status read = with_retry(ctx, [&]() -> Status {
      TRY_ASSIGN(config_bytes, read_config(*src, in.parsed));
      return {};
    });
    if (!read) {
      // plain inspect returns img.Inspect's error unwrapped (cmd/skopeo/inspect.go)
      if (raw) return fail(read.error().wrap("Error reading configuration blob"));
      if (config) return fail(read.error().wrap("Error reading OCI-formatted configuration data"));
      return read;
    }
  }
  if (raw) return write_out(inv, config_bytes), Status{};
  if (config) {
    // Schema1 has no config blob: OCIConfig() decodes the config it synthesizes.
    if (manifest::is_schema1_type(in.parsed.media_type)) {
      auto synthesized = manifest::schema1_synthesized_config(in.parsed);
      if (!synthesized) return fail(synthesized.error().wrap("Error reading OCI-formatted configuration data"));
      config_bytes = std::move(*synthesized);
    }
    auto oci = manifest::oci_image_value(config_bytes);
    if (!oci) return fail(oci.error().wrap("Error reading OCI-formatted configuration data"));
    return write_output(inv, *oci, config_template_value(*oci), config_template_hints());
  }
  return print_inspect(inv, *src, ref, in, config_bytes, listed);
}

} // namespace

CommandSpec inspect_command() {
  CommandSpec c;
  c.name = "inspect";
  c.use = "[command options] IMAGE-NAME";
  c.short_help = "Inspect image IMAGE-NAME";
  c.long_help = fmt::format("Return low-level information about \"IMAGE-NAME\" in a registry/transport\nSupported transports:\n{}\n\n"
                            "See skopeo(1) section \"IMAGE NAMES\" for the expected format\n",
                            k_transport_list);
  c.example = "{prog} inspect docker://registry.fedoraproject.org/fedora\n"
              "{prog} inspect --config docker://docker.io/alpine\n"
              "{prog} inspect --format \"Name: {{.Name}} Digest: {{.Digest}}\" docker://registry.access.redhat.com/ubi8";
  c.define_flags = define_inspect_flags;
  c.run = run_inspect;
  return c;
}

} // namespace hoist::cli
