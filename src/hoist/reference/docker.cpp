#include "hoist/reference/docker.hpp"

#include <fmt/format.h>

#include "hoist/reference/grammar.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::reference {

namespace {

constexpr std::string_view k_legacy_default_domain = "index.docker.io";
constexpr std::string_view k_official_repo = "library";

// splitDockerDomain: the first component is a registry only if it looks like one.
std::pair<std::string, std::string> split_docker_domain(std::string_view name) {
  std::string domain, remainder;
  auto slash = name.find('/');
  auto first = name.substr(0, slash);
  if (slash == std::string_view::npos ||
      (first.find_first_of(".:") == std::string_view::npos && first != "localhost")) {
    domain = k_default_domain;
    remainder = name;
  } else {
    domain = first;
    remainder = name.substr(slash + 1);
  }
  if (domain == k_legacy_default_domain) domain = k_default_domain;
  if (domain == k_default_domain && remainder.find('/') == std::string::npos)
    remainder = fmt::format("{}/{}", k_official_repo, remainder);
  return {domain, remainder};
}

bool is_go_digest_syntax(std::string_view s) {
  // `^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon + 1 == s.size()) return false;
  bool after_separator = true; // components [a-z0-9]+ joined by single [.+_-]
  for (char c : s.substr(0, colon)) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool sep = c == '.' || c == '+' || c == '_' || c == '-';
    if (!alnum && !(sep && !after_separator)) return false;
    after_separator = sep;
  }
  if (after_separator) return false;
  for (char c : s.substr(colon + 1)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Error invalid(std::string message) { return Error(ErrorKind::invalid_input, std::move(message)); }

// reference.Parse on the normalized "domain/remainder" string.
Result<DockerName> parse_full(const std::string& s) {
  auto m = grammar::match_reference(s);
  if (!m) {
    if (grammar::match_reference(to_lower(s))) return fail(invalid("repository name must be lowercase"));
    return fail(invalid("invalid reference format"));
  }
  if (m->name.size() > k_name_total_length_max)
    return fail(invalid(fmt::format("repository name must not be more than {} characters", k_name_total_length_max)));
  DockerName out{std::string(m->domain), std::string(m->path), std::string(m->tag), std::nullopt};
  if (!m->digest.empty()) {
    TRY_ASSIGN(out.digest, parse_go_digest(m->digest));
  }
  return out;
}

} // namespace

std::string DockerName::name() const { return domain.empty() ? path : fmt::format("{}/{}", domain, path); }

std::string DockerName::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

std::string DockerName::familiar_name() const {
  if (domain != k_default_domain) return name();
  auto parts = split(path, '/');
  if (parts.size() == 2 && parts[0] == k_official_repo) return parts[1];
  return path;
}

std::string DockerName::familiar() const {
  std::string out = familiar_name();
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

std::string DockerName::registry_host() const {
  return domain == k_default_domain ? std::string("registry-1.docker.io") : domain;
}

DockerName DockerName::with_default_tag() const {
  DockerName out = *this;
  if (name_only()) out.tag = k_default_tag;
  return out;
}

DockerName DockerName::repository() const { return DockerName{domain, path, "", std::nullopt}; }

Result<DockerName> parse_normalized_named(std::string_view text) {
  if (grammar::is_identifier(text))
    return fail(invalid(
        fmt::format("invalid repository name ({}), cannot specify 64-byte hexadecimal strings", text)));
  auto [domain, remainder] = split_docker_domain(text);
  std::string_view remote = std::string_view(remainder).substr(0, remainder.find(':'));
  if (grammar::has_upper(remote))
    return fail(invalid("invalid reference format: repository name must be lowercase"));
  return parse_full(fmt::format("{}/{}", domain, remainder));
}

Result<Digest> parse_go_digest(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return fail(invalid("invalid checksum digest format"));
  auto algo = text.substr(0, colon);
  auto hex = text.substr(colon + 1);
  size_t want = algo == "sha256" ? 64 : algo == "sha384" ? 96 : algo == "sha512" ? 128 : 0;
  if (want == 0) {
    if (!is_go_digest_syntax(text)) return fail(invalid("invalid checksum digest format"));
    return fail(ErrorKind::unsupported, "unsupported digest algorithm");
  }
  if (hex.size() != want) return fail(invalid("invalid checksum digest length"));
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return fail(invalid("invalid checksum digest format"));
  if (algo == "sha384") return fail(ErrorKind::unsupported, "unsupported digest algorithm");
  return Digest::parse(text);
}

bool is_valid_tag(std::string_view tag) { return grammar::is_tag(tag); }

} // namespace hoist::reference
