#include "hoist/reference/image_name.hpp"

#include <array>
#include <fmt/format.h>

#include "hoist/reference/grammar.hpp"
#include "hoist/reference/path.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::reference {

namespace {

struct TransportEntry {
  std::string_view name;
  Transport transport;
};

constexpr std::array<TransportEntry, 10> k_transports{{
    {"docker", Transport::docker},
    {"dir", Transport::dir},
    {"oci", Transport::oci},
    {"oci-archive", Transport::oci_archive},
    {"docker-archive", Transport::docker_archive},
    {"docker-daemon", Transport::docker_daemon},
    {"containers-storage", Transport::containers_storage},
    {"sif", Transport::sif},
    {"tarball", Transport::tarball},
    {"atomic", Transport::atomic},
}};

Error invalid(std::string message) { return Error(ErrorKind::invalid_input, std::move(message)); }

// Cut at the first ':' (SplitPathAndImage / strings.Cut).
std::pair<std::string, std::string> cut_path(std::string_view details) {
  auto colon = details.find(':');
  if (colon == std::string_view::npos) return {std::string(details), ""};
  return {std::string(details.substr(0, colon)), std::string(details.substr(colon + 1))};
}

Status parse_oci(ImageName& out) {
  auto [path, image] = cut_path(out.details);
  out.path = path;
  if (out.transport == Transport::oci && starts_with(image, "@")) {
    auto index = grammar::go_atoi(std::string_view(image).substr(1));
    if (!index)
      return fail(invalid(fmt::format("Invalid source index @{}: not an integer: {}", image.substr(1),
                                      index.error().what())));
    if (*index < 0) return fail(invalid(fmt::format("Invalid source index @{}: must not be negative", *index)));
    out.source_index = *index;
    TRY_ASSIGN(out.resolved_path, resolve_path_to_fully_explicit(out.path));
    return {};
  }
  TRY_ASSIGN(out.resolved_path, resolve_path_to_fully_explicit(out.path));
  if (!image.empty() && !grammar::is_oci_ref(image)) return fail(invalid(fmt::format("Invalid image {}", image)));
  out.ref = image;
  return {};
}

Status parse_archive_name(ImageName& out, std::string_view text) {
  auto named = parse_normalized_named(text);
  if (!named) return fail(named.error().wrap("docker-archive parsing reference"));
  DockerName name = named->with_default_tag();
  if (name.tag.empty()) return fail(invalid(fmt::format("reference does not include a tag: {}", name.str())));
  if (name.digest)
    return fail(invalid(fmt::format("docker-archive doesn't support digest references: {}", name.str())));
  out.archive_name = std::move(name);
  return {};
}

Status parse_docker_archive(ImageName& out) {
  if (out.details.empty())
    return fail(invalid(fmt::format("docker-archive reference {} isn't of the form <path>[:<reference>]", out.details)));
  auto colon = out.details.find(':');
  out.path = out.details.substr(0, colon);
  if (colon == std::string::npos) return {};
  std::string_view rest = std::string_view(out.details).substr(colon + 1);
  if (!starts_with(rest, "@")) return parse_archive_name(out, rest);
  auto index = grammar::go_atoi(rest.substr(1));
  if (!index) return fail(index.error().wrap(fmt::format("Invalid source index {}", rest)));
  if (*index < 0) return fail(invalid(fmt::format("Invalid source index @{}: must not be negative", *index)));
  out.source_index = *index;
  return {};
}

Status parse_docker_daemon(ImageName& out) {
  const std::string& text = out.details;
  if (auto id = parse_go_digest(text)) {
    out.image_id = *id;
    if (id->algorithm() != DigestAlgorithm::sha256)
      return fail(invalid(
          fmt::format("Invalid docker-daemon: reference {}: only digest algorithm sha256 accepted", text)));
    return {};
  }
  TRY_ASSIGN(auto name, parse_normalized_named(text));
  if (name.familiar_name() == "sha256")
    return fail(invalid(fmt::format("Invalid docker-daemon: reference {}: The sha256 repository name is reserved "
                                    "for (non-shortened) digest references",
                                    text)));
  if (name.name_only())
    return fail(invalid(fmt::format("docker-daemon: reference {} has neither a tag nor a digest", name.familiar())));
  if (!name.tag.empty() && name.digest)
    return fail(invalid("docker-daemon: references with both a tag and digest are currently not supported"));
  out.docker = std::move(name);
  return {};
}

Status parse_atomic(ImageName& out) {
  auto named = parse_normalized_named(out.details);
  if (!named) return fail(named.error().wrap(fmt::format("failed to parse image reference {}", go_quote(out.details))));
  const char* format_hint = "expected format: 'hostname/namespace/stream:tag'";
  if (named->tag.empty())
    return fail(invalid(fmt::format("invalid image reference {}, {}", out.details, format_hint)));
  if (split(named->path, '/').size() != 2)
    return fail(invalid(fmt::format("invalid image reference: {}, {}", named->familiar(), format_hint)));
  out.docker = std::move(*named);
  return {};
}

Status parse_details(ImageName& out) {
  switch (out.transport) {
  case Transport::docker: {
    TRY_ASSIGN(auto docker, parse_docker_transport(out.details));
    out.docker = std::move(docker.docker);
    out.unknown_digest = docker.unknown_digest;
    return {};
  }
  case Transport::oci:
  case Transport::oci_archive: return parse_oci(out);
  case Transport::docker_archive: return parse_docker_archive(out);
  case Transport::docker_daemon: return parse_docker_daemon(out);
  case Transport::atomic: return parse_atomic(out);
  case Transport::dir:
  case Transport::sif: {
    out.path = out.details;
    TRY_ASSIGN(out.resolved_path, resolve_path_to_fully_explicit(out.path));
    return {};
  }
  case Transport::tarball: out.path = out.details; return {};
  case Transport::containers_storage: return {};
  }
  return {};
}

std::string oci_within(const ImageName& n) {
  if (n.source_index) return fmt::format("{}:@{}", n.path, *n.source_index);
  return fmt::format("{}:{}", n.path, n.ref);
}

std::string within_transport(const ImageName& n) {
  switch (n.transport) {
  case Transport::docker:
    return fmt::format("//{}{}", n.docker->familiar(), n.unknown_digest ? k_unknown_digest_suffix : "");
  case Transport::oci:
  case Transport::oci_archive: return oci_within(n);
  case Transport::docker_archive:
    if (n.archive_name) return fmt::format("{}:{}", n.path, n.archive_name->str());
    if (n.source_index) return fmt::format("{}:@{}", n.path, *n.source_index);
    return n.path;
  case Transport::docker_daemon: return n.image_id ? n.image_id->str() : n.docker->familiar();
  case Transport::atomic: return n.docker->familiar();
  case Transport::dir:
  case Transport::sif: return n.path;
  case Transport::tarball:
  case Transport::containers_storage: return n.details;
  }
  return n.details;
}

} // namespace

