// Go encoding/json syntax errors. json.Unmarshal validates the whole input before
// decoding and reports the first problem with its scanner's wording, which skopeo then
// prints inside its own messages ("unmarshaling JSON at …: invalid character 'x' …").
// (Generic; could move to util if other modules need Go-worded JSON errors.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hoist::auth {

// nullopt for valid JSON; else Go's text, e.g. "unexpected end of JSON input" or
// "invalid character '}' looking for beginning of object key string".
std::optional<std::string> go_json_syntax_error(std::string_view data);

} // namespace hoist::auth
