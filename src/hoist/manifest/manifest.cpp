// Media-type helpers, MIME guessing (c/image manifest.GuessMIMEType), manifest digests
// (schema1: over the libtrust JWS payload, i.e. the bytes without "signatures").
#include "hoist/manifest/manifest.hpp"

#include <array>

#include <fmt/format.h>

#include "hoist/manifest/decode.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::manifest {
namespace {

using detail::json;

// base64.URLEncoding.DecodeString after libtrust's padding fix-up.
Result<std::string> jose_base64url_decode(std::string s) {
  std::erase(s, '\n');
  std::erase(s, ' ');
  switch (s.size() % 4) {
  case 0: break;
  case 2: s += "=="; break;
  case 3: s += "="; break;
  default: return fail(ErrorKind::invalid_input, "illegal base64url string");
  }
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    std::array<int, 4> v{};
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s[i + k];
      if (c == '=' && i + 4 == s.size() && k >= 2) { v[k] = 0; ++pad; continue; }
      if (pad > 0 || (v[k] = value(c)) < 0)
        return fail(ErrorKind::invalid_input, fmt::format("illegal base64 data at input byte {}", i + k));
    }
    uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(n >> 16);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

// One signature's protected header: (formatLength, formatTail).
Result<std::pair<int64_t, std::string>> protected_format(const json& sig) {
  std::string prot;
  if (const json* p = detail::field(sig, "protected"); p && p->is_string()) prot = p->get<std::string>();
  auto decoded = jose_base64url_decode(prot);
  if (!decoded) return fail(ErrorKind::invalid_input, "base64 decode error: " + decoded.error().what());
  auto header = detail::parse_json(*decoded);
  if (!header || !header->is_object())
    return fail(ErrorKind::invalid_input, "error unmarshalling protected header: " +
                                              (header ? std::string("not an object") : header.error().what()));
  auto len = header->find("formatLength");
  if (len == header->end() || !len->is_number()) return fail(ErrorKind::invalid_input, "missing formatted length");
  auto tail = header->find("formatTail");
  if (tail == header->end() || !tail->is_string()) return fail(ErrorKind::invalid_input, "missing formatted tail");
  auto tail_bytes = jose_base64url_decode(tail->get<std::string>());
  if (!tail_bytes) return fail(ErrorKind::invalid_input, "base64 decode error on tail: " + tail_bytes.error().what());
  return std::pair{len->is_number_float() ? static_cast<int64_t>(len->get<double>()) : len->get<int64_t>(),
                   std::move(*tail_bytes)};
}

} // namespace

bool is_list_type(std::string_view mime) { return mime == mt::docker_list || mime == mt::oci_index; }

bool is_schema1_type(std::string_view mime) { return mime == mt::docker_v2s1 || mime == mt::docker_v2s1_signed; }

bool is_known_manifest_type(std::string_view mime) {
  return mime == mt::docker_v2s1 || mime == mt::docker_v2s1_signed || mime == mt::oci_manifest ||
         mime == mt::oci_index || mime == mt::docker_v2s2 || mime == mt::docker_list;
}

std::string normalize_registry_mime(std::string_view content_type) {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.remove_suffix(1);
  while (!base.empty() && (base.front() == ' ' || base.front() == '\t')) base.remove_prefix(1);
  std::string lower = to_lower(base); // mime.ParseMediaType lowercases the type
  if (is_known_manifest_type(lower)) return lower;
  return std::string(mt::docker_v2s1_signed);
}

std::string guess_mime_type(std::string_view bytes) {
  auto parsed = detail::parse_json(bytes);
  if (!parsed || !parsed->is_object()) return {};
  const json& j = *parsed;
  std::string media_type;
  int schema_version = 0;
  if (!detail::read_string(j, "mediaType", "", media_type) || !detail::read_int(j, "schemaVersion", "", schema_version))
    return {};
  if (media_type == mt::docker_v2s2 || media_type == mt::docker_list || media_type == mt::oci_manifest ||
      media_type == mt::oci_index)
    return media_type;
  if (schema_version == 1)
    return std::string(detail::field(j, "signatures") ? mt::docker_v2s1_signed : mt::docker_v2s1);
  if (schema_version != 2) return {};
  std::string config_type;
  const json* config = detail::field(j, "config");
  if (config && !config->is_object()) return {};
  if (config && !detail::read_string(*config, "mediaType", "", config_type)) return {};
  if (config_type == mt::oci_config) return std::string(mt::oci_manifest);
  if (config_type == mt::docker_config) return std::string(mt::docker_v2s2);
  const json* manifests = detail::field(j, "manifests");
  if (manifests && !manifests->is_array()) return {};
  if (manifests && !manifests->empty()) return config_type.empty() ? std::string(mt::oci_index) : config_type;
  return std::string(mt::oci_manifest);
}

Result<std::string> strip_jws(std::string_view bytes) {
  if (guess_mime_type(bytes) != mt::docker_v2s1_signed) return std::string(bytes);
  auto parsed = detail::parse_json(bytes);
  if (!parsed || !parsed->is_object())
    return fail(ErrorKind::invalid_input, "error unmarshalling content: " +
                                              (parsed ? std::string("not an object") : parsed.error().what()));
  auto sigs = parsed->find("signatures");
  if (sigs == parsed->end()) return fail(ErrorKind::invalid_input, "missing signature key");
  if (!sigs->is_array()) return fail(ErrorKind::invalid_input, "error unmarshalling signatures: not an array");
  int64_t length = 0;
  std::string tail;
  for (const auto& sig : *sigs) {
    TRY_ASSIGN(auto format, protected_format(sig));
    if (length == 0) length = format.first;
    else if (length != format.first) return fail(ErrorKind::invalid_input, "conflicting format length");
    if (tail.empty()) tail = format.second;
    else if (tail != format.second) return fail(ErrorKind::invalid_input, "conflicting format tail");
  }
  if (length < 0 || static_cast<size_t>(length) > bytes.size())
    return fail(ErrorKind::invalid_input, "invalid format length");
  return std::string(bytes.substr(0, static_cast<size_t>(length))) + tail;
}

Result<Digest> manifest_digest(std::string_view bytes, DigestAlgorithm algo) {
  TRY_ASSIGN(auto payload, strip_jws(bytes));
  return Digest::of(payload, algo);
}

Result<Digest> manifest_digest(std::string_view bytes) { return manifest_digest(bytes, DigestAlgorithm::sha256); }

Result<bool> matches_digest(std::string_view bytes, const Digest& expected) {
  TRY_ASSIGN(auto actual, manifest_digest(bytes, expected.algorithm()));
  return actual == expected;
}

} // namespace hoist::manifest
