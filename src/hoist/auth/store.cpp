// SetCredentials / RemoveAuthentication / RemoveAllAuthentication. Each edit reads the
// primary file, changes it in memory and writes it back whole (auth.json: only auths and
// credHelpers survive; Docker-compatible config.json: every other top-level key is kept).
#include "hoist/auth/store.hpp"

#include <cerrno>
#include <functional>
#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/auth/auth_file.hpp"
#include "hoist/auth/go_json_syntax.hpp"
#include "hoist/auth/helper.hpp"
#include "hoist/auth/os_text.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::auth {

namespace {

using json = nlohmann::ordered_json;

struct Edit {
  bool updated = false;
  std::string description;
};
using Editor = std::function<Result<Edit>(AuthFileContents&)>;

// os.MkdirAll(dir, 0700).
Status mkdir_all(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return fail(go_path_error("mkdir", dir, ENOTDIR));
  }
  std::string parent = dir_of(dir);
  if (parent != dir && parent != "." && parent != "/") TRY(mkdir_all(parent));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return fail(go_path_error("mkdir", dir, errno));
  return {};
}

Status write_back(const std::string& path, const std::string& data) {
  auto written = fs::write_file_atomic(path, data, 0600);
  if (!written) return fail(written.error().wrap(fmt::format("writing to file {}", go_quote(path))));
  return {};
}

// modifyJSON: the containers auth.json editor.
Result<std::string> modify_json(const AuthPathOptions& paths, const Editor& editor) {
  TRY_ASSIGN(auto primary, primary_auth_path(paths));
  const std::string& path = primary.path.path;
  TRY(mkdir_all(dir_of(path)));
  auto contents = read_auth_file(primary.path);
  if (!contents) return fail(contents.error().wrap(fmt::format("reading JSON file {}", go_quote(path))));
  auto edit = editor(*contents);
  if (!edit) return fail(edit.error().wrap(fmt::format("updating {}", go_quote(path))));
  if (edit->updated) TRY(write_back(path, serialize_auth_json(*contents)));
  return edit->description.empty() ? path : edit->description;
}

Result<json> read_raw_config(const std::string& path) {
  TRY_ASSIGN(auto data, read_os_file(path));
  if (!data) return json::object();
  if (auto err = go_json_syntax_error(*data)) {
    return fail(ErrorKind::invalid_input, fmt::format("unmarshaling JSON at {}: {}", go_quote(path), *err));
  }
  json doc = json::parse(*data, nullptr, false);
  if (doc.is_null()) return json::object();
  if (!doc.is_object()) {
    return fail(ErrorKind::invalid_input, fmt::format("unmarshaling JSON at {}: json: cannot unmarshal {} into Go "
                                                      "value of type map[string]json.RawMessage",
                                                      go_quote(path), doc.is_array() ? "array" : "string"));
  }
  return doc;
}

Result<AuthFileContents> synthetic_contents(const json& raw, const std::string& path) {
  AuthFileContents contents;
  if (raw.contains("auths")) {
    auto auths = parse_auth_json(raw["auths"].dump(), true);
    if (!auths) return fail(auths.error().wrap(fmt::format("unmarshaling \"auths\" in JSON at {}", go_quote(path))));
    contents.auths = std::move(auths->auths);
  }
  if (raw.contains("credHelpers") && raw["credHelpers"].is_object()) {
    for (const auto& [k, v] : raw["credHelpers"].items()) {
      if (v.is_string()) contents.cred_helpers[k] = v.get<std::string>();
    }
  }
  return contents;
}

// modifyDockerConfigJSON: only "auths" is replaced; other keys keep their values.
Result<std::string> modify_docker_config_json(const std::string& path, const Editor& editor) {
  TRY(mkdir_all(dir_of(path)));
  TRY_ASSIGN(auto raw, read_raw_config(path));
  TRY_ASSIGN(auto contents, synthetic_contents(raw, path));
  auto edit = editor(contents);
  if (!edit) return fail(edit.error().wrap(fmt::format("updating {}", go_quote(path))));
  if (edit->updated) {
    json auths = json::parse(serialize_auth_json(contents))["auths"];
    raw["auths"] = std::move(auths);
    std::map<std::string, json> sorted;
    for (auto& [k, v] : raw.items()) sorted[k] = v;
    json out = json::object();
    for (auto& [k, v] : sorted) out[k] = std::move(v);
    TRY(write_back(path, go_marshal_indent(out, "", "\t")));
  }
  return edit->description.empty() ? path : edit->description;
}

struct Prepared {
  std::vector<std::string> helpers;
  std::function<Result<std::string>(const Editor&)> edit_file;
  std::string key;
  bool namespaced = false;
};

// prepareForEdit.
Result<Prepared> prepare_for_edit(const StoreContext& ctx, std::string_view key, bool key_relevant) {
  Prepared p;
  p.key = std::string(key);
  if (key_relevant) {
    TRY_ASSIGN(p.namespaced, validate_key(key));
  }
  const std::string compat = ctx.paths.docker_compat_path;
  if (!compat.empty()) {
    if (!ctx.paths.auth_file_path.empty()) {
      return fail(ErrorKind::invalid_input, "AuthFilePath and DockerCompatAuthFilePath can not be set simultaneously");
    }
    if (key_relevant && p.namespaced) {
      return fail(ErrorKind::invalid_input, fmt::format("Credentials cannot be recorded in Docker-compatible format "
                                                        "with namespaced key {}", go_quote(key)));
    }
    if (key_relevant && p.key == "docker.io") p.key = "https://index.docker.io/v1/";
    p.helpers = {std::string(k_auth_file_helper)};
    p.edit_file = [compat](const Editor& e) { return modify_docker_config_json(compat, e); };
    p.namespaced = false;
    return p;
  }
  p.helpers = ctx.credential_helpers;
  if (p.helpers.empty()) p.helpers.emplace_back(k_auth_file_helper);
  AuthPathOptions paths = ctx.paths;
  p.edit_file = [paths](const Editor& e) { return modify_json(paths, e); };
  return p;
}

