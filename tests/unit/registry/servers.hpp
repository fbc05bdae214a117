// Test servers: a real docker-registry (CNCF distribution) in a temp dir, and a tiny
// scripted HTTP server for behaviour docker-registry can't be made to show (dropped
// connections, 503s). Both bind 127.0.0.1 on a free port and are stopped by PID/join.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hoist/http/client.hpp"

namespace testing_servers {

inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

class DockerRegistry {
public:
  // tls: serve https with a certificate for 127.0.0.1 signed by a fresh CA, whose
  // certificate is written to ca_dir()/ca.crt (a --cert-dir).
  // htpasswd_user/password: require Basic auth (docker-registry's htpasswd backend).
  explicit DockerRegistry(bool tls = false, std::string htpasswd_user = "", std::string htpasswd_password = "")
      : m_tls(tls) {
    char tmpl[] = "/tmp/hoist-registry-XXXXXX";
    m_dir = mkdtemp(tmpl);
    m_port = free_port();
    std::ofstream config(m_dir / "config.yml");
    config << "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
           << "storage:\n  filesystem:\n    rootdirectory: " << (m_dir / "data").string()
           << "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" << m_port << "\n";
    if (tls) {
      make_certs();
      config << "  tls:\n    certificate: " << (m_dir / "server.crt").string() << "\n    key: " << (m_dir / "server.key").string()
             << "\n";
    }
    if (!htpasswd_user.empty()) {
      std::string file = (m_dir / "htpasswd").string();
      std::string cmd = "htpasswd -Bbc " + file + " " + htpasswd_user + " " + htpasswd_password + " >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) std::abort();
      config << "auth:\n  htpasswd:\n    realm: test-realm\n    path: " << file << "\n";
    }
    config.close();
    m_pid = fork();
    if (m_pid == 0) {
      std::string log = (m_dir / "registry.log").string();
      freopen(log.c_str(), "w", stderr);
      freopen(log.c_str(), "a", stdout);
      execlp("docker-registry", "docker-registry", "serve", (m_dir / "config.yml").c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      hoist::http::Request req;
      req.url = url() + "/v2/";
      req.tls.verify = false;
      if (auto r = hoist::http::perform(req); r && (r->status == 200 || r->status == 401)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~DockerRegistry() {
    if (m_pid > 0) {
      kill(m_pid, SIGTERM);
      waitpid(m_pid, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }
  std::string url() const { return (m_tls ? "https://" : "http://") + host(); }
  std::string ca_dir() const { return (m_dir / "certs").string(); }

private:
  void make_certs() {
    std::filesystem::create_directories(m_dir / "certs");
    std::string d = m_dir.string();
    std::string cmd =
        "cd " + d + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out certs/ca.crt -days 2 "
        "-subj /CN=hoist-test-ca >/dev/null 2>&1 && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj /CN=127.0.0.1 >/dev/null 2>&1 && printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && openssl x509 -req "
        "-in server.csr -CA certs/ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) std::abort();
  }

  bool m_tls = false;
  std::filesystem::path m_dir;
  int m_port = 0;
  pid_t m_pid = -1;
};

struct RawRequest {
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return {};
  }
};

// One request per connection; the handler returns the raw bytes to send, then the
// connection is closed (so a short body looks like a dropped connection).
class ScriptedServer {
public:
  using Handler = std::function<std::string(const RawRequest&)>;
  explicit ScriptedServer(Handler handler) : m_handler(std::move(handler)) {
    m_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    listen(m_fd, 16);
    m_thread = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    m_stop = true;
    shutdown(m_fd, SHUT_RDWR);
    close(m_fd);
    m_thread.join();
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }
  std::vector<RawRequest> requests() {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

private:
  void serve() {
    while (!m_stop) {
      int c = accept(m_fd, nullptr, nullptr);
      if (c < 0) return;
      RawRequest req = read_request(c);
      if (req.method.empty()) { // a TLS ClientHello (https probe) or nothing
        close(c);
        continue;
      }
      {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(req);
      }
      std::string out = m_handler(req);
      for (size_t off = 0; off < out.size();) {
        ssize_t n = send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
      close(c);
    }
  }
  static RawRequest read_request(int c) {
    std::string data;
    char buf[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      if (data[0] == '\x16') return {};
    }
    RawRequest req;
    if (data.find("\r\n\r\n") == std::string::npos) return req;
    std::string head = data.substr(0, data.find("\r\n\r\n"));
    size_t eol = head.find("\r\n");
    std::string line = head.substr(0, eol);
    req.method = line.substr(0, line.find(' '));
    req.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    size_t pos = eol == std::string::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string h = head.substr(pos, e - pos);
      if (auto colon = h.find(':'); colon != std::string::npos) {
        size_t v = h.find_first_not_of(' ', colon + 1);
        req.headers.emplace_back(h.substr(0, colon), v == std::string::npos ? "" : h.substr(v));
      }
      pos = e + 2;
    }
    return req;
  }

  Handler m_handler;
  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
  std::mutex m_mutex;
  std::vector<RawRequest> m_requests;
};

} // namespace testing_servers
