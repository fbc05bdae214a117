// Transfer failures as Go's net/http reports them, since skopeo's messages embed them:
// `Get "https://h/v2/": dial tcp 127.0.0.1:1: connect: connection refused`.
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <openssl/x509_vfy.h>

#include "hoist/http/detail.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::http {

namespace {

std::string info_string(CURL* easy, CURLINFO info) {
  char* s = nullptr;
  if (curl_easy_getinfo(easy, info, &s) != CURLE_OK || !s) return {};
  return s;
}

long info_long(CURL* easy, CURLINFO info) {
  long v = 0;
  curl_easy_getinfo(easy, info, &v);
  return v;
}

std::string bracket(const std::string& ip) { return ip.find(':') != std::string::npos ? "[" + ip + "]" : ip; }

// "127.0.0.1:5000" of the peer, from curl or else from the URL.
std::string remote_addr(CURL* easy, const Url& url) {
  std::string ip = info_string(easy, CURLINFO_PRIMARY_IP);
  long port = info_long(easy, CURLINFO_PRIMARY_PORT);
  std::string default_port = url.scheme == "http" ? "80" : "443";
  if (ip.empty()) return bracket(url.host) + ":" + (url.port.empty() ? default_port : url.port);
  return bracket(ip) + ":" + (port ? std::to_string(port) : url.port.empty() ? default_port : url.port);
}

std::string local_addr(CURL* easy) {
  std::string ip = info_string(easy, CURLINFO_LOCAL_IP);
  return bracket(ip) + ":" + std::to_string(info_long(easy, CURLINFO_LOCAL_PORT));
}

std::string errno_text(int err) {
  switch (err) {
  case ECONNREFUSED: return "connection refused";
  case ECONNRESET: return "connection reset by peer";
  case EHOSTUNREACH: return "no route to host";
  case ENETUNREACH: return "network is unreachable";
  case ETIMEDOUT: return "connection timed out";
  case EPIPE: return "broken pipe";
  default: return to_lower(std::strerror(err));
  }
}

std::string first_nameserver() {
  std::ifstream in("/etc/resolv.conf");
  std::string line;
  while (std::getline(in, line)) {
    auto words = split(trim(line), ' ');
    if (words.size() >= 2 && words[0] == "nameserver") return bracket(trim(words[1])) + ":53";
  }
  return {};
}

// x509 verification failure as Go's crypto/tls words it.
std::string tls_verify_text(CURL* easy, const Url& url, const std::string& errbuf) {
  long result = info_long(easy, CURLINFO_SSL_VERIFYRESULT);
  std::string why;
  switch (result) {
  case X509_V_ERR_CERT_HAS_EXPIRED:
  case X509_V_ERR_CERT_NOT_YET_VALID:
    why = "x509: certificate has expired or is not yet valid";
    break;
  case X509_V_OK:
    if (errbuf.find("subject name") != std::string::npos || errbuf.find("host name") != std::string::npos)
      why = fmt::format("x509: certificate is not valid for {}", url.host);
    else
      why = "x509: " + errbuf;
    break;
  default:
    why = "x509: certificate signed by unknown authority";
  }
  return "tls: failed to verify certificate: " + why;
}

std::string detail_text(CURL* easy, CURLcode code, const Url& url, const std::string& errbuf, int os_errno) {
  switch (code) {
  case CURLE_COULDNT_RESOLVE_HOST: {
    std::string ns = first_nameserver();
    return fmt::format("dial tcp: lookup {}{}: no such host", url.host, ns.empty() ? "" : " on " + ns);
  }
  case CURLE_COULDNT_CONNECT:
    return fmt::format("dial tcp {}: connect: {}", remote_addr(easy, url),
                       os_errno ? errno_text(os_errno) : "connection refused");
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
    return tls_verify_text(easy, url, errbuf);
  case CURLE_SSL_CONNECT_ERROR:
    if (errbuf.find("wrong version number") != std::string::npos || errbuf.find("packet length too long") != std::string::npos)
      return "http: server gave HTTP response to HTTPS client";
    return "tls: " + errbuf;
  case CURLE_GOT_NOTHING:
    return "EOF";
  case CURLE_PARTIAL_FILE:
    return "unexpected EOF";
  case CURLE_RECV_ERROR:
    if (os_errno == ECONNRESET || errbuf.find("reset") != std::string::npos)
      return fmt::format("read tcp {}->{}: read: connection reset by peer", local_addr(easy), remote_addr(easy, url));
    return os_errno ? fmt::format("read tcp {}->{}: read: {}", local_addr(easy), remote_addr(easy, url), errno_text(os_errno))
                    : "unexpected EOF";
  case CURLE_SEND_ERROR:
    return fmt::format("write tcp {}->{}: write: {}", local_addr(easy), remote_addr(easy, url),
                       errno_text(os_errno ? os_errno : EPIPE));
  case CURLE_OPERATION_TIMEDOUT:
    if (info_long(easy, CURLINFO_RESPONSE_CODE) == 0 && info_string(easy, CURLINFO_PRIMARY_IP).empty())
      return fmt::format("dial tcp {}: i/o timeout", remote_addr(easy, url));
    return "net/http: timeout awaiting response or reading body (i/o timeout)";
  default:
    return errbuf.empty() ? curl_easy_strerror(code) : errbuf;
  }
}

} // namespace

