// Image config decoding (Docker and OCI) and the OCI `Image` re-marshalling c/image does
// for v2s2 → OCI conversion and `inspect --config` (see config.hpp).
#include "hoist/manifest/config.hpp"

#include <fmt/format.h>

#include "hoist/manifest/decode.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::manifest {
namespace {

using detail::json;

struct TimeParts {
  int year, month, day, hour, minute, second;
  std::string fraction; // digits after '.', possibly empty
  int offset_minutes;   // east of UTC
};

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

// time.Parse(time.RFC3339, s) as used by time.Time.UnmarshalJSON.
std::optional<TimeParts> parse_rfc3339(std::string_view s) {
  TimeParts t{};
  if (!digits(s, 0, 4, t.year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, t.month) || s[7] != '-' ||
      !digits(s, 8, 2, t.day) || s[10] != 'T' || !digits(s, 11, 2, t.hour) || s[13] != ':' ||
      !digits(s, 14, 2, t.minute) || s[16] != ':' || !digits(s, 17, 2, t.second))
    return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
    t.fraction = std::string(s.substr(start, std::min<size_t>(pos - start, 9))); // Go keeps nanoseconds
  }
  std::string_view zone = s.substr(pos);
  int zh = 0, zm = 0;
  if (zone == "Z") t.offset_minutes = 0;
  else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(zone, 1, 2, zh) && zone[3] == ':' &&
           digits(zone, 4, 2, zm) && zh < 24 && zm < 60)
    t.offset_minutes = (zone[0] == '-' ? -1 : 1) * (zh * 60 + zm);
  else return std::nullopt;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month) || t.hour > 23 ||
      t.minute > 59 || t.second > 59)
    return std::nullopt;
  return t;
}

std::string format_rfc3339nano(const TimeParts& t) {
  std::string frac = t.fraction;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", t.year, t.month, t.day, t.hour, t.minute, t.second);
  if (!frac.empty()) out += "." + frac;
  if (t.offset_minutes == 0) return out + "Z";
  int off = std::abs(t.offset_minutes);
  return out + fmt::format("{}{:02d}:{:02d}", t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

Result<std::optional<std::string>> read_time(const json& obj, std::string_view name, std::string_view where) {
  const json* v = detail::field(obj, name);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string())
    return fail(ErrorKind::invalid_input, fmt::format("Time.UnmarshalJSON: input is not a JSON string"));
  TRY_ASSIGN(auto t, go_time_reformat(v->get<std::string>()));
  (void)where;
  return std::optional<std::string>(std::move(t));
}

// map[string]struct{} (ExposedPorts, Volumes): keys kept, values must be objects/null.
Result<std::optional<std::map<std::string, std::string>>> read_set(const json& obj, std::string_view name, std::string_view where) {
  const json* v = detail::field(obj, name);
  if (!v) return std::optional<std::map<std::string, std::string>>{};
  if (!v->is_object())
    return fail(ErrorKind::invalid_input, fmt::format("json: cannot unmarshal {} into Go struct field {}.{} of type map[string]struct {{}}",
                                                      v->is_array() ? "array" : v->is_string() ? "string" : "number", where, name));
  std::map<std::string, std::string> m;
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it.value().is_object() && !it.value().is_null())
      return fail(ErrorKind::invalid_input, fmt::format("json: cannot unmarshal {} into Go struct field {}.{} of type struct {{}}",
                                                        it.value().is_string() ? "string" : "value", where, name));
    m[it.key()] = "";
  }
  return std::optional(std::move(m));
}

json set_json(const std::map<std::string, std::string>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = json::object();
  return j;
}