Error unsupported_namespace(std::string_view helper) {
  return Error(ErrorKind::unsupported, fmt::format("namespaced key is not supported for credential helper {}", helper));
}

// multierr.Format(first, middle, last, errs).
Error join(const std::vector<Error>& errors, std::string_view first, std::string_view middle, std::string_view last) {
  if (errors.size() == 1) return errors.front();
  std::string text = std::string(first) + errors.front().what();
  for (size_t i = 1; i < errors.size(); ++i) text += std::string(middle) + errors[i].what();
  return Error(errors.front().kind(), text + std::string(last));
}

} // namespace

Result<std::optional<Credentials>> stored_for_key(const StoreContext& ctx, std::string_view key) {
  LookupOptions options;
  options.authfile = ctx.paths.auth_file_path.empty() ? ctx.paths.docker_compat_path : ctx.paths.auth_file_path;
  options.credential_helpers = ctx.paths.docker_compat_path.empty() ? ctx.credential_helpers
                                                                    : std::vector<std::string>{};
  return lookup_key(options, key);
}

Result<std::string> store_login(const StoreContext& ctx, std::string_view key_in, std::string_view username,
                                std::string_view password) {
  TRY_ASSIGN(auto p, prepare_for_edit(ctx, key_in, true));
  const std::string& key = p.key;
  std::vector<Error> errors;
  for (const auto& helper : p.helpers) {
    Result<std::string> desc = std::string();
    if (helper == k_auth_file_helper) {
      desc = p.edit_file([&](AuthFileContents& c) -> Result<Edit> {
        if (auto ch = c.cred_helpers.find(key); ch != c.cred_helpers.end()) {
          if (p.namespaced) return fail(unsupported_namespace(ch->second));
          TRY_ASSIGN(auto d, helper_store(ch->second, key, username, password));
          return Edit{false, d};
        }
        c.auths[key] = AuthEntry{base64_encode(std::string(username) + ":" + std::string(password)), ""};
        return Edit{true, ""};
      });
    } else {
      desc = p.namespaced ? Result<std::string>(fail(unsupported_namespace(helper)))
                          : helper_store(helper, key, username, password);
    }
    if (desc) {
      log::debug(fmt::format("Stored credentials for {} in credential helper {}", key, helper));
      return desc;
    }
    log::debug(fmt::format("Error storing credentials for {} in credential helper {}: {}", key, helper,
                           desc.error().what()));
    errors.push_back(desc.error());
  }
  return fail(join(errors, "Errors storing credentials\n\t* ", "\n\t* ", "\n"));
}

Result<bool> remove_login(const StoreContext& ctx, std::string_view key_in) {
  TRY_ASSIGN(auto p, prepare_for_edit(ctx, key_in, true));
  const std::string& key = p.key;
  bool logged_in = false;
  auto remove_from_helper = [&](const std::string& helper) -> Status {
    if (p.namespaced) return {};
    auto erased = helper_erase(helper, key);
    if (!erased) {
      return fail(erased.error().wrap(fmt::format("removing credentials for {} from credential helper {}", key,
                                                  helper)));
    }
    logged_in = true;
    return {};
  };
  std::vector<Error> errors;
  for (const auto& helper : p.helpers) {
    Status st;
    if (helper == k_auth_file_helper) {
      auto edited = p.edit_file([&](AuthFileContents& c) -> Result<Edit> {
        if (auto ch = c.cred_helpers.find(key); ch != c.cred_helpers.end()) TRY(remove_from_helper(ch->second));
        if (c.auths.erase(key) > 0) logged_in = true;
        return Edit{true, ""};
      });
      if (!edited) st = fail(edited.error());
    } else {
      st = remove_from_helper(helper);
    }
    if (!st) errors.push_back(st.error());
  }
  if (!errors.empty()) return fail(join(errors, "errors removing credentials\n\t* ", "\n\t*", "\n"));
  return logged_in;
}

Status remove_all(const StoreContext& ctx) {
  TRY_ASSIGN(auto p, prepare_for_edit(ctx, "", false));
  std::vector<Error> errors;
  for (const auto& helper : p.helpers) {
    Status st;
    if (helper == k_auth_file_helper) {
      auto edited = p.edit_file([&](AuthFileContents& c) -> Result<Edit> {
        for (const auto& [registry, name] : c.cred_helpers) TRY(helper_erase(name, registry));
        c.cred_helpers.clear();
        c.auths.clear();
        return Edit{true, ""};
      });
      if (!edited) st = fail(edited.error());
    } else if (auto listed = helper_list(helper)) {
      for (const auto& entry : *listed) {
        if (st) st = helper_erase(helper, entry.first);
      }
    } else if (listed.error().message().find("executable file not found") == std::string::npos) {
      st = fail(listed.error());
    }
    if (!st) errors.push_back(st.error());
  }
  if (!errors.empty()) return fail(join(errors, "errors removing all credentials:\n\t* ", "\n\t* ", "\n"));
  return {};
}

} // namespace hoist::auth
