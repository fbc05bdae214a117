// login/logout writes: every file hoist writes is compared byte for byte with what the
// real `skopeo login/logout` writes for the same input, against a real htpasswd
// docker-registry started by the test.
#include "hoist/auth/store.hpp"

#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "test_env.hpp"

extern char** environ;

namespace hoist::auth::test {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// docker-registry with htpasswd users u:p and v:q, stopped by PID.
class HtpasswdRegistry {
public:
  bool start(const stdfs::path& dir) {
    stdfs::create_directories(dir / "data");
    auto users = run("htpasswd -Bbn u p && htpasswd -Bbn v q");
    if (users.status != 0) return false;
    write_text(dir / "htpasswd", users.out);
    int port = free_port();
    host = "127.0.0.1:" + std::to_string(port);
    write_text(dir / "config.yml", "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: " +
                                       (dir / "data").string() + "\nhttp:\n  addr: " + host +
                                       "\nauth:\n  htpasswd:\n    realm: test\n    path: " +
                                       (dir / "htpasswd").string() + "\n");
    std::string config = (dir / "config.yml").string();
    std::string log = (dir / "registry.log").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char* argv[] = {const_cast<char*>("docker-registry"), const_cast<char*>("serve"), config.data(), nullptr};
    int rc = ::posix_spawnp(&m_pid, "docker-registry", &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    for (int i = 0; i < 200; ++i) {
      if (run("curl -s -o /dev/null http://" + host + "/v2/").status == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  ~HtpasswdRegistry() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  std::string host;

private:
  pid_t m_pid = -1;
};

class Store : public AuthEnv {
protected:
  void SetUp() override {
    AuthEnv::SetUp();
    if (!have("skopeo") || !have("docker-registry") || !have("htpasswd") || !have("curl")) {
      GTEST_SKIP() << "needs skopeo, docker-registry, htpasswd, curl";
    }
    ASSERT_TRUE(m_registry.start(m_root / "registry")) << read_text(m_root / "registry/registry.log");
    host = m_registry.host;
  }

  // Runs skopeo; returns its stdout, asserting the exit status.
  std::string skopeo(const std::string& args, int want_status = 0) {
    auto r = run("skopeo " + args + " 2>" + (m_root / "skopeo.err").string());
    EXPECT_EQ(r.status, want_status) << args << ": " << read_text(m_root / "skopeo.err");
    return r.out;
  }

  StoreContext ctx_for(const stdfs::path& file) {
    StoreOptions o;
    o.authfile = file.string();
    return resolve_store_context(o).value();
  }

  // Same initial content in two files: skopeo edits one, hoist the other.
  std::pair<stdfs::path, stdfs::path> twin_files(const std::optional<std::string>& initial) {
    auto s = m_root / ("skopeo-" + std::to_string(m_n) + "/sub/auth.json");
    auto h = m_root / ("hoist-" + std::to_string(m_n++) + "/sub/auth.json");
    if (initial) {
      write_text(s, *initial, 0600);
      write_text(h, *initial, 0600);
    }
    return {s, h};
  }

  void expect_same_file(const stdfs::path& s, const stdfs::path& h) {
    ASSERT_TRUE(stdfs::exists(s));
    ASSERT_TRUE(stdfs::exists(h));
    EXPECT_EQ(read_text(h), read_text(s));
    EXPECT_EQ(stdfs::status(h).permissions(), stdfs::status(s).permissions());
    EXPECT_EQ(stdfs::status(h.parent_path()).permissions(), stdfs::status(s.parent_path()).permissions());
  }

  std::string host;

private:
  HtpasswdRegistry m_registry;
  int m_n = 0;
};

TEST_F(Store, LoginToFreshFileMatchesSkopeo) {
  auto [s, h] = twin_files(std::nullopt);
  EXPECT_EQ(skopeo("login --tls-verify=false -u u -p p --authfile " + s.string() + " " + host), "Login Succeeded!\n");
  auto desc = store_login(ctx_for(h), host, "u", "p");
  ASSERT_TRUE(desc) << desc.error().what();
  EXPECT_EQ(*desc, h.string());
  expect_same_file(s, h);
  EXPECT_EQ(stdfs::status(h).permissions(), stdfs::perms::owner_read | stdfs::perms::owner_write);
}

TEST_F(Store, LoginRewritesExistingFileLikeSkopeo) {
  std::string initial = R"({"auths":{"zz.io":{"auth":"eDp5","email":"a@b"},"aa.io/ns":{"auth":"eDp5",)"
                        R"("identitytoken":"t<&>"}, "e.io": {}},"credHelpers":{"c.io":"foo"},"extra":{"k":1},)"
                        R"("credsStore":"desktop"})";
  auto [s, h] = twin_files(initial);
  skopeo("login --tls-verify=false -u v -p q --authfile " + s.string() + " " + host + "/ns/repo");
  auto key = parse_login_key(host + "/ns/repo").value();
  EXPECT_EQ(key.key, host + "/ns/repo");
  EXPECT_EQ(key.registry, host);
  ASSERT_TRUE(store_login(ctx_for(h), key.key, "v", "q"));
  expect_same_file(s, h);
  // and a second login (same key, new password) on top of that
  skopeo("login --tls-verify=false -u u -p p --authfile " + s.string() + " " + host + "/ns/repo");
  ASSERT_TRUE(store_login(ctx_for(h), key.key, "u", "p"));
  expect_same_file(s, h);
}

TEST_F(Store, LoginWithUrlArgument) {
  auto [s, h] = twin_files(std::nullopt);
  std::string arg = "http://" + host + "/v2/";
  skopeo("login --tls-verify=false -u u -p p --authfile " + s.string() + " " + arg);
  auto key = parse_login_key(arg).value();
  EXPECT_EQ(key.key, host);
  ASSERT_TRUE(store_login(ctx_for(h), key.key, "u", "p"));
  expect_same_file(s, h);
}

TEST_F(Store, LoginToDefaultPrimaryPath) {
  skopeo("login --tls-verify=false -u u -p p " + host);
  std::string theirs = read_text(primary());
  auto dir_perms = stdfs::status(primary().parent_path()).permissions();
  stdfs::remove_all(primary().parent_path());
  auto ctx = resolve_store_context(StoreOptions{}).value();
  ASSERT_TRUE(store_login(ctx, host, "u", "p"));
  EXPECT_EQ(read_text(primary()), theirs);
  EXPECT_EQ(stdfs::status(primary().parent_path()).permissions(), dir_perms);
  auto stored = stored_for_key(ctx, host + "/any/repo").value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->username, "u");
  EXPECT_EQ(stored->password, "p");
}

TEST_F(Store, LogoutMatchesSkopeo) {
  std::string initial = "{\"auths\":{\"" + host + "\":{\"auth\":\"dTpw\"},\"" + host +
                        "/ns\":{\"auth\":\"dTpw\"},\"o.io\":{\"auth\":\"dTpw\",\"x\":1}},\"misc\":true}";
  auto [s, h] = twin_files(initial);
  EXPECT_EQ(skopeo("logout --authfile " + s.string() + " " + host), "Removed login credentials for " + host + "\n");
  EXPECT_EQ(remove_login(ctx_for(h), host).value(), true);
  expect_same_file(s, h);
  skopeo("logout --authfile " + s.string() + " " + host + "/ns");
  EXPECT_EQ(remove_login(ctx_for(h), host + "/ns").value(), true);
  expect_same_file(s, h);
  // not logged in: skopeo still rewrites the file, then reports the error
  skopeo("logout --tls-verify=false --authfile " + s.string() + " " + host, 1);
  EXPECT_EQ(remove_login(ctx_for(h), host).value(), false);
  expect_same_file(s, h);
}

TEST_F(Store, LogoutAllMatchesSkopeo) {
  write_helper("erasetest", "cat >/dev/null; exit 0\n");
  std::string initial = "{\"auths\":{\"a.io\":{\"auth\":\"dTpw\"}},\"credHelpers\":{\"b.io\":\"erasetest\"},\"k\":2}";
  auto [s, h] = twin_files(initial);
  EXPECT_EQ(skopeo("logout --all --authfile " + s.string()), "Removed login credentials for all registries\n");
  ASSERT_TRUE(remove_all(ctx_for(h)));
  expect_same_file(s, h);
}

TEST_F(Store, CheckAuthFile) {
  auto missing = m_root / "missing.json";
  auto st = check_auth_file(missing.string());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().what(), "credential file is not accessible: faccessat " + missing.string() +
                                   ": no such file or directory");
  EXPECT_TRUE(check_auth_file(""));
}

} // namespace
} // namespace hoist::auth::test
