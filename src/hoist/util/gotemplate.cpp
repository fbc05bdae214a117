// Go text/template over JSON (see gotemplate.hpp). gotemplate_parse.cpp turns the template
// into a small tree; the executor here walks it with Go's truth, printing and error rules. Positions are byte offsets into the text so
// execution errors can name "NAME:line:col" as Go does.
#include "hoist/util/gotemplate.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "hoist/util/gojson.hpp"
#include "hoist/util/gotemplate_tree.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::gotemplate {

namespace {

using json = nlohmann::ordered_json;
using detail::Command;
using detail::Node;
using detail::Operand;
using detail::Pipeline;

// ---------------------------------------------------------------- values

struct Val {
  json v;
  std::string path;     // for type hints; "" = computed value without a Go type of note
  bool invalid = false; // Go's invalid reflect.Value ("<no value>")
};

std::string child_path(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }

std::string go_float(double d) {
  std::string s = fmt::format("{}", d);
  return s;
}

} // namespace

std::string go_time_string(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  if (t.size() < 20 || t[4] != '-' || t[10] != 'T') return std::string(t);
  std::string date(t.substr(0, 10)), clock(t.substr(11, 8));
  std::string_view rest = t.substr(19);
  std::string frac;
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    frac = std::string(rest.substr(0, n));
    rest.remove_prefix(n);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (frac == ".") frac.clear();
  }
  std::string zone;
  if (rest == "Z" || rest == "+00:00" || rest == "-00:00") {
    zone = "+0000 UTC";
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    std::string off = fmt::format("{}{}{}", rest[0], rest.substr(1, 2), rest.substr(4, 2));
    zone = off + " " + off;
  } else {
    return std::string(t);
  }
  return fmt::format("{} {}{} {}", date, clock, frac, zone);
}

namespace {

class Executor {
public:
  Executor(std::string name, std::string_view text, const TypeHints& hints) : m_name(std::move(name)), m_text(text), m_hints(hints) {}

  Result<std::string> run(const std::vector<Node>& nodes, const json& data) {
    Val root{data, "", false};
    m_vars.push_back({"$", root});
    TRY(walk(nodes, root));
    return m_out;
  }

private:
  std::optional<GoKind> kind(const std::string& path) const {
    auto it = m_hints.kinds.find(path);
    if (it == m_hints.kinds.end()) return std::nullopt;
    return it->second;
  }
  bool is_map(const Val& v) const { return v.v.is_object() && kind(v.path) == GoKind::map; }

  tl::unexpected<Error> exec_err(size_t pos, const std::string& node, const std::string& msg) const {
    size_t p = std::min(pos, m_text.size());
    int line = 1 + static_cast<int>(std::count(m_text.begin(), m_text.begin() + static_cast<long>(p), '\n'));
    auto nl = m_text.rfind('\n', p == 0 ? 0 : p - 1);
    long col = nl == std::string_view::npos || p == 0 ? static_cast<long>(p) + 1 : static_cast<long>(p - nl);
    return fail(ErrorKind::invalid_input,
                fmt::format("template: {0}:{1}:{2}: executing \"{0}\" at <{3}>: {4}", m_name, line, col, node, msg));
  }

  std::string type_name(const Val& v) const {
    if (v.v.is_string()) return kind(v.path) == GoKind::time ? "time.Time" : "string";
    if (v.v.is_boolean()) return "bool";
    if (v.v.is_number_integer()) return "int";
    if (v.v.is_number()) return "float64";
    if (v.v.is_array()) {
      bool strings = std::all_of(v.v.begin(), v.v.end(), [](const json& e) { return e.is_string(); });
      return strings ? "[]string" : "[]interface {}";
    }
    if (is_map(v)) return "map[string]string";
    return "interface {}";
  }

