// Internal: the throw-away libtrust JWS signature c/image adds to every schema1 manifest
// it writes (manifest.AddDummyV2S1Signature), so registries accept the bytes.
#pragma once

#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::manifest {

// libtrust NewJSONSignature + Sign(fresh P-256 key) + PrettySignature("signatures").
Result<std::string> add_dummy_v2s1_signature(std::string_view unsigned_manifest);
// base64url without padding (joseBase64UrlEncode).
std::string jose_base64url(std::string_view data);

} // namespace hoist::manifest
