// Go encoding/json-compatible output for nlohmann::ordered_json values.
// Digests of manifests and configs that hoist writes must equal skopeo's, so the bytes
// must be exactly what Go's json.Marshal / json.MarshalIndent produce (skopeo-compat.md
// §10): object keys in insertion order (build objects in Go struct-field order, or via
// sorted_map_json() for Go maps), HTML-safe escaping, Go number formatting.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hoist {

// json.Marshal: compact, no trailing newline.
std::string go_marshal(const nlohmann::ordered_json& value);
// json.MarshalIndent(value, prefix, indent): "key": value, empty {} / [] stay on one line.
std::string go_marshal_indent(const nlohmann::ordered_json& value, std::string_view prefix,
                              std::string_view indent);
// A Go string as encoding/json writes it, quotes included (<>& U+2028 U+2029 escaped,
// invalid UTF-8 replaced by \ufffd).
std::string go_json_string(std::string_view s);
// A Go map[string]string: keys sorted bytewise (std::map order).
nlohmann::ordered_json sorted_map_json(const std::map<std::string, std::string>& m);
// A Go []string; Go writes a nil slice as null, an empty non-nil one as [].
nlohmann::ordered_json string_array_json(const std::vector<std::string>& v);
// Re-marshals arbitrary parsed JSON the way Go re-encodes map[string]any /
// json.RawMessage: object keys sorted at every level, numbers kept as written where
// possible. Used when c/image round-trips raw JSON (schema1 → schema2 config).
nlohmann::ordered_json sort_keys_recursively(const nlohmann::ordered_json& value);
// The members of a JSON object as Go's map[string]*json.RawMessage sees them: decoded keys
// and each value's text as written, in document order (duplicates kept; last wins in Go).
// nullopt when `text` is not a JSON object.
std::optional<std::vector<std::pair<std::string, std::string>>> raw_object_members(std::string_view text);
// What json.Marshal makes of a json.RawMessage: json.Compact with HTML escaping (<, >, &,
// U+2028, U+2029 as \uXXXX); every other escape and the key order are kept as written.
std::string go_compact_raw(std::string_view raw);
// json.Marshal of a map[string]*json.RawMessage whose values are already valid JSON text.
std::string go_marshal_raw_map(const std::map<std::string, std::string>& members);

} // namespace hoist
