#include "hoist/cli/policy.hpp"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "hoist/cli/local_files.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

namespace stdfs = std::filesystem;

Result<std::string> default_policy_path() {
  if (const char* env = std::getenv("CONTAINERS_POLICY_JSON"); env && *env) return std::string(env);
  const char* home = std::getenv("HOME");
  std::string user = fmt::format("{}/.config/containers/policy.json", home ? home : "");
  std::vector<std::string> candidates{user, "/etc/containers/policy.json", "/usr/share/containers/policy.json"};
  std::error_code ec;
  for (const auto& c : candidates) {
    if (stdfs::exists(c, ec)) return c;
  }
  std::string list;
  for (const auto& c : candidates) list += (list.empty() ? "" : " ") + go_quote(c);
  return fail(ErrorKind::not_found, fmt::format("no policy.json file found at any of the following: [{}]", list));
}

Status validate(const nlohmann::json& doc) {
  if (!doc.is_object()) return fail(ErrorKind::invalid_input, "json: cannot unmarshal non-object into Go value of type signature.Policy");
  for (const auto& [key, value] : doc.items()) {
    if (key != "default" && key != "transports") return fail(ErrorKind::invalid_input, fmt::format("Unknown key {}", go_quote(key)));
    (void)value;
  }
  if (!doc.contains("default")) return fail(ErrorKind::invalid_input, "Default policy is missing");
  if (!doc["default"].is_array() || doc["default"].empty()) return fail(ErrorKind::invalid_input, "No policy requirements specified");
  return {};
}

std::string abs_path(const std::string& p) {
  std::error_code ec;
  auto resolved = stdfs::weakly_canonical(stdfs::absolute(p, ec), ec);
  return ec ? p : resolved.string();
}

// "/a/b/c" → "/a/b", "/a" (c/image's path namespaces).
void add_parent_dirs(std::string path, std::vector<std::string>& out) {
  while (true) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) break;
    path = path.substr(0, slash);
    out.push_back(path);
  }
}

void add_docker_scopes(const reference::DockerName& name, std::vector<std::string>& out) {
  out.push_back(name.str());
  std::string ns = name.name();
  out.push_back(ns);
  for (auto slash = ns.rfind('/'); slash != std::string::npos; slash = ns.rfind('/')) {
    ns = ns.substr(0, slash);
    out.push_back(ns);
  }
  // Wildcard subdomains: "*.example.com", "*.com" for "a.example.com".
  std::string host = name.domain.substr(0, name.domain.find(':'));
  for (auto dot = host.find('.'); dot != std::string::npos; dot = host.find('.')) {
    host = host.substr(dot + 1);
    out.push_back("*." + host);
  }
}

Status evaluate(const nlohmann::json& reqs, const reference::ImageName& image) {
  if (!reqs.is_array() || reqs.empty()) return fail(ErrorKind::invalid_input, "No policy requirements specified");
  for (const auto& r : reqs) {
    std::string type = r.is_object() && r.contains("type") && r["type"].is_string() ? r["type"].get<std::string>() : "";
    if (type == "insecureAcceptAnything") continue;
    if (type == "reject") {
      return fail(ErrorKind::denied, fmt::format("Running image {} is rejected by policy.", image.str()));
    }
    if (type == "signedBy" || type == "sigstoreSigned") {
      return fail(ErrorKind::unsupported, fmt::format("policy requirement {} is not supported by hoist yet", go_quote(type)));
    }
    return fail(ErrorKind::invalid_input, fmt::format("Unknown policy requirement type {}", go_quote(type)));
  }
  return {};
}

} // namespace

Result<TrustPolicy> load_trust_policy(const Globals& g) {
  TrustPolicy policy;
  if (g.insecure_policy) {
    policy.insecure = true;
    return policy;
  }
  auto load = [&]() -> Status {
    if (g.policy.empty()) {
      TRY_ASSIGN(policy.path, default_policy_path());
    } else {
      policy.path = g.policy;
    }
    TRY_ASSIGN(auto bytes, go_read_file(policy.path));
    auto doc = nlohmann::json::parse(bytes, nullptr, false);
    Status valid = doc.is_discarded() ? Status(fail(ErrorKind::invalid_input, "invalid JSON")) : validate(doc);
    if (!valid) return fail(valid.error().wrap(fmt::format("invalid policy in {}", go_quote(policy.path))));
    policy.document = std::move(doc);
    return {};
  };
  if (auto st = load(); !st) return fail(st.error().wrap("Error loading trust policy"));
  return policy;
}

std::vector<std::string> policy_scopes(const reference::ImageName& image) {
  std::vector<std::string> out;
  using reference::Transport;
  if (image.transport == Transport::docker && image.docker) {
    add_docker_scopes(*image.docker, out);
  } else if (image.transport == Transport::docker_archive || image.transport == Transport::dir ||
             image.transport == Transport::oci || image.transport == Transport::oci_archive) {
    std::string path = abs_path(image.path);
    if ((image.transport == Transport::oci || image.transport == Transport::oci_archive) && !image.ref.empty()) {
      out.push_back(path + ":" + image.ref);
    }
    out.push_back(path);
    add_parent_dirs(path, out);
  }
  return out;
}

Status check_source_allowed(const TrustPolicy& policy, const reference::ImageName& image) {
  if (policy.insecure) return {};
  const auto& doc = policy.document;
  if (doc.contains("transports") && doc["transports"].is_object()) {
    auto t = doc["transports"].find(image.transport_name);
    if (t != doc["transports"].end() && t->is_object()) {
      for (const auto& scope : policy_scopes(image)) {
        if (t->contains(scope)) return evaluate((*t)[scope], image);
      }
      if (t->contains("")) return evaluate((*t)[""], image);
    }
  }
  return evaluate(doc["default"], image);
}

} // namespace hoist::cli
