// libtrust-compatible JWS for schema1 manifests, with an ephemeral ECDSA P-256 key
// (OpenSSL). The key differs per call, as in c/image, so only the structure and the
// payload (hence the manifest digest) are reproducible.
#include "hoist/manifest/jws.hpp"

#include <chrono>
#include <ctime>
#include <memory>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "hoist/digest/digest.hpp"
#include "hoist/manifest/decode.hpp"
#include "hoist/util/gojson.hpp"

namespace hoist::manifest {
namespace {

using json = nlohmann::ordered_json;
using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string base32_std(std::string_view data) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint64_t buffer = 0;
  int bits = 0;
  for (unsigned char c : data) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out; // unpadded, as libtrust trims "="
}

// libtrust keyIDFromCryptoKey: SHA256(DER SPKI)[:30], base32, groups of 4 joined by ':'.
std::string key_id(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) return {};
  std::string spki(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  Hasher h;
  h.update(spki);
  Digest d = h.finish();
  std::string raw;
  for (size_t i = 0; i < 60; i += 2) raw += static_cast<char>(std::stoi(d.hex().substr(i, 2), nullptr, 16));
  std::string s = base32_std(raw), out;
  size_t i = 0;
  for (; i + 1 < s.size() / 4; ++i) out += s.substr(i * 4, 4) + ":";
  return out + s.substr(i * 4);
}

std::string coordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &bn)) return {};
  std::string out(32, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_free(bn);
  return jose_base64url(out);
}

// ES256 signature as libtrust writes it: r || s, 32 bytes each.
Result<std::string> sign_es256(EVP_PKEY* key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
    return fail(ErrorKind::internal, "error producing signature");
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in, data.size()) != 1)
    return fail(ErrorKind::internal, "error producing signature");
  auto p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  if (!sig) return fail(ErrorKind::internal, "error producing signature");
  std::string rs(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(rs.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(rs.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return rs;
}

std::string utc_now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

} // namespace

std::string jose_base64url(std::string_view data) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(data[k])); };
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int k = 3; k >= 0; --k) out += tbl[(n >> (6 * k)) & 63];
  }
  size_t rest = data.size() - i;
  if (rest == 0) return out;
  uint32_t n = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
  out += tbl[n >> 18];
  out += tbl[(n >> 12) & 63];
  if (rest == 2) out += tbl[(n >> 6) & 63];
  return out;
}

Result<std::string> add_dummy_v2s1_signature(std::string_view content) {
  TRY_ASSIGN(auto parsed, detail::parse_json(content));
  size_t close = content.find_last_not_of(" \t\n\r\v\f");
  if (!parsed.is_object() || close == std::string_view::npos || content[close] != '}')
    return fail(ErrorKind::invalid_input, "invalid json content");
  size_t last = close;
  while (last > 0 && is_space(content[last - 1])) --last;
  if (last == 0 || content[last - 1] == ',') return fail(ErrorKind::invalid_input, "invalid json content");
  size_t format_length = last;
  std::string indent;
  if (content.size() > 2 && content[0] == '{' && content[1] == '\n') {
    size_t quote = content.find('"', 1);
    if (quote != std::string_view::npos && quote > 1) indent = std::string(content.substr(2, quote - 2));
  }
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  if (!key) return fail(ErrorKind::internal, "generating a P-256 key failed");
  json prot = json::object();
  prot["formatLength"] = format_length;
  prot["formatTail"] = jose_base64url(content.substr(format_length));
  prot["time"] = utc_now_rfc3339();
  std::string protected_b64 = jose_base64url(go_marshal(prot));
  TRY_ASSIGN(auto sig, sign_es256(key.get(), protected_b64 + "." + jose_base64url(content)));
  json jwk = json::object();
  jwk["crv"] = "P-256";
  jwk["kid"] = key_id(key.get());
  jwk["kty"] = "EC";
  jwk["x"] = coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_X);
  jwk["y"] = coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
  json entry = json::object();
  entry["header"] = json::object({{"jwk", jwk}, {"alg", "ES256"}});
  entry["signature"] = jose_base64url(sig);
  entry["protected"] = protected_b64;
  json sigs = json::array({entry});
  std::string out(content.substr(0, format_length));
  if (indent.empty()) return out + ",\"signatures\":" + go_marshal(sigs) + "}";
  return out + ",\n" + indent + "\"signatures\": " + go_marshal_indent(sigs, indent, indent) + "\n}";
}

} // namespace hoist::manifest
