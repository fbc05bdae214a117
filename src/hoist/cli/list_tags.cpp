// `list-tags REPO`: skopeo's cmd/skopeo/list_tags.go. Output is
// {"Repository": …, "Tags": […]} via MarshalIndent(4 spaces) + "\n".
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/reference/docker.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

void define_list_tags_flags(FlagSet& fs) {
  add_shared_flags(fs);
  add_docker_flags(fs, "");
  add_retry_flags(fs);
}

// alltransports.TransportFromImageName: the known transport before the first ':', or "".
std::string transport_of(const std::string& name) {
  static const char* known[] = {"containers-storage", "dir", "docker", "docker-archive", "docker-daemon",
                                "oci", "oci-archive", "sif", "tarball"};
  auto colon = name.find(':');
  if (colon == std::string::npos) return "";
  std::string t = name.substr(0, colon);
  for (const char* k : known) {
    if (t == k) return t;
  }
  return "";
}

// parseDockerRepositoryReference: "docker://" + a name without tag or digest.
Result<reference::DockerName> docker_repository(const std::string& text) {
  if (!starts_with(text, "docker://")) {
    return fail(ErrorKind::invalid_input, fmt::format("docker: image reference {} does not start with docker://", text));
  }
  TRY_ASSIGN(auto name, reference::parse_normalized_named(text.substr(9)));
  if (!name.name_only()) return fail(ErrorKind::invalid_input, "No tag or digest allowed in reference");
  return name;
}

Status print_tags(const Invocation& inv, const std::string& repository, const std::vector<std::string>& tags) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (!repository.empty()) out["Repository"] = repository;
  out["Tags"] = tags; // [] when empty: skopeo's nil slice would be null, but Tags is never nil here
  std::string text = go_marshal_indent(out, "", "    ") + "\n";
  std::fwrite(text.data(), 1, text.size(), inv.out);
  return {};
}

Status run_list_tags(Invocation& inv) {
  if (inv.args.size() != 1) return fail(usage_error(inv, "Exactly one non-option argument expected"));
  TRY_ASSIGN(auto ctx, image_context(inv, "", {}));
  const std::string& arg = inv.args[0];
  std::string transport = transport_of(arg);
  if (transport.empty()) return fail(ErrorKind::invalid_input, fmt::format("Invalid {}: does not specify a transport", go_quote(arg)));
  if (transport == "docker") {
    TRY_ASSIGN(auto repo, docker_repository(arg));
    std::vector<std::string> tags;
    TRY(with_retry(ctx, [&]() -> Status {
      auto listed = list_docker_tags(repo.with_default_tag(), ctx);
      if (!listed) return fail(listed.error().wrap("Error listing repository tags"));
      tags = std::move(*listed);
      return {};
    }));
    return print_tags(inv, repo.name(), tags);
  }
  if (transport == "docker-archive") {
    TRY_ASSIGN(auto ref, reference::parse_image_name(arg));
    TRY_ASSIGN(auto tags, list_archive_tags(ref, ctx));
    return print_tags(inv, "", tags);
  }
  return fail(ErrorKind::invalid_input,
              fmt::format("Unsupported transport '{}' for tag listing. Only supported: docker, docker-archive", transport));
}

} // namespace

CommandSpec list_tags_command() {
  CommandSpec c;
  c.name = "list-tags";
  c.use = "[command options] SOURCE-IMAGE";
  c.short_help = "List tags in the transport/repository specified by the SOURCE-IMAGE";
  c.long_help = "Return the list of tags from the transport/repository \"SOURCE-IMAGE\"\n\nSupported transports:\n"
                "docker docker-archive\n\nSee skopeo-list-tags(1) section \"REPOSITORY NAMES\" for the expected format\n";
  c.example = "{prog} list-tags docker://docker.io/fedora";
  c.define_flags = define_list_tags_flags;
  c.run = run_list_tags;
  return c;
}

} // namespace hoist::cli