// v1.ImageConfig, with omitempty fields and the omitzero rule for the whole struct.
Result<std::optional<json>> oci_image_config(const json* c) {
  if (!c) return std::optional<json>{};
  TRY(detail::expect_object(c, "config", "Image"));
  const char* where = "Image.config";
  std::string user, workdir, stop;
  bool args_escaped = false;
  std::optional<std::vector<std::string>> env, entrypoint, cmd;
  std::optional<std::map<std::string, std::string>> labels;
  TRY(detail::read_string(*c, "User", where, user));
  TRY_ASSIGN(auto ports, read_set(*c, "ExposedPorts", where));
  TRY(detail::read_strings(*c, "Env", where, env));
  TRY(detail::read_strings(*c, "Entrypoint", where, entrypoint));
  TRY(detail::read_strings(*c, "Cmd", where, cmd));
  TRY_ASSIGN(auto volumes, read_set(*c, "Volumes", where));
  TRY(detail::read_string(*c, "WorkingDir", where, workdir));
  TRY(detail::read_string_map(*c, "Labels", where, labels));
  TRY(detail::read_string(*c, "StopSignal", where, stop));
  TRY(detail::read_bool(*c, "ArgsEscaped", where, args_escaped));
  bool zero = user.empty() && !ports && !env && !entrypoint && !cmd && !volumes && workdir.empty() && !labels &&
              stop.empty() && !args_escaped;
  if (zero) return std::optional<json>{};
  json j = json::object();
  if (!user.empty()) j["User"] = user;
  if (ports && !ports->empty()) j["ExposedPorts"] = set_json(*ports);
  if (env && !env->empty()) j["Env"] = string_array_json(*env);
  if (entrypoint && !entrypoint->empty()) j["Entrypoint"] = string_array_json(*entrypoint);
  if (cmd && !cmd->empty()) j["Cmd"] = string_array_json(*cmd);
  if (volumes && !volumes->empty()) j["Volumes"] = set_json(*volumes);
  if (!workdir.empty()) j["WorkingDir"] = workdir;
  if (labels && !labels->empty()) j["Labels"] = sorted_map_json(*labels);
  if (!stop.empty()) j["StopSignal"] = stop;
  if (args_escaped) j["ArgsEscaped"] = true;
  return std::optional(std::move(j));
}

Result<json> oci_rootfs(const json* r) {
  TRY(detail::expect_object(r, "rootfs", "Image"));
  std::string type;
  std::optional<std::vector<std::string>> diff_ids;
  if (r) {
    TRY(detail::read_string(*r, "type", "Image.rootfs", type));
    TRY(detail::read_strings(*r, "diff_ids", "Image.rootfs", diff_ids));
  }
  json j = json::object();
  j["type"] = type;
  j["diff_ids"] = diff_ids ? string_array_json(*diff_ids) : json(nullptr);
  return j;
}

Result<std::optional<json>> oci_history(const json* h) {
  TRY(detail::expect_array(h, "history", "Image"));
  if (!h || h->empty()) return std::optional<json>{};
  json out = json::array();
  for (const auto& e : *h) {
    json item = json::object();
    if (e.is_null()) { out.push_back(item); continue; }
    TRY(detail::expect_object(&e, "history", "Image"));
    std::string by, author, comment;
    bool empty = false;
    TRY_ASSIGN(auto created, read_time(e, "created", "Image.history"));
    TRY(detail::read_string(e, "created_by", "Image.history", by));
    TRY(detail::read_string(e, "author", "Image.history", author));
    TRY(detail::read_string(e, "comment", "Image.history", comment));
    TRY(detail::read_bool(e, "empty_layer", "Image.history", empty));
    if (created) item["created"] = *created;
    if (!by.empty()) item["created_by"] = by;
    if (!author.empty()) item["author"] = author;
    if (!comment.empty()) item["comment"] = comment;
    if (empty) item["empty_layer"] = true;
    out.push_back(std::move(item));
  }
  return std::optional(std::move(out));
}

Result<json> parse_config_object(std::string_view bytes) {
  TRY_ASSIGN(auto j, detail::parse_json(bytes));
  if (!j.is_object() && !j.is_null())
    return fail(ErrorKind::invalid_input, "json: cannot unmarshal " + std::string(j.is_array() ? "array" : "value") +
                                              " into Go value of type v1.Image");
  return j;
}

} // namespace

Result<std::string> go_time_reformat(std::string_view rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  if (!t)
    return fail(ErrorKind::invalid_input, fmt::format("parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse",
                                                      go_quote(fmt::format("\"{}\"", rfc3339))));
  return format_rfc3339nano(*t);
}

