// Go encoding/json decoding rules for the manifest and config readers (see decode.hpp).
#include "hoist/manifest/decode.hpp"

#include <fmt/format.h>

namespace hoist::manifest::detail {
namespace {

bool ascii_equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view go_kind(const json& v) {
  switch (v.type()) {
  case json::value_t::string: return "string";
  case json::value_t::boolean: return "bool";
  case json::value_t::object: return "object";
  case json::value_t::array: return "array";
  case json::value_t::null: return "null";
  default: return "number";
  }
}

tl::unexpected<Error> type_error(const json& v, std::string_view name, std::string_view where,
                                 std::string_view go_type) {
  std::string kind(go_kind(v));
  if (v.is_number()) kind = "number " + v.dump();
  return fail(ErrorKind::invalid_input, fmt::format("json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                                                    kind, where, name, go_type));
}

std::string describe_char(char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  if (static_cast<unsigned char>(c) < 0x20) return fmt::format("'\\x{:02x}'", static_cast<unsigned char>(c));
  return fmt::format("'{}'", c);
}

} // namespace

Result<json> parse_json(std::string_view bytes) {
  try {
    return json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error& e) {
    size_t pos = e.byte > 0 ? e.byte - 1 : 0;
    if (pos >= bytes.size()) return fail(ErrorKind::invalid_input, "unexpected end of JSON input");
    return fail(ErrorKind::invalid_input, fmt::format("invalid character {} looking for beginning of value",
                                                      describe_char(bytes[pos])));
  }
}

const json* field(const json& obj, std::string_view name) {
  if (!obj.is_object()) return nullptr;
  const json* found = nullptr;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.key() == name || ascii_equal_fold(it.key(), name)) found = &it.value();
  }
  if (found && found->is_null()) return nullptr;
  return found;
}

Status read_string(const json& obj, std::string_view name, std::string_view where, std::string& out) {
  const json* v = field(obj, name);
  if (!v) return {};
  if (!v->is_string()) return type_error(*v, name, where, "string");
  out = v->get<std::string>();
  return {};
}

Status read_int64(const json& obj, std::string_view name, std::string_view where, int64_t& out) {
  const json* v = field(obj, name);
  if (!v) return {};
  if (!v->is_number_integer()) return type_error(*v, name, where, "int64");
  out = v->get<int64_t>();
  return {};
}

Status read_int(const json& obj, std::string_view name, std::string_view where, int& out) {
  int64_t n = out;
  TRY(read_int64(obj, name, where, n));
  out = static_cast<int>(n);
  return {};
}

Status read_bool(const json& obj, std::string_view name, std::string_view where, bool& out) {
  const json* v = field(obj, name);
  if (!v) return {};
  if (!v->is_boolean()) return type_error(*v, name, where, "bool");
  out = v->get<bool>();
  return {};
}

Status read_strings(const json& obj, std::string_view name, std::string_view where,
                    std::optional<std::vector<std::string>>& out) {
  const json* v = field(obj, name);
  if (!v) return {};
  if (!v->is_array()) return type_error(*v, name, where, "[]string");
  std::vector<std::string> items;
  for (const auto& e : *v) {
    if (e.is_null()) { items.emplace_back(); continue; }
    if (!e.is_string()) return type_error(e, name, where, "string");
    items.push_back(e.get<std::string>());
  }
  out = std::move(items);
  return {};
}

Status read_string_map(const json& obj, std::string_view name, std::string_view where,
                       std::optional<std::map<std::string, std::string>>& out) {
  const json* v = field(obj, name);
  if (!v) return {};
  if (!v->is_object()) return type_error(*v, name, where, "map[string]string");
  std::map<std::string, std::string> m = out.value_or(std::map<std::string, std::string>{});
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (it.value().is_null()) { m[it.key()]; continue; }
    if (!it.value().is_string()) return type_error(it.value(), name, where, "string");
    m[it.key()] = it.value().get<std::string>();
  }
  out = std::move(m);
  return {};
}

Status expect_object(const json* v, std::string_view name, std::string_view where, std::string_view go_type) {
  if (v && !v->is_object()) return type_error(*v, name, where, go_type);
  return {};
}

Status expect_array(const json* v, std::string_view name, std::string_view where, std::string_view go_type) {
  if (v && !v->is_array()) return type_error(*v, name, where, go_type);
  return {};
}

} // namespace hoist::manifest::detail