  std::string print(const Val& v) const {
    if (v.invalid) return "<no value>";
    const json& j = v.v;
    auto k = kind(v.path);
    if (j.is_null()) return k == GoKind::map ? "map[]" : k == GoKind::slice ? "[]" : "<nil>";
    if (j.is_string()) return k == GoKind::time ? go_time_string(j.get<std::string>()) : j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
    if (j.is_number_integer()) return j.dump();
    if (j.is_number()) return go_float(j.get<double>());
    std::string out;
    if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) out += (i ? " " : "") + print({j[i], v.path + "[]"});
      return "[" + out + "]";
    }
    if (k == GoKind::map) {
      std::vector<std::string> keys;
      for (const auto& [key, _] : j.items()) keys.push_back(key);
      std::sort(keys.begin(), keys.end());
      for (const auto& key : keys) out += (out.empty() ? "" : " ") + key + ":" + print({j[key], v.path + "{}"});
      return "map[" + out + "]";
    }
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      out += (first ? "" : " ") + print({value, child_path(v.path, key)});
      first = false;
    }
    return "{" + out + "}";
  }

  bool truth(const Val& v) const {
    const json& j = v.v;
    if (v.invalid || j.is_null()) return false;
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_string()) return !j.get<std::string>().empty();
    if (j.is_number()) return j.get<double>() != 0;
    if (j.is_array()) return !j.empty();
    if (is_map(v)) return !j.empty();
    return true; // structs are always true
  }

  Status walk(const std::vector<Node>& nodes, const Val& dot) {
    for (const auto& n : nodes) TRY(walk_node(n, dot));
    return {};
  }

  Status walk_node(const Node& n, const Val& dot) {
    switch (n.k) {
    case Node::K::text: m_out += n.text; return {};
    case Node::K::action: {
      TRY_ASSIGN(auto v, pipeline(n.pipe, dot));
      if (n.pipe.decls.empty()) m_out += print(v);
      return {};
    }
    case Node::K::if_:
    case Node::K::with: {
      size_t mark = m_vars.size();
      TRY_ASSIGN(auto v, pipeline(n.pipe, dot));
      Status st = truth(v) ? walk(n.body, n.k == Node::K::with ? v : dot) : walk(n.else_body, dot);
      m_vars.resize(mark);
      return st;
    }
    case Node::K::range: return range(n, dot);
    }
    return {};
  }

  Status range(const Node& n, const Val& dot) {
    size_t mark = m_vars.size();
    Pipeline p = n.pipe;
    std::vector<std::string> decls = p.decls;
    p.decls.clear();
    TRY_ASSIGN(auto v, pipeline(p, dot));
    auto body = [&](const Val& key, const Val& elem) -> Status {
      if (decls.size() == 1) m_vars.push_back({decls[0], elem});
      if (decls.size() == 2) m_vars.push_back({decls[0], key}), m_vars.push_back({decls[1], elem});
      Status st = walk(n.body, elem);
      m_vars.resize(mark);
      return st;
    };
    size_t count = 0;
    if (v.v.is_array()) {
      for (size_t i = 0; i < v.v.size(); ++i, ++count) TRY(body({json(i), ""}, {v.v[i], v.path + "[]"}));
    } else if (is_map(v)) {
      std::vector<std::string> keys;
      for (const auto& [key, _] : v.v.items()) keys.push_back(key);
      std::sort(keys.begin(), keys.end());
      for (const auto& key : keys) {
        TRY(body({json(key), ""}, {v.v[key], v.path + "{}"}));
        ++count;
      }
    } else if (!v.v.is_null() && !v.invalid) {
      const Operand& last = p.cmds.back().args.back();
      return exec_err(last.pos, last.text, "range can't iterate over " + print(v));
    }
    if (count == 0) TRY(walk(n.else_body, dot));
    return {};
  }

  Result<Val> pipeline(const Pipeline& p, const Val& dot) {
    std::optional<Val> prev;
    for (const auto& cmd : p.cmds) {
      TRY_ASSIGN(auto v, command(cmd, dot, prev));
      prev = std::move(v);
    }
    if (!p.decls.empty()) {
      bool declared = false;
      for (auto& [name, value] : m_vars) {
        if (name == p.decls[0]) value = *prev, declared = true;
      }
      if (!declared) m_vars.push_back({p.decls[0], *prev});
    }
    return *prev;
  }

  Result<Val> command(const Command& cmd, const Val& dot, const std::optional<Val>& piped) {
    const Operand& first = cmd.args[0];
    if (first.k == Operand::K::ident) {
      std::vector<Val> args;
      for (size_t i = 1; i < cmd.args.size(); ++i) {
        TRY_ASSIGN(auto a, operand(cmd.args[i], dot));
        args.push_back(std::move(a));
      }
      if (piped) args.push_back(*piped);
      return call(first, args);
    }
    if (cmd.args.size() > 1 || piped) {
      return exec_err(first.pos, first.text, fmt::format("can't give argument to non-function {}", first.text));
    }
    return operand(first, dot);
  }

  Result<Val> operand(const Operand& op, const Val& dot) {
    Val v;
    switch (op.k) {
    case Operand::K::dot: v = dot; break;
    case Operand::K::literal: v = {op.literal, ""}; break;
    case Operand::K::variable: {
      auto it = std::find_if(m_vars.rbegin(), m_vars.rend(), [&](const auto& e) { return e.first == op.name; });
      if (it == m_vars.rend()) return exec_err(op.pos, op.text, fmt::format("undefined variable: {}", op.name));
      v = it->second;
      break;
    }
    case Operand::K::pipe: {
      TRY_ASSIGN(v, pipeline(*op.pipe, dot));
      break;
    }
    case Operand::K::ident: return call(op, {});
    }
    for (const auto& f : op.fields) {
      TRY_ASSIGN(v, field(v, f, op));
    }
    return v;
  }

  Result<Val> field(const Val& recv, const std::string& name, const Operand& op) {
    if (recv.invalid) return exec_err(op.pos, op.text, fmt::format("nil pointer evaluating interface {{}}.{}", name));
    const json& j = recv.v;
    if (j.is_object()) {
      if (is_map(recv)) {
        if (!j.contains(name)) return Val{nullptr, "", true};
        return Val{j.at(name), recv.path + "{}"};
      }
      if (j.contains(name)) return Val{j.at(name), child_path(recv.path, name)};
    }
    if (j.is_string() && kind(recv.path) == GoKind::time) return time_method(recv, name, op);
    if (j.is_null() && kind(recv.path) != GoKind::map && kind(recv.path) != GoKind::slice) {
      std::string t = kind(recv.path) == GoKind::time ? "*time.Time" : "interface {}";
      return exec_err(op.pos, op.text, fmt::format("nil pointer evaluating {}.{}", t, name));
    }
    return exec_err(op.pos, op.text, fmt::format("can't evaluate field {} in type {}", name, type_name(recv)));
  }

  Result<Val> time_method(const Val& recv, const std::string& name, const Operand& op) {
    std::string t = recv.v.get<std::string>();
    auto num = [&](size_t off, size_t len) { return json(std::stoll(t.substr(off, len))); };
    static const char* months[] = {"January", "February", "March", "April", "May", "June", "July",
                                   "August", "September", "October", "November", "December"};
    if (t.size() >= 19) {
      if (name == "Year") return Val{num(0, 4), ""};
      if (name == "Month") return Val{json(months[(std::stoi(t.substr(5, 2)) + 11) % 12]), ""};
      if (name == "Day") return Val{num(8, 2), ""};
      if (name == "Hour") return Val{num(11, 2), ""};
      if (name == "Minute") return Val{num(14, 2), ""};
      if (name == "Second") return Val{num(17, 2), ""};
      if (name == "String") return Val{json(go_time_string(t)), ""};
    }
    return exec_err(op.pos, op.text, fmt::format("can't evaluate field {} in type *time.Time", name));
  }

  std::optional<std::string> as_string(const Val& v) const {
    if (v.v.is_string() && !v.invalid) return v.v.get<std::string>();
    return std::nullopt;
  }

  bool is_empty(const json& j) const {
    return j.is_null() || (j.is_string() && j.get<std::string>().empty()) || ((j.is_array() || j.is_object()) && j.empty()) ||
           (j.is_boolean() && !j.get<bool>()) || (j.is_number() && j.get<double>() == 0);
  }
  // The value as encoding/json would marshal the Go struct: omitempty fields dropped.
  json strip_omitted(const json& j, const std::string& path) const {
    if (j.is_array()) {
      json out = json::array();
      for (const auto& e : j) out.push_back(strip_omitted(e, path + "[]"));
      return out;
    }
    if (!j.is_object() || kind(path) == GoKind::map) return j;
    json out = json::object();
    for (const auto& [key, value] : j.items()) {
      std::string child = child_path(path, key);
      if (m_hints.omit_empty.count(child) && is_empty(value)) continue;
      out[key] = strip_omitted(value, child);
    }
    return out;
  }

  Result<Val> call(const Operand& fn, const std::vector<Val>& args);
  Result<Val> call_strings(const Operand& fn, const std::vector<Val>& args);
  Result<Val> compare(const Operand& fn, const std::vector<Val>& args);
  Result<std::string> printf(const Operand& fn, const std::vector<Val>& args);

  std::string m_name;
  std::string_view m_text;
  const TypeHints& m_hints;
  std::string m_out;
  std::vector<std::pair<std::string, Val>> m_vars;
};