Result<nlohmann::ordered_json> oci_image_value(std::string_view config_bytes) {
  TRY_ASSIGN(auto j, parse_config_object(config_bytes));
  std::string author, arch, os, os_version, variant;
  std::optional<std::vector<std::string>> os_features;
  TRY_ASSIGN(auto created, read_time(j, "created", "Image"));
  TRY(detail::read_string(j, "author", "Image", author));
  TRY(detail::read_string(j, "architecture", "Image", arch));
  TRY(detail::read_string(j, "os", "Image", os));
  TRY(detail::read_string(j, "os.version", "Image", os_version));
  TRY(detail::read_strings(j, "os.features", "Image", os_features));
  TRY(detail::read_string(j, "variant", "Image", variant));
  TRY_ASSIGN(auto config, oci_image_config(detail::field(j, "config")));
  TRY_ASSIGN(auto rootfs, oci_rootfs(detail::field(j, "rootfs")));
  TRY_ASSIGN(auto history, oci_history(detail::field(j, "history")));
  json out = json::object();
  if (created) out["created"] = *created;
  if (!author.empty()) out["author"] = author;
  out["architecture"] = arch;
  out["os"] = os;
  if (!os_version.empty()) out["os.version"] = os_version;
  if (os_features && !os_features->empty()) out["os.features"] = string_array_json(*os_features);
  if (!variant.empty()) out["variant"] = variant;
  if (config) out["config"] = *config;
  out["rootfs"] = rootfs;
  if (history) out["history"] = *history;
  return out;
}

Result<std::string> oci_config_from_docker(std::string_view docker_config_bytes) {
  TRY_ASSIGN(auto v, oci_image_value(docker_config_bytes));
  return go_marshal(v);
}

Result<std::string> inspect_config_json(std::string_view config_bytes) {
  TRY_ASSIGN(auto v, oci_image_value(config_bytes));
  return go_marshal_indent(v, "", "    ") + "\n";
}

Result<ImageConfig> parse_config(std::string_view bytes) {
  TRY_ASSIGN(auto j, parse_config_object(bytes));
  ImageConfig c;
  if (const json* v = detail::field(j, "created")) {
    if (!v->is_string()) return fail(ErrorKind::invalid_input, "Time.UnmarshalJSON: input is not a JSON string");
    c.created = v->get<std::string>();
  }
  TRY(detail::read_string(j, "author", "Image", c.author));
  TRY(detail::read_string(j, "docker_version", "Schema2V1Image", c.docker_version));
  TRY(detail::read_string(j, "architecture", "Image", c.architecture));
  TRY(detail::read_string(j, "os", "Image", c.os));
  TRY(detail::read_string(j, "variant", "Image", c.variant));
  TRY(detail::read_string(j, "os.version", "Image", c.os_version));
  if (const json* cfg = detail::field(j, "config")) {
    TRY(detail::expect_object(cfg, "config", "Image"));
    TRY(detail::read_string_map(*cfg, "Labels", "Image.config", c.labels));
    TRY(detail::read_strings(*cfg, "Env", "Image.config", c.env));
  }
  if (const json* r = detail::field(j, "rootfs")) {
    TRY(detail::expect_object(r, "rootfs", "Image"));
    TRY(detail::read_string(*r, "type", "Image.rootfs", c.rootfs_type));
    std::optional<std::vector<std::string>> ids;
    TRY(detail::read_strings(*r, "diff_ids", "Image.rootfs", ids));
    c.diff_ids = ids.value_or(std::vector<std::string>{});
  }
  const json* h = detail::field(j, "history");
  TRY(detail::expect_array(h, "history", "Image"));
  for (const auto& e : h ? *h : json::array()) {
    HistoryEntry item;
    if (const json* t = detail::field(e, "created"); t && t->is_string()) item.created = t->get<std::string>();
    TRY(detail::read_string(e, "created_by", "Image.history", item.created_by));
    TRY(detail::read_string(e, "author", "Image.history", item.author));
    TRY(detail::read_string(e, "comment", "Image.history", item.comment));
    TRY(detail::read_bool(e, "empty_layer", "Image.history", item.empty_layer));
    c.history.push_back(std::move(item));
  }
  return c;
}

} // namespace hoist::manifest
