// Trust policy loading and evaluation (c/image signature/policy_config.go and
// policy_eval.go), limited to the requirement types hoist can evaluate.
#include "hoist/copy/policy.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/transport/local_path.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::copy {

namespace {

using json = nlohmann::json;

Error format_error(std::string msg) { return Error(ErrorKind::invalid_input, std::move(msg)); }

Status only_keys(const json& obj, std::initializer_list<std::string_view> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok) return fail(format_error(fmt::format("Unknown key {}", go_quote(it.key()))));
  }
  return {};
}

Result<PolicyRequirement> parse_requirement(const json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return fail(format_error("policy requirement must be an object with a \"type\" string"));
  PolicyRequirement r{j["type"].get<std::string>()};
  if (r.type == "insecureAcceptAnything" || r.type == "reject") {
    TRY(only_keys(j, {"type"}));
  } else if (r.type != "signedBy" && r.type != "sigstoreSigned") {
    return fail(format_error(fmt::format("Unknown policy requirement type {}", go_quote(r.type))));
  }
  return r;
}

Result<std::vector<PolicyRequirement>> parse_requirements(const json& j) {
  if (!j.is_array()) return fail(format_error("policy requirements must be a list"));
  if (j.empty()) return fail(format_error("List of verification policy requirements must not be empty"));
  std::vector<PolicyRequirement> out;
  for (const auto& e : j) {
    TRY_ASSIGN(auto r, parse_requirement(e));
    out.push_back(std::move(r));
  }
  return out;
}

Status parse_transports(const json& j, Policy& p) {
  if (!j.is_object()) return fail(format_error("\"transports\" must be an object"));
  for (auto t = j.begin(); t != j.end(); ++t) {
    if (!t.value().is_object()) return fail(format_error("transport scopes must be an object"));
    auto& scopes = p.transports[t.key()];
    for (auto s = t.value().begin(); s != t.value().end(); ++s) {
      TRY_ASSIGN(scopes[s.key()], parse_requirements(s.value()));
    }
  }
  return {};
}

std::string home_dir() {
  const char* h = std::getenv("HOME");
  return h ? h : "";
}

// Parent directories of an absolute path, nearest first, without "/".
std::vector<std::string> path_namespaces(std::string path, bool include_self) {
  std::vector<std::string> out;
  if (include_self && path != "/") out.push_back(path);
  for (;;) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) break;
    path = path.substr(0, slash);
    out.push_back(path);
  }
  return out;
}

std::vector<std::string> docker_namespaces(const std::string& repo_name) {
  std::vector<std::string> out;
  std::string name = repo_name;
  for (;;) {
    out.push_back(name);
    auto slash = name.rfind('/');
    if (slash == std::string::npos) break;
    name = name.substr(0, slash);
  }
  if (auto colon = name.find(':'); colon != std::string::npos) name = name.substr(0, colon);
  for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.')) {
    name = name.substr(dot + 1);
    out.push_back("*." + name);
  }
  return out;
}

const std::vector<PolicyRequirement>& requirements_for(const Policy& p, const PolicySubject& s) {
  auto t = p.transports.find(s.transport);
  if (t != p.transports.end()) {
    if (auto it = t->second.find(s.identity); it != t->second.end()) return it->second;
    for (const auto& ns : s.namespaces)
      if (auto it = t->second.find(ns); it != t->second.end()) return it->second;
    if (auto it = t->second.find(""); it != t->second.end()) return it->second;
  }
  return p.default_requirements;
}

} // namespace

Policy insecure_policy() {
  Policy p;
  p.default_requirements.push_back(PolicyRequirement{"insecureAcceptAnything"});
  return p;
}

Result<Policy> parse_policy(std::string_view bytes) {
  json j;
  try {
    j = json::parse(bytes);
  } catch (const json::exception& e) {
    return fail(format_error(e.what()));
  }
  if (!j.is_object()) return fail(format_error("policy must be a JSON object"));
  TRY(only_keys(j, {"default", "transports"}));
  Policy p;
  if (!j.contains("default") || j["default"].is_null()) return fail(format_error("Default policy is missing"));
  TRY_ASSIGN(p.default_requirements, parse_requirements(j["default"]));
  if (j.contains("transports") && !j["transports"].is_null()) TRY(parse_transports(j["transports"], p));
  return p;
}

Result<Policy> load_policy(const std::optional<std::string>& path) {
  std::string chosen;
  if (path) {
    chosen = *path;
  } else if (const char* env = std::getenv("CONTAINERS_POLICY_JSON"); env && *env) {
    chosen = env;
  } else {
    std::vector<std::string> candidates = {home_dir() + "/.config/containers/policy.json",
                                           "/etc/containers/policy.json", "/usr/share/containers/policy.json"};
    for (const auto& c : candidates)
      if (fs::exists(c)) {
        chosen = c;
        break;
      }
    if (chosen.empty())
      return fail(ErrorKind::not_found, fmt::format("no policy.json file found at any of the following: {}, {}, {}",
                                                    go_quote(candidates[0]), go_quote(candidates[1]),
                                                    go_quote(candidates[2])));
  }
  TRY_ASSIGN(std::string bytes, fs::read_file(chosen));
  auto p = parse_policy(bytes);
  if (!p) return fail(p.error().wrap(fmt::format("invalid policy in {}", go_quote(chosen))));
  return p;
}

PolicySubject policy_subject(const reference::ImageName& name) {
  PolicySubject s;
  s.transport = name.transport_name;
  s.image_name = name.str();
  if (name.transport == reference::Transport::docker && name.docker) {
    s.identity = name.docker->str();
    s.namespaces = docker_namespaces(name.docker->name());
  } else if (name.transport == reference::Transport::dir || name.transport == reference::Transport::oci ||
             name.transport == reference::Transport::oci_archive ||
             name.transport == reference::Transport::docker_archive) {
    s.identity = transport::resolve_path_explicit(name.path);
    // oci: lists the directory itself first (the image name is not part of the identity).
    s.namespaces = path_namespaces(s.identity, name.transport != reference::Transport::dir);
  }
  return s;
}

Status check_policy(const PolicyCheck& check) {
  for (const auto& r : requirements_for(check.policy, check.subject)) {
    if (r.type == "insecureAcceptAnything") continue;
    if (r.type == "reject")
      return fail(ErrorKind::denied, fmt::format("Running image {} is rejected by policy.", check.subject.image_name));
    return fail(ErrorKind::unsupported,
                fmt::format("hoist does not support {} policy requirements yet", r.type));
  }
  return {};
}

} // namespace hoist::copy