std::string go_title(std::string s) {
  bool prev_letter = false;
  for (char& c : s) {
    bool letter = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\'' || static_cast<unsigned char>(c) >= 0x80;
    if (letter && !prev_letter) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    prev_letter = letter;
  }
  return s;
}

// encoding/json with SetEscapeHTML(false), trimmed.
std::string json_no_html(const json& v) {
  std::string s = go_marshal(v);
  const std::pair<const char*, const char*> repl[] = {{"\\u003c", "<"}, {"\\u003e", ">"}, {"\\u0026", "&"}};
  for (const auto& [from, to] : repl) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + 1)) s.replace(pos, 6, to);
  }
  return s;
}

Result<Val> Executor::call(const Operand& fn, const std::vector<Val>& args) {
  const std::string& f = fn.name;
  auto want = [&](size_t n) -> Status {
    if (args.size() == n) return {};
    return exec_err(fn.pos, fn.text, fmt::format("wrong number of args for {}: want {} got {}", f, n, args.size()));
  };
  if (f == "and" || f == "or") {
    if (args.empty()) return exec_err(fn.pos, fn.text, fmt::format("wrong number of args for {}: want at least 1 got 0", f));
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (truth(args[i]) == (f == "or")) return args[i];
    }
    return args.back();
  }
  if (f == "not") return want(1).map([&] { return Val{json(!truth(args[0])), ""}; });
  if (f == "len") {
    TRY(want(1));
    const Val& a = args[0];
    if (a.v.is_null() || a.v.is_array() || a.v.is_string() || is_map(a)) {
      size_t n = a.v.is_string() ? a.v.get<std::string>().size() : a.v.size();
      return Val{json(a.v.is_null() ? 0 : n), ""};
    }
    return exec_err(fn.pos, fn.text, fmt::format("error calling len: len of type {}", type_name(a)));
  }
  if (f == "index") {
    if (args.empty()) return exec_err(fn.pos, fn.text, "wrong number of args for index: want at least 1 got 0");
    Val cur = args[0];
    for (size_t i = 1; i < args.size(); ++i) {
      const Val& k = args[i];
      if (cur.v.is_array() && k.v.is_number_integer()) {
        auto idx = k.v.get<int64_t>();
        if (idx < 0 || static_cast<size_t>(idx) >= cur.v.size()) {
          return exec_err(fn.pos, fn.text, fmt::format("error calling index: index out of range: {}", idx));
        }
        cur = Val{cur.v[static_cast<size_t>(idx)], cur.path + "[]"};
      } else if (is_map(cur) && k.v.is_string()) {
        auto key = k.v.get<std::string>();
        cur = cur.v.contains(key) ? Val{cur.v[key], cur.path + "{}"} : Val{json(""), ""};
      } else if (cur.v.is_null()) {
        cur = Val{json(""), ""};
      } else {
        return exec_err(fn.pos, fn.text, fmt::format("error calling index: can't index item of type {}", type_name(cur)));
      }
    }
    return cur;
  }
  if (f == "print" || f == "println") {
    std::string out;
    for (size_t i = 0; i < args.size(); ++i) {
      bool space = f == "println" || (i > 0 && !args[i].v.is_string() && !args[i - 1].v.is_string());
      if (i > 0 && space) out += ' ';
      out += print(args[i]);
    }
    if (f == "println") out += '\n';
    return Val{json(out), ""};
  }
  if (f == "printf") {
    TRY_ASSIGN(auto s, printf(fn, args));
    return Val{json(s), ""};
  }
  if (f == "eq" || f == "ne" || f == "lt" || f == "le" || f == "gt" || f == "ge") return compare(fn, args);
  if (f == "json") {
    TRY(want(1));
    return Val{json(args[0].invalid ? "null" : json_no_html(strip_omitted(args[0].v, args[0].path))), ""};
  }
  return call_strings(fn, args);
}

