#include "hoist/util/gojson.hpp"
namespace hoist {
std::string go_marshal(const nlohmann::ordered_json& v) { return v.dump(); }
std::string go_marshal_indent(const nlohmann::ordered_json& v, std::string_view, std::string_view) { return v.dump(4); }
std::string go_json_string(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }
nlohmann::ordered_json sorted_map_json(const std::map<std::string, std::string>& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}
nlohmann::ordered_json string_array_json(const std::vector<std::string>& v) { return v; }
nlohmann::ordered_json sort_keys_recursively(const nlohmann::ordered_json& v) { return v; }
} // namespace hoist
