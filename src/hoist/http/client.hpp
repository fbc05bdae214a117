// The process's HTTP client. One libcurl share handle (DNS cache, TLS sessions) and a
// pool of multi+easy "channels" whose connection caches keep connections alive across
// requests and images; each channel is used by one thread at a time, which is the only
// use libcurl supports safely. Responses are either buffered (bounded) or streamed: the
// Stream pulls from the transfer as it is read, so a blob never sits in memory whole.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::http {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

struct TlsConfig {
  bool verify = true;
  std::string cert_dir; // skopeo --cert-dir: *.crt CAs (added to the system ones), *.cert + *.key client pair
};

using Clock = std::chrono::steady_clock;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  // Body: either bytes in memory or a stream (size -1 = unknown, sent chunked).
  std::optional<std::string> body_bytes;
  Reader* body = nullptr;
  int64_t body_size = -1;
  TlsConfig tls;
  std::string user_agent;
  bool follow_redirects = true;
  bool allow_http2 = true;                 // HTTP/2 when the TLS server offers it
  std::optional<Clock::time_point> deadline; // --command-timeout
};

struct Response {
  int status = 0;
  std::string url; // effective URL, after redirects
  Headers headers; // of the final response, in order received
  std::string body; // perform() only

  // First value of a header (case-insensitive name).
  std::optional<std::string> header(std::string_view name) const;
  std::vector<std::string> header_values(std::string_view name) const;
  // Go's resp.Status: "404 Not Found".
  std::string status_line() const;
};

// A response whose body is read as it arrives. Destroying it early aborts the transfer.
class Stream : public Reader {
public:
  virtual const Response& response() const = 0;
};
using StreamPtr = std::unique_ptr<Stream>;

// Sends the request and buffers the body, failing beyond `body_limit` bytes with
// "exceeded maximum allowed size of N bytes".
Result<Response> perform(const Request& request, size_t body_limit = 4u << 20);
// Sends the request and returns once the final response's headers arrived.
Result<StreamPtr> open(const Request& request);
// c/image's tlsclientconfig.SetupCertificates check of a --cert-dir (every *.cert needs its
// *.key and vice versa), run when a registry client is made, before any request.
Status check_cert_dir(const std::string& dir);

// Go's http.StatusText.
std::string_view status_text(int status);
// Go's url.Error op: "Get", "Head", "Put", ...
std::string go_method_op(std::string_view method);

// Error classes for retry decisions (the Error texts are Go's).
bool is_deadline_error(const Error& e);   // --command-timeout expired
bool is_transient_error(const Error& e);  // reset, EOF, timeouts: another attempt may work
bool is_connection_error(const Error& e); // any network failure except TLS verification

} // namespace hoist::http
