// Credential lookup order and key matching; each scenario is also asked of the real
// skopeo (`skopeo login --get-login KEY` prints the username GetCredentials finds).
#include "hoist/auth/credentials.hpp"

#include <gtest/gtest.h>

#include "hoist/auth/auth_file.hpp"
#include "test_env.hpp"

namespace hoist::auth::test {
namespace {

std::string entry(const std::string& user_pass) { return "{\"auth\":\"" + base64_encode(user_pass) + "\"}"; }

std::string auths(const std::string& body) { return "{\"auths\":{" + body + "}}"; }

class Lookup : public AuthEnv {
protected:
  // Username hoist finds for key ("" when none), checked against skopeo's answer.
  std::string user_for(const std::string& key, bool compare_with_skopeo = true) {
    auto found = lookup_key(LookupOptions{}, key);
    EXPECT_TRUE(found) << found.error().what();
    std::string ours = found && *found ? (*found)->username : "";
    if (compare_with_skopeo && have("skopeo")) {
      auto r = run("skopeo login --get-login " + key + " 2>/dev/null");
      EXPECT_EQ(ours, r.status == 0 ? r.out.substr(0, r.out.size() - 1) : "") << "skopeo disagrees for " << key;
    }
    return ours;
  }
};

TEST_F(Lookup, FileOrderPrimaryThenXdgThenDockerThenLegacy) {
  write_text(dockercfg(), "{\"h.io\":" + entry("legacy:p") + "}");
  EXPECT_EQ(user_for("h.io"), "legacy");
  write_text(docker_config(), auths("\"h.io\":" + entry("docker:p")));
  EXPECT_EQ(user_for("h.io"), "docker");
  write_text(xdg_config(), auths("\"h.io\":" + entry("xdg:p")));
  EXPECT_EQ(user_for("h.io"), "xdg");
  write_text(primary(), auths("\"h.io\":" + entry("primary:p")));
  EXPECT_EQ(user_for("h.io/ns/repo"), "primary");
  EXPECT_EQ(user_for("other.io"), "");
}

TEST_F(Lookup, XdgConfigHomeAndDockerConfigVariables) {
  write_text(m_root / "cfg/containers/auth.json", auths("\"h.io\":" + entry("cfg:p")));
  ::setenv("XDG_CONFIG_HOME", (m_root / "cfg").c_str(), 1);
  EXPECT_EQ(user_for("h.io"), "cfg");
  ::unsetenv("XDG_CONFIG_HOME");
  write_text(m_root / "dcfg/config.json", auths("\"h.io\":" + entry("dockerenv:p")));
  write_text(docker_config(), auths("\"h.io\":" + entry("dockerhome:p")));
  ::setenv("DOCKER_CONFIG", (m_root / "dcfg").c_str(), 1);
  EXPECT_EQ(user_for("h.io", false), "dockerenv"); // newest skopeo's login treats DOCKER_CONFIG differently
}

TEST_F(Lookup, UserSpecifiedFileIsTheOnlyOne) {
  write_text(xdg_config(), auths("\"h.io\":" + entry("xdg:p")));
  auto file = m_root / "mine.json";
  write_text(file, auths("\"g.io\":" + entry("mine:p")));
  ::setenv("REGISTRY_AUTH_FILE", file.c_str(), 1);
  // Newest c/image reads only a user-specified file; skopeo 1.9.3 (c/image 5.22) still
  // went on to the default files, so it is no oracle here.
  EXPECT_EQ(user_for("h.io", false), "");
  EXPECT_EQ(user_for("g.io"), "mine");
  LookupOptions defaults;
  defaults.authfile = "";
  EXPECT_EQ(lookup_key(defaults, "h.io").value()->username, "xdg");
  LookupOptions explicit_file;
  explicit_file.authfile = file.string();
  ::unsetenv("REGISTRY_AUTH_FILE");
  EXPECT_FALSE(lookup_key(explicit_file, "h.io").value());
}

TEST_F(Lookup, MostSpecificKeyWins) {
  write_text(primary(), auths("\"h.io\":" + entry("top:p") + ",\"h.io/ns\":" + entry("ns:p") +
                              ",\"h.io/ns/app\":" + entry("app:p") + ",\"h.io/n\":" + entry("prefix:p")));
  EXPECT_EQ(user_for("h.io/ns/app"), "app");
  EXPECT_EQ(user_for("h.io/ns/other"), "ns");
  EXPECT_EQ(user_for("h.io/nsx/app"), "top");
  EXPECT_EQ(user_for("h.io"), "top");
  EXPECT_EQ(lookup(LookupOptions{}, "h.io", "ns/app/sub").value()->username, "app");
}

TEST_F(Lookup, NormalizedLegacyKeys) {
  write_text(primary(), auths("\"https://index.docker.io/v1/\":" + entry("hub:p") + ",\"http://h.io:5000/v2/\":" +
                              entry("url:p") + ",\"g.io/ns\":" + entry("ns:p")));
  EXPECT_EQ(user_for("docker.io/library/busybox"), "hub");
  EXPECT_EQ(user_for("registry-1.docker.io"), "hub");
  EXPECT_EQ(user_for("h.io:5000/a/b"), "url");
  EXPECT_EQ(user_for("g.io"), ""); // a namespaced key never serves its parent
}

TEST_F(Lookup, EmptyAndMalformedEntriesFallThrough) {
  write_text(primary(), auths("\"h.io\":{},\"g.io\":{\"auth\":\"" + base64_encode("nocolon") +
                              "\"},\"t.io\":{\"identitytoken\":\"tok\"}"));
  write_text(xdg_config(), auths("\"h.io\":" + entry("xdg:p") + ",\"g.io\":" + entry("xdg2:p") + ",\"t.io\":" +
                                 entry("xdg3:p")));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(user_for("h.io"), "xdg");
  EXPECT_EQ(user_for("g.io", false), "xdg2");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Error parsing the \\\"auth\\\" field of a credential entry \\\"g.io\\\" in \\\"" +
                     primary().string() + "\\\", missing semicolon"), std::string::npos) << err;
  EXPECT_EQ(err.find("nocolon"), std::string::npos) << "secret text must not be logged";
  EXPECT_EQ(user_for("t.io"), "xdg3"); // identitytoken without auth is ignored by c/image
}