Result<Val> Executor::call_strings(const Operand& fn, const std::vector<Val>& args) {
  const std::string& f = fn.name;
  size_t n = f == "join" || f == "split" || f == "truncate" ? 2 : f == "pad" ? 3 : 1;
  if (args.size() != n) {
    return exec_err(fn.pos, fn.text, fmt::format("wrong number of args for {}: want {} got {}", f, n, args.size()));
  }
  auto bad = [&](size_t i, const char* want) {
    return exec_err(fn.pos, fn.text, fmt::format("wrong type for value; expected {}; got {}", want, type_name(args[i])));
  };
  if (f == "join") {
    if (!args[0].v.is_array() && !args[0].v.is_null()) return bad(0, "[]string");
    auto sep = as_string(args[1]);
    if (!sep) return bad(1, "string");
    std::string out;
    for (size_t i = 0; i < args[0].v.size(); ++i) {
      if (!args[0].v[i].is_string()) return bad(0, "[]string");
      out += (i ? *sep : "") + args[0].v[i].get<std::string>();
    }
    return Val{json(out), ""};
  }
  auto s = as_string(args[0]);
  if (!s) return bad(0, "string");
  if (f == "lower") return Val{json(to_lower(*s)), ""};
  if (f == "upper") {
    std::string u = *s;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Val{json(u), ""};
  }
  if (f == "title") return Val{json(go_title(*s)), ""};
  if (f == "split") {
    auto sep = as_string(args[1]);
    if (!sep) return bad(1, "string");
    json arr = json::array();
    if (sep->empty()) {
      for (char c : *s) arr.push_back(std::string(1, c));
    } else {
      size_t start = 0;
      for (size_t pos = s->find(*sep); pos != std::string::npos; pos = s->find(*sep, start)) {
        arr.push_back(s->substr(start, pos - start));
        start = pos + sep->size();
      }
      arr.push_back(s->substr(start));
    }
    return Val{arr, ""};
  }
  if (f == "truncate") {
    if (!args[1].v.is_number_integer()) return bad(1, "int");
    auto len = args[1].v.get<int64_t>();
    return Val{json(static_cast<int64_t>(s->size()) < len ? *s : s->substr(0, static_cast<size_t>(std::max<int64_t>(len, 0)))), ""};
  }
  if (!args[1].v.is_number_integer()) return bad(1, "int");
  if (!args[2].v.is_number_integer()) return bad(2, "int");
  if (s->empty()) return Val{json(""), ""};
  auto pre = static_cast<size_t>(std::max<int64_t>(0, args[1].v.get<int64_t>()));
  auto post = static_cast<size_t>(std::max<int64_t>(0, args[2].v.get<int64_t>()));
  return Val{json(std::string(pre, ' ') + *s + std::string(post, ' ')), ""};
}

