#include "hoist/cli/flags.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

Error invalid(std::string msg) { return Error(ErrorKind::invalid_input, std::move(msg)); }

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// strconv.ParseUint(s, 0, 64) without the sign; false + range flag on failure.
bool parse_go_uint(std::string_view s, uint64_t& out, bool& range) {
  range = false;
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') base = 16, s.remove_prefix(2);
    else if (p == 'o') base = 8, s.remove_prefix(2);
    else if (p == 'b') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c == '_') continue; // Go accepts underscores with a base prefix; close enough
    int v = digit_value(c);
    if (v >= base) return false;
    if (out > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(v)) / static_cast<uint64_t>(base)) range = true;
    out = out * static_cast<uint64_t>(base) + static_cast<uint64_t>(v);
  }
  return !range;
}

Result<int64_t> parse_go_int(const std::string& s, std::string_view func) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) neg = body[0] == '-', body.remove_prefix(1);
  uint64_t u = 0;
  bool range = false;
  bool ok = parse_go_uint(body, u, range);
  constexpr uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (ok && (neg ? u > limit + 1 : u > limit)) ok = false, range = true;
  if (!ok) {
    return fail(invalid(fmt::format("{}: parsing {}: {}", func, go_quote(s), range ? "value out of range" : "invalid syntax")));
  }
  return neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
}

Result<uint64_t> parse_go_uint_flag(const std::string& s) {
  uint64_t u = 0;
  bool range = false;
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  if (!parse_go_uint(body, u, range)) {
    return fail(invalid(fmt::format("strconv.ParseUint: parsing {}: {}", go_quote(s), range ? "value out of range" : "invalid syntax")));
  }
  return u;
}

// encoding/csv on one line, as pflag's string slices read their value.
Result<std::vector<std::string>> read_csv(const std::string& v) {
  std::vector<std::string> out;
  if (v.empty()) return out;
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    if (i < v.size() && v[i] == '"') {
      for (++i; i < v.size(); ++i) {
        if (v[i] != '"') { field += v[i]; continue; }
        if (i + 1 < v.size() && v[i + 1] == '"') { field += '"'; ++i; continue; }
        ++i;
        break;
      }
      if (i < v.size() && v[i] != ',') {
        return fail(invalid(fmt::format("parse error on line 1, column {}: extraneous or missing \" in quoted-field", i + 1)));
      }
    } else {
      for (; i < v.size() && v[i] != ','; ++i) {
        if (v[i] == '"') return fail(invalid(fmt::format("parse error on line 1, column {}: bare \" in non-quoted-field", i + 1)));
        field += v[i];
      }
    }
    out.push_back(field);
    if (i >= v.size()) break;
    ++i; // the comma
  }
  return out;
}

std::string flag_display_name(const Flag& f) {
  return f.shorthand ? fmt::format("-{}, --{}", f.shorthand, f.name) : fmt::format("--{}", f.name);
}

bool default_is_zero(const Flag& f) {
  const std::string& d = f.def_value;
  switch (f.type) {
  case FlagType::boolean: return d == "false" || d.empty();
  case FlagType::duration: return d == "0" || d == "0s" || d.empty();
  case FlagType::integer:
  case FlagType::uinteger: return d == "0" || d.empty();
  case FlagType::string: return d.empty();
  case FlagType::string_slice:
  case FlagType::int_slice: return d == "[]" || d.empty();
  }
  return true;
}

const char* type_var_name(FlagType t) {
  switch (t) {
  case FlagType::boolean: return "";
  case FlagType::string: return "string";
  case FlagType::integer: return "int";
  case FlagType::uinteger: return "uint";
  case FlagType::duration: return "duration";
  case FlagType::string_slice: return "strings";
  case FlagType::int_slice: return "ints";
  }
  return "";
}

// pflag.UnquoteUsage: a `name` in back quotes becomes the value placeholder.
std::pair<std::string, std::string> unquote_usage(const Flag& f) {
  auto a = f.usage.find('`');
  if (a != std::string::npos) {
    auto b = f.usage.find('`', a + 1);
    if (b != std::string::npos) {
      std::string name = f.usage.substr(a + 1, b - a - 1);
      return {name, f.usage.substr(0, a) + name + f.usage.substr(b + 1)};
    }
  }
  if (!f.type_override.empty()) return {f.type_override, f.usage};
  return {type_var_name(f.type), f.usage};
}

} // namespace