std::string_view transport_name(Transport t) {
  for (const auto& e : k_transports)
    if (e.transport == t) return e.name;
  return "";
}

std::string ImageName::str() const { return fmt::format("{}:{}", transport_name, within_transport(*this)); }

Result<ImageName> parse_docker_transport(std::string_view details) {
  if (!starts_with(details, "//"))
    return fail(invalid(fmt::format("docker: image reference {} does not start with //", details)));
  ImageName out;
  out.transport_name = "docker";
  out.details = std::string(details);
  std::string_view text = details.substr(2);
  if (ends_with(text, k_unknown_digest_suffix)) {
    out.unknown_digest = true;
    text.remove_suffix(k_unknown_digest_suffix.size());
  }
  TRY_ASSIGN(auto name, parse_normalized_named(text));
  if (out.unknown_digest && !name.name_only())
    return fail(invalid(fmt::format("docker: image reference {} has unknown digest set but it contains either a tag "
                                    "or digest",
                                    go_quote(name.str() + std::string(k_unknown_digest_suffix)))));
  if (!out.unknown_digest) name = name.with_default_tag();
  if (!name.tag.empty() && name.digest)
    return fail(invalid("Docker references with both a tag and digest are currently not supported"));
  out.docker = std::move(name);
  return out;
}

Result<ImageName> parse_image_name(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return fail(invalid(
        fmt::format("Invalid image name {}, expected colon-separated transport:reference", go_quote(text))));
  auto name = text.substr(0, colon);
  if (name == "ostree") return fail(ErrorKind::unsupported, R"(The transport "ostree:" is not supported in this build)");
  for (const auto& e : k_transports) {
    if (e.name != name) continue;
    ImageName out;
    out.transport = e.transport;
    out.transport_name = std::string(e.name);
    out.details = std::string(text.substr(colon + 1));
    TRY(parse_details(out));
    return out;
  }
  return fail(invalid(fmt::format("Invalid image name {}, unknown transport {}", go_quote(text), go_quote(name))));
}

} // namespace hoist::reference