TEST_F(Lookup, PasswordSplitAtFirstColonAndNulsTrimmed) {
  write_text(primary(), auths("\"h.io\":{\"auth\":\"" + base64_encode(std::string("u:p:q\0\0", 7)) +
                              "\",\"identitytoken\":\"idt\"}"));
  auto c = lookup_key(LookupOptions{}, "h.io").value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "u");
  EXPECT_EQ(c->password, "p:q");
  EXPECT_EQ(c->identity_token, "idt");
}

TEST_F(Lookup, MissingXdgRuntimeDirWarnsAndContinues) {
  ::setenv("XDG_RUNTIME_DIR", (m_root / "nope").c_str(), 1);
  write_text(xdg_config(), auths("\"h.io\":" + entry("xdg:p")));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(user_for("h.io", false), "xdg");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("level=warning"), std::string::npos) << err;
  EXPECT_NE(err.find("directory set by $XDG_RUNTIME_DIR does not exist. Either create the directory or unset "
                     "$XDG_RUNTIME_DIR.: faccessat " + (m_root / "nope").string() +
                     ": no such file or directory: Trying to pull image in the event that it is a public image."),
            std::string::npos) << err;
}

TEST_F(Lookup, ExplicitAndNoCredsBypassFiles) {
  write_text(primary(), "{ broken");
  LookupOptions o;
  o.explicit_creds = Credentials{"x", "y", ""};
  EXPECT_EQ(lookup_key(o, "h.io").value()->password, "y");
  LookupOptions anon;
  anon.no_creds = true;
  EXPECT_FALSE(lookup_key(anon, "h.io").value());
  auto err = lookup_key(LookupOptions{}, "h.io");
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().what(), "reading JSON file \"" + primary().string() + "\": unmarshaling JSON at \"" +
                                    primary().string() + "\": invalid character 'b' looking for beginning of object key string");
}

TEST_F(Lookup, InvalidKeys) {
  EXPECT_EQ(lookup_key(LookupOptions{}, "https://h.io").error().what(), "key https://h.io contains http[s]:// prefix");
  EXPECT_EQ(lookup_key(LookupOptions{}, "h.io/a@sha256:x").error().what(), "key h.io/a@sha256:x contains a '@' character");
  EXPECT_EQ(lookup_key(LookupOptions{}, "h.io/a:tag").error().what(),
            "key h.io/a:tag contains a ':' character after host[:port]");
  EXPECT_TRUE(lookup_key(LookupOptions{}, "localhost:5000/foo"));
}

