// auth.json parsing, Go-compatible error texts and base64, checked against skopeo.
#include "hoist/auth/auth_file.hpp"
#include "hoist/auth/go_json_syntax.hpp"

#include <gtest/gtest.h>

#include "test_env.hpp"

namespace hoist::auth::test {
namespace {

TEST(Base64, DecodesLikeGo) {
  EXPECT_EQ(base64_decode("dTpw").value(), "u:p");
  EXPECT_EQ(base64_decode("YQ==").value(), "a");
  EXPECT_EQ(base64_decode("YWI=").value(), "ab");
  EXPECT_EQ(base64_decode("YW\nJj").value(), "abc"); // Go skips \r and \n
  EXPECT_EQ(base64_decode("").value(), "");
}

// Offsets as skopeo 1.9.3 reports them for these "auth" values.
TEST(Base64, GoErrorOffsets) {
  EXPECT_EQ(base64_decode("Y").error().what(), "illegal base64 data at input byte 0");
  EXPECT_EQ(base64_decode("YQ==x").error().what(), "illegal base64 data at input byte 4");
  EXPECT_EQ(base64_decode("abc").error().what(), "illegal base64 data at input byte 0");
  EXPECT_EQ(base64_decode("ab!d").error().what(), "illegal base64 data at input byte 2");
  EXPECT_EQ(base64_decode("Y===").error().what(), "illegal base64 data at input byte 1");
  EXPECT_EQ(base64_decode("YQ=").error().what(), "illegal base64 data at input byte 3");
  EXPECT_EQ(base64_decode("YQ==YQ==").error().what(), "illegal base64 data at input byte 4");
}

TEST(Base64, EncodeRoundTrip) {
  EXPECT_EQ(base64_encode("u:p"), "dTpw");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_decode(base64_encode(std::string("x:\0\xff", 4))).value(), std::string("x:\0\xff", 4));
}

TEST(GoJsonSyntax, Messages) {
  EXPECT_EQ(go_json_syntax_error("{\"a\": [1, {\"b\": null}]}"), std::nullopt);
  EXPECT_EQ(go_json_syntax_error(" \n"), "unexpected end of JSON input");
  EXPECT_EQ(go_json_syntax_error("{\"a\" 1}"), "invalid character '1' after object key");
  EXPECT_EQ(go_json_syntax_error("[1x]"), "invalid character 'x' after array element");
  EXPECT_EQ(go_json_syntax_error("{\"a\":1,}"), "invalid character '}' looking for beginning of object key string");
  EXPECT_EQ(go_json_syntax_error("{} {}"), "invalid character '{' after top-level value");
  EXPECT_EQ(go_json_syntax_error("tru"), "unexpected end of JSON input");
  EXPECT_EQ(go_json_syntax_error("nul!"), "invalid character '!' in literal null (expecting 'l')");
  EXPECT_EQ(go_json_syntax_error("\"a\nb\""), "invalid character '\\n' in string literal");
  EXPECT_EQ(go_json_syntax_error("-x"), "invalid character 'x' in numeric literal");
  EXPECT_EQ(go_json_syntax_error("'a'"), "invalid character '\\'' looking for beginning of value");
}

TEST(ParseAuthJson, CaseInsensitiveFieldsAndUnknownKeysDropped) {
  auto c = parse_auth_json(R"({"AUTHS":{"h":{"Auth":"dTpw","IdentityToken":"t","email":"x"}},"other":1,)"
                           R"("credhelpers":{"r":"x"},"credsStore":"desktop"})", false);
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_EQ(c->auths.at("h").auth, "dTpw");
  EXPECT_EQ(c->auths.at("h").identity_token, "t");
  EXPECT_EQ(c->cred_helpers.at("r"), "x");
  EXPECT_EQ(c->creds_store, "desktop");
  EXPECT_EQ(serialize_auth_json(*c), "{\n\t\"auths\": {\n\t\t\"h\": {\n\t\t\t\"auth\": \"dTpw\",\n"
                                     "\t\t\t\"identitytoken\": \"t\"\n\t\t}\n\t},\n\t\"credHelpers\": {\n"
                                     "\t\t\"r\": \"x\"\n\t}\n}");
}

TEST(ParseAuthJson, NullsAreEmpty) {
  auto c = parse_auth_json(R"({"auths":{"h":null,"g":{"auth":null}},"credHelpers":null})", false);
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_EQ(c->auths.size(), 2u);
  EXPECT_EQ(serialize_auth_json(*c), "{\n\t\"auths\": {\n\t\t\"g\": {},\n\t\t\"h\": {}\n\t}\n}");
  EXPECT_TRUE(parse_auth_json("null", false));
}

TEST(ParseAuthJson, EmptyFileSerialization) {
  EXPECT_EQ(serialize_auth_json({}), "{\n\t\"auths\": {}\n}");
}

TEST(NormalizeKeys, LegacyAndUrlForms) {
  EXPECT_EQ(normalize_auth_file_key("https://index.docker.io/v1/", false), "index.docker.io");
  EXPECT_EQ(normalize_auth_file_key("http://h:5000/v2/", false), "h:5000");
  EXPECT_EQ(normalize_auth_file_key("h:5000/ns", false), "h:5000/ns"); // no scheme: not cut
  EXPECT_EQ(normalize_auth_file_key("h:5000/ns", true), "h:5000");
  EXPECT_EQ(normalize_auth_file_key("docker.io", false), "index.docker.io");
  EXPECT_EQ(normalize_auth_file_key("registry-1.docker.io", false), "index.docker.io");
}

// The Go-worded errors must be what skopeo itself prints for the same broken files.
class SkopeoErrors : public AuthEnv {};

std::string skopeo_unmarshal_error(const stdfs::path& file) {
  auto r = run("skopeo inspect --authfile " + file.string() + " docker://127.0.0.1:1/x/y 2>&1");
  std::string marker = "unmarshaling JSON at \\\"" + file.string() + "\\\": ";
  auto at = r.out.find(marker);
  if (at == std::string::npos) return "NO MARKER IN: " + r.out;
  std::string msg = r.out.substr(at + marker.size());
  msg = msg.substr(0, msg.find("\\n"));
  std::string out;
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\\' && i + 1 < msg.size()) ++i;
    out += msg[i];
  }
  return out;
}

TEST_F(SkopeoErrors, SameUnmarshalMessagesAsSkopeo) {
  if (!have("skopeo")) GTEST_SKIP() << "skopeo not installed";
  const char* inputs[] = {
      "", "{", "[]", "{\"auths\":[]}", "{\"auths\":{\"h\":5}}", "{\"auths\":{\"h\":{\"auth\":5}}}",
      "{\"auths\":{\"h\":{\"identitytoken\":true}}}", "{\"credHelpers\":[1]}", "{\"credHelpers\":{\"h\":{}}}",
      "{\"a\" 1}", "[1x]", "{\"auths\":{\"h\":{\"auth\":\"x\",}}}", "\"str\"", "{\"auths\":{\"h\":{\"auth\":\"\\q\"}}}",
  };
  int n = 0;
  for (const char* input : inputs) {
    auto file = m_root / ("bad" + std::to_string(n++) + ".json");
    write_text(file, input);
    auto ours = read_auth_file({file.string(), false});
    ASSERT_FALSE(ours) << input;
    EXPECT_EQ(ours.error().what(), "unmarshaling JSON at \"" + file.string() + "\": " + skopeo_unmarshal_error(file))
        << "input: " << input;
  }
}

} // namespace
} // namespace hoist::auth::test
