// Shared fixture for the auth tests: a private HOME / XDG / PATH per test (set with
// setenv, restored afterwards), file helpers, and a runner for real processes (skopeo,
// fake docker-credential-* helper scripts written into the private PATH).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

namespace hoist::auth::test {

namespace stdfs = std::filesystem;

inline std::string read_text(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_text(const stdfs::path& p, const std::string& s, unsigned mode = 0644) {
  stdfs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
  ::chmod(p.c_str(), mode);
}

struct RunOutput {
  int status = -1;
  std::string out;
};

// Runs a shell command line (stdout captured, stderr to a file under dir).
inline RunOutput run(const std::string& cmd) {
  RunOutput r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline bool have(const std::string& program) { return run("command -v " + program + " >/dev/null 2>&1").status == 0; }

class AuthEnv : public ::testing::Test {
protected:
  void SetUp() override {
    char templ[] = "/tmp/hoist-auth-test-XXXXXX";
    m_root = ::mkdtemp(templ);
    for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "PATH"}) {
      const char* v = std::getenv(name);
      m_saved[name] = v ? std::optional<std::string>(v) : std::nullopt;
    }
    home = m_root / "home";
    runtime = m_root / "run";
    bin = m_root / "bin";
    stdfs::create_directories(home);
    stdfs::create_directories(runtime);
    stdfs::create_directories(bin);
    ::setenv("HOME", home.c_str(), 1);
    ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
    ::unsetenv("XDG_CONFIG_HOME");
    ::unsetenv("DOCKER_CONFIG");
    ::unsetenv("REGISTRY_AUTH_FILE");
    std::string path = bin.string() + ":" + (m_saved["PATH"] ? *m_saved["PATH"] : "/usr/bin:/bin");
    ::setenv("PATH", path.c_str(), 1);
  }

  void TearDown() override {
    for (const auto& [name, value] : m_saved) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
    std::error_code ec;
    stdfs::remove_all(m_root, ec);
  }

  // A fake docker-credential-<name>: a shell script body run with the action in $1.
  void write_helper(const std::string& name, const std::string& body) {
    write_text(bin / ("docker-credential-" + name), "#!/bin/sh\n" + body, 0755);
  }

  stdfs::path primary() const { return runtime / "containers/auth.json"; }
  stdfs::path xdg_config() const { return home / ".config/containers/auth.json"; }
  stdfs::path docker_config() const { return home / ".docker/config.json"; }
  stdfs::path dockercfg() const { return home / ".dockercfg"; }

  stdfs::path m_root, home, runtime, bin;

private:
  std::map<std::string, std::optional<std::string>> m_saved;
};

} // namespace hoist::auth::test
