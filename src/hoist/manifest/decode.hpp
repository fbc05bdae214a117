// Internal: decoding JSON the way Go's encoding/json fills a struct, so that what hoist
// reads from a manifest or config is what c/image reads: keys match field names
// case-insensitively (the last matching key wins), null leaves the zero value, unknown
// keys are ignored, and a wrongly typed value is an error.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoist/util/result.hpp"

namespace hoist::manifest::detail {

using json = nlohmann::ordered_json;

// Parses JSON; errors read like Go's ("unexpected end of JSON input", "invalid character …").
Result<json> parse_json(std::string_view bytes);
// The value Go would decode into field `name` of a struct from `obj`; nullptr when absent
// or null (or when obj is not an object).
const json* field(const json& obj, std::string_view name);

// Typed reads of field `name`; `where` names the Go struct for error texts ("Schema2").
// Absent/null keeps `out` unchanged.
Status read_string(const json& obj, std::string_view name, std::string_view where, std::string& out);
Status read_int64(const json& obj, std::string_view name, std::string_view where, int64_t& out);
Status read_int(const json& obj, std::string_view name, std::string_view where, int& out);
Status read_bool(const json& obj, std::string_view name, std::string_view where, bool& out);
Status read_strings(const json& obj, std::string_view name, std::string_view where,
                    std::optional<std::vector<std::string>>& out);
Status read_string_map(const json& obj, std::string_view name, std::string_view where,
                       std::optional<std::map<std::string, std::string>>& out);
// Fails with Go's UnmarshalTypeError text unless `v` is an object (or null).
Status expect_object(const json* v, std::string_view name, std::string_view where,
                     std::string_view go_type = "struct");
Status expect_array(const json* v, std::string_view name, std::string_view where,
                    std::string_view go_type = "slice");

} // namespace hoist::manifest::detail
