#include "hoist/transport/docker_archive/legacy.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "hoist/util/gojson.hpp"

namespace hoist::transport::docker_archive {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view s, size_t i) {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

// End of the string token starting at s[i] == '"' (one past the closing quote).
size_t string_end(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i + 1;
  }
  return s.size();
}

// End of the (valid) JSON value starting at s[i].
size_t value_end(std::string_view s, size_t i) {
  if (s[i] == '"') return string_end(s, i);
  if (s[i] != '{' && s[i] != '[') {
    while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    return i;
  }
  int depth = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '"') {
      i = string_end(s, i) - 1;
    } else if (s[i] == '{' || s[i] == '[') {
      ++depth;
    } else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return s.size();
}

tl::unexpected<Error> unmarshal_error(std::string message) {
  return fail(Error(ErrorKind::invalid_input, std::move(message)).wrap("unmarshaling config"));
}

constexpr std::array<std::string_view, 7> k_top_layer_attrs = {
    "architecture", "config", "container", "container_config", "created", "docker_version", "os"};

std::string marshal_map(const std::map<std::string, std::string>& members) {
  std::string out = "{";
  for (const auto& [key, value] : members) {
    if (out.size() > 1) out += ',';
    out += go_json_string(key) + ":" + value;
  }
  return out + "}";
}

} // namespace

Result<std::map<std::string, std::string>> raw_members(std::string_view json) {
  if (!nlohmann::json::accept(json)) return unmarshal_error("invalid JSON");
  std::map<std::string, std::string> out;
  size_t i = skip_space(json, 0);
  if (json.substr(i, 4) == "null") return out;
  if (json[i] != '{') return unmarshal_error("json: cannot unmarshal non-object into Go value of type map[string]*json.RawMessage");
  i = skip_space(json, i + 1);
  while (i < json.size() && json[i] != '}') {
    size_t key_end = string_end(json, i);
    std::string key = nlohmann::json::parse(json.substr(i, key_end - i)).get<std::string>();
    i = skip_space(json, key_end) + 1; // past ':'
    i = skip_space(json, i);
    size_t end = value_end(json, i);
    out[key] = std::string(json.substr(i, end - i));
    i = skip_space(json, end);
    if (i < json.size() && json[i] == ',') i = skip_space(json, i + 1);
  }
  return out;
}

std::string go_compact(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '<' || c == '>' || c == '&') {
      out += c == '<' ? "\\u003c" : c == '>' ? "\\u003e" : "\\u0026";
    } else if (c == '\xe2' && i + 2 < raw.size() && raw[i + 1] == '\x80' && (raw[i + 2] == '\xa8' || raw[i + 2] == '\xa9')) {
      out += raw[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < raw.size()) out += raw[++i];
      else if (c == '"') in_string = false;
    } else if (!is_space(c)) {
      out += c;
      in_string = c == '"';
    }
  }
  return out;
}

Result<std::vector<LegacyLayer>> legacy_layers(const std::vector<Digest>& layer_digests, std::string_view config) {
  std::vector<LegacyLayer> out;
  std::string chain_id;
  for (size_t i = 0; i < layer_digests.size(); ++i) {
    std::map<std::string, std::string> members;
    if (!out.empty()) members["parent"] = go_json_string(out.back().id);
    if (i + 1 == layer_digests.size()) {
      TRY_ASSIGN(auto raw, raw_members(config));
      for (std::string_view attr : k_top_layer_attrs) {
        auto it = raw.find(std::string(attr));
        members[std::string(attr)] = it == raw.end() ? "null" : go_compact(it->second);
      }
    }
    chain_id = i == 0 ? layer_digests[0].str() : Digest::of(chain_id + " " + layer_digests[i].str()).str();
    members["layer_id"] = go_json_string(chain_id);
    std::string id = Digest::of(marshal_map(members)).hex();
    members.erase("layer_id");
    members["id"] = go_json_string(id);
    out.push_back(LegacyLayer{id, marshal_map(members)});
  }
  return out;
}

} // namespace hoist::transport::docker_archive
