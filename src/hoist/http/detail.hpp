// Internals of the HTTP client shared by its .cpp files (not for other modules).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "hoist/http/client.hpp"
#include "hoist/http/url.hpp"

namespace hoist::http::detail {

// Proxy for a request as Go's http.ProxyFromEnvironment picks it ("" = direct):
// HTTPS_PROXY/HTTP_PROXY (either case), NO_PROXY, never for localhost/loopback.
std::string proxy_for(const Url& url);

// CA certificates and the client certificate pair of a --cert-dir.
struct CertBundle {
  std::vector<std::string> ca_pems; // each file's PEM text
  std::string client_cert;          // path of *.cert, "" if none
  std::string client_key;           // its *.key
};
// Reads the directory once per process (Go's tlsclientconfig.SetupCertificates rules);
// a missing directory is an empty bundle.
Result<std::shared_ptr<const CertBundle>> load_cert_dir(const std::string& dir);
// CURLOPT_SSL_CTX_FUNCTION: records fatal TLS alerts the server sends (see take_tls_alert)
// and adds the bundle's CAs (when `bundle` is not null) to the context's store.
CURLcode setup_ssl_ctx(CURL* curl, void* ssl_ctx, void* bundle);
// The last fatal alert received on this thread's connections ("bad certificate", …), cleared.
std::string take_tls_alert();

// Go-style text for a failed transfer: `Get "URL": dial tcp 127.0.0.1:1: connect: connection refused`.
Error transfer_error(CURL* easy, CURLcode code, const Request& request, const std::string& errbuf, bool deadline_hit);

} // namespace hoist::http::detail
