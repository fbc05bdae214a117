// Byte-exact reimplementation of Go's encoding/json output (encode.go + indent.go):
// see gojson.hpp. Objects are written in the order they hold their keys.
#include "hoist/util/gojson.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace hoist {
namespace {

using json = nlohmann::ordered_json;

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid (Go's utf8.DecodeRune
// returning RuneError/1). `cp` receives the code point.
size_t utf8_sequence(std::string_view s, size_t i, char32_t& cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (n == 0 || b0 > 0xF4 || i + n > s.size()) return 0;
  cp = b0 & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void append_ascii_escaped(std::string& out, unsigned char b) {
  switch (b) {
  case '\\': out += "\\\\"; return;
  case '"': out += "\\\""; return;
  case '\b': out += "\\b"; return;
  case '\f': out += "\\f"; return;
  case '\n': out += "\\n"; return;
  case '\r': out += "\\r"; return;
  case '\t': out += "\\t"; return;
  default: out += fmt::format("\\u00{:02x}", b); return;
  }
}

bool html_safe_ascii(unsigned char b) {
  return b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&';
}

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (html_safe_ascii(b)) out += static_cast<char>(b);
      else append_ascii_escaped(out, b);
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
    } else if (cp == 0x2028 || cp == 0x2029) {
      out += fmt::format("\\u{:04x}", static_cast<uint32_t>(cp));
      i += n;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  out += '"';
}

// encoding/json floatEncoder for float64.
void append_float(std::string& out, double f) {
  char buf[64];
  double a = std::fabs(f);
  bool exp = a != 0 && (a < 1e-6 || a >= 1e21);
  auto r = std::to_chars(buf, buf + sizeof buf, f, exp ? std::chars_format::scientific : std::chars_format::fixed);
  std::string s(buf, r.ptr);
  size_t n = s.size();
  if (exp && n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
  out += s;
}

void append_value(std::string& out, const json& v);

void append_object(std::string& out, const json& v) {
  out += '{';
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!first) out += ',';
    first = false;
    append_string(out, it.key());
    out += ':';
    append_value(out, it.value());
  }
  out += '}';
}

void append_value(std::string& out, const json& v) {
  switch (v.type()) {
  case json::value_t::null: out += "null"; return;
  case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
  case json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return;
  case json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return;
  case json::value_t::number_float: append_float(out, v.get<double>()); return;
  case json::value_t::string: append_string(out, v.get_ref<const std::string&>()); return;
  case json::value_t::object: append_object(out, v); return;
  case json::value_t::array: {
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      append_value(out, v[i]);
    }
    out += ']';
    return;
  }
  default: out += "null"; return; // binary/discarded never occur in our values
  }
}

// json.Indent over compact output: newline + prefix + indent×depth after an opening
// bracket (unless the container is empty), after each ',', before a closing bracket.
std::string indent_compact(std::string_view src, std::string_view prefix, std::string_view indent) {
  std::string out;
  out.reserve(src.size() * 2);
  int depth = 0;
  bool in_string = false, escaped = false, need_indent = false;
  auto newline = [&] {
    out += '\n';
    out += prefix;
    for (int d = 0; d < depth; ++d) out += indent;
  };
  for (char c : src) {
    if (in_string) {
      out += c;
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (need_indent && c != ']' && c != '}') {
      need_indent = false;
      ++depth;
      newline();
    }
    switch (c) {
    case '"': in_string = true; out += c; break;
    case '{': case '[': out += c; need_indent = true; break;
    case ',': out += c; newline(); break;
    case ':': out += ": "; break;
    case '}': case ']':
      if (need_indent) need_indent = false; // empty: stays "{}" / "[]"
      else { --depth; newline(); }
      out += c;
      break;
    default: out += c;
    }
  }
  return out;
}

} // namespace

std::string go_marshal(const json& value) {
  std::string out;
  append_value(out, value);
  return out;
}

std::string go_marshal_indent(const json& value, std::string_view prefix, std::string_view indent) {
  return indent_compact(go_marshal(value), prefix, indent);
}

std::string go_json_string(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

json sorted_map_json(const std::map<std::string, std::string>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

json string_array_json(const std::vector<std::string>& v) {
  json j = json::array();
  for (const auto& s : v) j.push_back(s);
  return j;
}

json sort_keys_recursively(const json& value) {
  if (value.is_array()) {
    json out = json::array();
    for (const auto& e : value) out.push_back(sort_keys_recursively(e));
    return out;
  }
  if (!value.is_object()) return value;
  std::vector<std::string> keys;
  for (auto it = value.begin(); it != value.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  json out = json::object();
  for (const auto& k : keys) out[k] = sort_keys_recursively(value.at(k));
  return out;
}

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view t, size_t i) {
  while (i < t.size() && is_json_space(t[i])) ++i;
  return i;
}

// Index just past the string starting at t[i] == '"', or npos.
size_t string_end(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') ++i;
    else if (t[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// Index just past the value starting at t[i] (strings, nesting); npos if it never ends.
size_t value_end(std::string_view t, size_t i) {
  if (i < t.size() && t[i] == '"') return string_end(t, i);
  int depth = 0;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      i = string_end(t, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || is_json_space(c))) {
      return i;
    }
  }
  return depth == 0 ? i : std::string_view::npos;
}

} // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> raw_object_members(std::string_view text) {
  if (!nlohmann::json::accept(text)) return std::nullopt;
  size_t i = skip_space(text, 0);
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (i = skip_space(text, i + 1); i < text.size() && text[i] != '}';) {
    size_t key_end = string_end(text, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    std::string key = nlohmann::json::parse(text.substr(i, key_end - i)).get<std::string>();
    i = skip_space(text, key_end) + 1; // past ':'
    i = skip_space(text, i);
    size_t end = value_end(text, i);
    if (end == std::string_view::npos) return std::nullopt;
    out.emplace_back(std::move(key), std::string(text.substr(i, end - i)));
    i = skip_space(text, end);
    if (i < text.size() && text[i] == ',') i = skip_space(text, i + 1);
  }
  return out;
}

std::string go_compact_raw(std::string_view raw) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (!in_string) {
      if (is_json_space(c)) continue;
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < raw.size()) {
      out += c;
      out += raw[++i];
    } else if (c == '"') {
      in_string = false;
      out += c;
    } else if (c == '<' || c == '>' || c == '&') {
      out += fmt::format("\\u00{:02x}", static_cast<unsigned char>(c));
    } else if (c == '\xe2' && raw.substr(i + 1, 1) == "\x80" && i + 2 < raw.size() &&
               (raw[i + 2] == '\xa8' || raw[i + 2] == '\xa9')) {
      out += raw[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string go_marshal_raw_map(const std::map<std::string, std::string>& members) {
  std::string out = "{";
  for (const auto& [key, value] : members) {
    if (out.size() > 1) out += ',';
    out += go_json_string(key) + ":" + value;
  }
  return out + "}";
}

} // namespace hoist