Result<Val> Executor::compare(const Operand& fn, const std::vector<Val>& args) {
  const std::string& f = fn.name;
  if (args.size() < 2 || (f != "eq" && args.size() != 2)) {
    return exec_err(fn.pos, fn.text, fmt::format("wrong number of args for {}: want 2 got {}", f, args.size()));
  }
  auto basic = [](const json& j) { return j.is_string() || j.is_number() || j.is_boolean(); };
  auto cmp = [&](const Val& a, const Val& b) -> Result<int> {
    if (!basic(a.v) || !basic(b.v)) return exec_err(fn.pos, fn.text, fmt::format("error calling {}: invalid type for comparison", f));
    if (a.v.is_number() && b.v.is_number()) {
      double x = a.v.get<double>(), y = b.v.get<double>();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.v.type() != b.v.type()) return exec_err(fn.pos, fn.text, fmt::format("error calling {}: incompatible types for comparison", f));
    if (a.v.is_boolean()) {
      if (f != "eq" && f != "ne") return exec_err(fn.pos, fn.text, fmt::format("error calling {}: invalid type for comparison", f));
      return a.v == b.v ? 0 : 1;
    }
    auto x = a.v.get<std::string>(), y = b.v.get<std::string>();
    return x < y ? -1 : x > y ? 1 : 0;
  };
  if (f == "eq") {
    for (size_t i = 1; i < args.size(); ++i) {
      TRY_ASSIGN(int c, cmp(args[0], args[i]));
      if (c == 0) return Val{json(true), ""};
    }
    return Val{json(false), ""};
  }
  TRY_ASSIGN(int c, cmp(args[0], args[1]));
  bool r = f == "ne" ? c != 0 : f == "lt" ? c < 0 : f == "le" ? c <= 0 : f == "gt" ? c > 0 : c >= 0;
  return Val{json(r), ""};
}