std::string go_method_op(std::string_view method) {
  std::string op = to_lower(method);
  if (!op.empty()) op[0] = static_cast<char>(op[0] - 'a' + 'A');
  return op;
}

Error detail::transfer_error(CURL* easy, CURLcode code, const Request& request, const std::string& errbuf,
                             bool deadline_hit) {
  auto parsed = parse_url(request.url);
  Url url = parsed ? *parsed : Url{};
  std::string prefix = fmt::format("{} {}: ", go_method_op(request.method), go_quote(request.url));
  if (deadline_hit) return Error(ErrorKind::timeout, prefix + "context deadline exceeded");
  // A fatal alert from the server (a refused client certificate): Go's "remote error: tls: …",
  // whatever curl saw afterwards (EOF, EPIPE); not a transient error.
  if (std::string alert = take_tls_alert(); !alert.empty() && code != CURLE_OK)
    return Error(ErrorKind::denied, prefix + "remote error: tls: " + alert);
  int os_errno = static_cast<int>(info_long(easy, CURLINFO_OS_ERRNO));
  std::string detail = detail_text(easy, code, url, errbuf, os_errno);
  ErrorKind kind = code == CURLE_OPERATION_TIMEDOUT ? ErrorKind::timeout : ErrorKind::network;
  return Error(kind, prefix + detail);
}

bool is_deadline_error(const Error& e) {
  for (const Error* c = &e; c; c = c->cause())
    if (ends_with(c->message(), "context deadline exceeded")) return true;
  return false;
}

namespace {
const Error& innermost(const Error& e) {
  const Error* c = &e;
  while (c->cause()) c = c->cause();
  return *c;
}
} // namespace

bool is_transient_error(const Error& e) {
  if (is_deadline_error(e)) return false;
  const Error& inner = innermost(e);
  if (inner.kind() == ErrorKind::timeout) return true;
  if (inner.kind() != ErrorKind::network || inner.http_status != 0) return false;
  const std::string& m = inner.message();
  return ends_with(m, ": EOF") || ends_with(m, "unexpected EOF") || m.find("connection reset") != std::string::npos ||
         m.find("broken pipe") != std::string::npos;
}

bool is_connection_error(const Error& e) {
  if (is_deadline_error(e)) return false;
  const Error& inner = innermost(e);
  if (inner.kind() == ErrorKind::timeout) return true;
  if (inner.kind() != ErrorKind::network || inner.http_status != 0) return false;
  const std::string& m = inner.message();
  return m.find("tls:") == std::string::npos && m.find("x509:") == std::string::npos &&
         m.find("http: server gave HTTP response") == std::string::npos && m.find("no such host") == std::string::npos;
}

} // namespace hoist::http