TEST_F(Lookup, CredHelpersFromFile) {
  write_helper("test", "read url\n"
                       "case \"$url\" in\n"
                       "  h.io) echo '{\"ServerURL\":\"h.io\",\"Username\":\"helperuser\",\"Secret\":\"s3\"}' ;;\n"
                       "  t.io) echo '{\"serverurl\":\"t.io\",\"username\":\"<token>\",\"secret\":\"idtok\"}' ;;\n"
                       "  bad.io) echo boom; exit 3 ;;\n"
                       "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
                       "esac\n");
  write_text(primary(), "{\"auths\":{\"n.io\":" + entry("file:p") + "},\"credHelpers\":{\"h.io\":\"test\","
                        "\"t.io\":\"test\",\"bad.io\":\"test\",\"n.io\":\"test\",\"x.io\":\"missing\"}}");
  write_text(xdg_config(), auths("\"n.io\":" + entry("xdg:p")));
  EXPECT_EQ(user_for("h.io/ns/repo"), "helperuser");
  EXPECT_EQ(lookup_key(LookupOptions{}, "h.io").value()->password, "s3");
  auto tok = lookup_key(LookupOptions{}, "t.io").value();
  ASSERT_TRUE(tok);
  EXPECT_EQ(*tok, (Credentials{"", "", "idtok"}));
  EXPECT_EQ(user_for("n.io"), "xdg"); // the helper said "not found": the next file is tried
  EXPECT_EQ(lookup_key(LookupOptions{}, "bad.io").error().what(), "error getting credentials - err: exit status 3, out: `boom`");
  EXPECT_EQ(lookup_key(LookupOptions{}, "x.io").error().what(),
            "error getting credentials - err: exec: \"docker-credential-missing\": executable file not found in "
            "$PATH, out: ``");
}

TEST_F(Lookup, RegistriesConfHelpersInOrder) {
  write_helper("first", "read url; [ \"$url\" = h.io ] && echo '{\"Username\":\"first\",\"Secret\":\"x\"}' && exit 0\n"
                        "echo 'credentials not found in native keychain'; exit 1\n");
  write_text(primary(), auths("\"h.io\":" + entry("file:p") + ",\"g.io\":" + entry("file:p")));
  LookupOptions o;
  o.credential_helpers = {"first", std::string(k_auth_file_helper)};
  EXPECT_EQ(lookup_key(o, "h.io/a").value()->username, "first");
  EXPECT_EQ(lookup_key(o, "g.io/a").value()->username, "file");
  o.credential_helpers = {"missing", std::string(k_auth_file_helper)};
  EXPECT_EQ(lookup_key(o, "g.io").value()->username, "file"); // an erroring helper does not hide later hits
  o.credential_helpers = {"missing"};
  EXPECT_FALSE(lookup_key(o, "g.io"));
}

TEST_F(Lookup, DockerCredsStoreExtension) {
  write_helper("desk", "read url; [ \"$url\" = https://index.docker.io/v1/ ] && "
                       "echo '{\"Username\":\"hub\",\"Secret\":\"x\"}' && exit 0\n"
                       "[ \"$url\" = h.io ] && echo '{\"Username\":\"desk\",\"Secret\":\"x\"}' && exit 0\n"
                       "echo 'credentials not found in native keychain'; exit 1\n");
  write_text(docker_config(), "{\"auths\":{\"h.io\":{},\"f.io\":" + entry("file:p") + "},\"credsStore\":\"desk\"}");
  EXPECT_EQ(lookup_key(LookupOptions{}, "h.io/a").value()->username, "desk");
  EXPECT_EQ(lookup_key(LookupOptions{}, "docker.io/library/x").value()->username, "hub");
  EXPECT_EQ(lookup_key(LookupOptions{}, "f.io").value()->username, "file"); // skopeo's answer is kept
  EXPECT_FALSE(lookup_key(LookupOptions{}, "z.io").value());
  write_text(docker_config(), "{\"auths\":{},\"credsStore\":\"absent\"}");
  EXPECT_FALSE(lookup_key(LookupOptions{}, "h.io").value()); // a broken store never fails the lookup
}

// skopeo 1.9.3: `reading JSON file "<p>": open <p>: not a directory` for a path under a file.
TEST_F(Lookup, UnreadableFileIsAnError) {
  write_text(m_root / "file", "x");
  LookupOptions o;
  o.authfile = (m_root / "file/sub/auth.json").string();
  auto r = lookup_key(o, "h.io");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "reading JSON file \"" + *o.authfile + "\": open " + *o.authfile + ": not a directory");
}

} // namespace
} // namespace hoist::auth::test