Flag& FlagSet::add(FlagType type, std::string name, char shorthand, std::string usage) {
  Flag& f = m_flags.emplace_back();
  f.type = type;
  f.name = std::move(name);
  f.shorthand = shorthand;
  f.usage = std::move(usage);
  switch (type) {
  case FlagType::boolean: f.def_value = "false"; break;
  case FlagType::integer:
  case FlagType::uinteger: f.def_value = "0"; break;
  case FlagType::duration: f.def_value = "0s"; break;
  case FlagType::string_slice:
  case FlagType::int_slice: f.def_value = "[]"; break;
  case FlagType::string: break;
  }
  return f;
}

Flag& FlagSet::add_string(std::string name, char shorthand, std::string usage, std::string def) {
  Flag& f = add(FlagType::string, std::move(name), shorthand, std::move(usage));
  f.s = def;
  f.def_value = std::move(def);
  return f;
}

Flag* FlagSet::find_own(std::string_view name, bool inherited_only) {
  for (auto& f : m_flags) {
    if (f.name == name && !(inherited_only && f.local_only)) return &f;
  }
  return nullptr;
}

Flag* FlagSet::find_own_short(char c, bool inherited_only) {
  for (auto& f : m_flags) {
    if (f.shorthand == c && !(inherited_only && f.local_only)) return &f;
  }
  return nullptr;
}

Flag* FlagSet::find(std::string_view name) {
  if (Flag* f = find_own(name, false)) return f;
  return m_inherited ? const_cast<FlagSet*>(m_inherited)->find_own(name, true) : nullptr;
}

const Flag* FlagSet::find(std::string_view name) const { return const_cast<FlagSet*>(this)->find(name); }

Flag* FlagSet::find_short(char c) {
  if (Flag* f = find_own_short(c, false)) return f;
  return m_inherited ? const_cast<FlagSet*>(m_inherited)->find_own_short(c, true) : nullptr;
}

const Flag& FlagSet::at(std::string_view name) const {
  const Flag* f = find(name);
  if (!f) {
    fmt::print(stderr, "internal error: undefined flag --{}\n", name);
    std::abort();
  }
  return *f;
}

std::optional<std::string> FlagSet::optional_string(std::string_view name) const {
  const Flag& f = at(name);
  if (!f.changed) return std::nullopt;
  return f.s;
}

std::optional<bool> FlagSet::optional_bool(std::string_view name) const {
  const Flag& f = at(name);
  if (!f.changed) return std::nullopt;
  return f.b;
}

Status FlagSet::set_value(Flag& f, const std::string& value) {
  auto bad = [&](const Error& e) {
    return fail(invalid(fmt::format("invalid argument {} for {} flag: {}", go_quote(value), go_quote(flag_display_name(f)), e.message())));
  };
  switch (f.type) {
  case FlagType::boolean: {
    auto b = parse_go_bool(value);
    if (!b) return bad(invalid(fmt::format("strconv.ParseBool: parsing {}: invalid syntax", go_quote(value))));
    f.b = *b;
    break;
  }
  case FlagType::string: f.s = value; break;
  case FlagType::integer: {
    auto v = parse_go_int(value, "strconv.ParseInt");
    if (!v) return bad(v.error());
    f.i = *v;
    break;
  }
  case FlagType::uinteger: {
    auto v = parse_go_uint_flag(value);
    if (!v) return bad(v.error());
    f.u = *v;
    break;
  }
  case FlagType::duration: {
    auto v = parse_go_duration(value);
    if (!v) return bad(v.error());
    f.d = *v;
    break;
  }
  case FlagType::string_slice: {
    auto v = read_csv(value);
    if (!v) return bad(v.error());
    if (!f.changed) f.strings.clear();
    f.strings.insert(f.strings.end(), v->begin(), v->end());
    break;
  }
  case FlagType::int_slice: {
    std::vector<int64_t> parsed;
    for (const auto& part : split(value, ',')) {
      auto v = parse_go_int(part, "strconv.Atoi");
      if (!v) return bad(v.error());
      parsed.push_back(*v);
    }
    if (!f.changed) f.ints.clear();
    f.ints.insert(f.ints.end(), parsed.begin(), parsed.end());
    break;
  }
  }
  f.changed = true;
  return {};
}