Result<std::string> Executor::printf(const Operand& fn, const std::vector<Val>& args) {
  if (args.empty()) return exec_err(fn.pos, fn.text, "wrong number of args for printf: want at least 1 got 0");
  auto format = as_string(args[0]);
  if (!format) return exec_err(fn.pos, fn.text, "wrong type for value; expected string; got " + type_name(args[0]));
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < format->size(); ++i) {
    char c = (*format)[i];
    if (c != '%' || i + 1 >= format->size()) {
      out += c;
      continue;
    }
    char verb = (*format)[++i];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next >= args.size()) {
      out += fmt::format("%!{}(MISSING)", verb);
      continue;
    }
    const Val& a = args[next++];
    if (verb == 'q' && a.v.is_string()) out += go_quote(a.v.get<std::string>());
    else if (verb == 'd' && !a.v.is_number_integer()) out += fmt::format("%!d({}={})", type_name(a), print(a));
    else out += print(a);
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (size_t i = next; i < args.size(); ++i) out += (i > next ? ", " : "") + type_name(args[i]) + "=" + print(args[i]);
    out += ")";
  }
  return out;
}

} // namespace

Result<std::string> execute(std::string_view name, std::string_view text, const nlohmann::ordered_json& data,
                            const TypeHints& hints) {
  TRY_ASSIGN(auto nodes, detail::parse(name, text));
  Executor exec(std::string(name), text, hints);
  return exec.run(nodes, data);
}

bool is_json_format(std::string_view format) {
  static const std::regex re(R"(^\s*(json|\{\{\s*json\.?\s*\}\})\s*$)");
  return std::regex_match(format.begin(), format.end(), re);
}

// podman's escapedReplacer turns the two characters \t and \n into a tab and a newline — but
// skopeo applies it inside {{ }} too, which breaks `{{"\n"}}` and `{{join .Layers "\n"}}`
// ("unterminated quoted string"). hoist replaces them outside actions only; inside, Go's
// own string escapes already mean the same, so those formats print what users expect.
static std::string unescape_outside_actions(std::string_view format) {
  std::string out;
  bool in_action = false;
  for (size_t i = 0; i < format.size(); ++i) {
    if (!in_action && format.compare(i, 2, "{{") == 0) in_action = true;
    else if (in_action && format.compare(i, 2, "}}") == 0) in_action = false;
    if (!in_action && format[i] == '\\' && i + 1 < format.size() && (format[i + 1] == 'n' || format[i + 1] == 't')) {
      out += format[++i] == 'n' ? '\n' : '\t';
      continue;
    }
    out += format[i];
  }
  return out;
}

Result<std::string> format_report(std::string_view name, std::string_view format, const nlohmann::ordered_json& data,
                                  const TypeHints& hints) {
  if (starts_with(format, "table ")) return fail(ErrorKind::unsupported, "table formats are not supported by hoist yet");
  std::string text = unescape_outside_actions(format);
  if (!ends_with(text, "\n")) text += "\n";
  static const std::regex ranges(R"(\{\{\s*range\s*\.\s*\}\}[\s\S]*\{\{\s*end\s*-?\s*\}\})");
  if (!std::regex_search(text, ranges)) text = "{{range .}}" + text + "{{end -}}";
  TypeHints wrapped;
  for (const auto& [path, kind] : hints.kinds) wrapped.kinds["[]." + path] = kind;
  for (const auto& path : hints.omit_empty) wrapped.omit_empty.insert("[]." + path);
  return execute(name, text, nlohmann::ordered_json::array({data}), wrapped);
}

} // namespace hoist::gotemplate