Status FlagSet::parse_long(const std::vector<std::string>& args, size_t& i) {
  const std::string& s = args[i++];
  std::string_view name = std::string_view(s).substr(2);
  if (name.empty() || name[0] == '-' || name[0] == '=') return fail(invalid("bad flag syntax: " + s));
  auto eq = name.find('=');
  std::string key(name.substr(0, eq));
  Flag* f = find(key);
  if (!f) return fail(invalid("unknown flag: --" + key));
  if (eq != std::string_view::npos) return set_value(*f, std::string(name.substr(eq + 1)));
  if (f->type == FlagType::boolean) return set_value(*f, "true");
  if (i < args.size()) return set_value(*f, args[i++]);
  return fail(invalid("flag needs an argument: " + s));
}

Status FlagSet::parse_short(const std::vector<std::string>& args, size_t& i) {
  std::string shorts = args[i++].substr(1);
  while (!shorts.empty()) {
    char c = shorts[0];
    Flag* f = find_short(c);
    if (!f) return fail(invalid(fmt::format("unknown shorthand flag: '{}' in -{}", c, shorts)));
    std::string value;
    std::string rest;
    if (shorts.size() > 2 && shorts[1] == '=') {
      value = shorts.substr(2);
    } else if (f->type == FlagType::boolean) {
      value = "true";
      rest = shorts.substr(1);
    } else if (shorts.size() > 1) {
      value = shorts.substr(1);
    } else if (i < args.size()) {
      value = args[i++];
    } else {
      return fail(invalid(fmt::format("flag needs an argument: '{}' in -{}", c, shorts)));
    }
    TRY(set_value(*f, value));
    shorts = rest;
  }
  return {};
}

Result<std::vector<std::string>> FlagSet::parse(const std::vector<std::string>& args, bool stop_at_positional) {
  std::vector<std::string> positional;
  size_t i = 0;
  while (i < args.size()) {
    const std::string& s = args[i];
    if (s.size() < 2 || s[0] != '-') {
      if (stop_at_positional) break;
      positional.push_back(s);
      ++i;
      continue;
    }
    if (s == "--") {
      if (stop_at_positional) break; // the subcommand's parser handles it
      positional.insert(positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      return positional;
    }
    if (s[1] == '-') TRY(parse_long(args, i));
    else TRY(parse_short(args, i));
  }
  positional.insert(positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return positional;
}

bool FlagSet::has_visible_flags() const {
  return std::any_of(m_flags.begin(), m_flags.end(), [](const Flag& f) { return !f.hidden; });
}

std::string FlagSet::usages() const {
  std::vector<const Flag*> sorted;
  for (const auto& f : m_flags) {
    if (!f.hidden) sorted.push_back(&f);
  }
  std::sort(sorted.begin(), sorted.end(), [](const Flag* a, const Flag* b) { return a->name < b->name; });
  std::vector<std::pair<std::string, std::string>> lines; // (left column, usage)
  size_t maxlen = 0;
  for (const Flag* f : sorted) {
    std::string left = f->shorthand ? fmt::format("  -{}, --{}", f->shorthand, f->name) : fmt::format("      --{}", f->name);
    auto [var, usage] = unquote_usage(*f);
    if (!var.empty()) left += " " + var;
    if (!default_is_zero(*f)) {
      usage += f->type == FlagType::string ? fmt::format(" (default {})", go_quote(f->def_value))
                                           : fmt::format(" (default {})", f->def_value);
    }
    maxlen = std::max(maxlen, left.size());
    lines.emplace_back(std::move(left), std::move(usage));
  }
  std::string out;
  for (const auto& [left, usage] : lines) {
    out += left + std::string(maxlen - left.size() + 3, ' ') + usage + "\n";
  }
  return out;
}

std::optional<bool> parse_go_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
  return std::nullopt;
}

} // namespace hoist::cli
