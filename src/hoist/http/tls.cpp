// --cert-dir handling as containers/image's tlsclientconfig.SetupCertificates: every
// *.crt is a CA added to the system roots, every *.cert needs a matching *.key (and
// vice versa). libcurl only takes a hashed CA directory or a replacement bundle, so the
// CAs are added to OpenSSL's store from the SSL_CTX callback instead.
#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hoist/http/detail.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::http::detail {

namespace {

namespace stdfs = std::filesystem;

Result<CertBundle> read_cert_dir(const std::string& dir) {
  CertBundle bundle;
  std::error_code ec;
  if (!stdfs::is_directory(dir, ec)) return bundle;
  std::vector<stdfs::path> files;
  for (const auto& entry : stdfs::directory_iterator(dir, ec)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string name = path.filename().string();
    if (ends_with(name, ".crt")) {
      TRY_ASSIGN(auto pem, fs::read_file(path));
      bundle.ca_pems.push_back(std::move(pem));
    } else if (ends_with(name, ".cert")) {
      std::string key = name.substr(0, name.size() - 5) + ".key";
      if (!fs::exists(stdfs::path(dir) / key))
        return fail(ErrorKind::invalid_input,
                    fmt::format("missing key {} for client certificate {}. Note that CA certificates should use the "
                                "extension .crt",
                                key, name));
      if (bundle.client_cert.empty()) {
        bundle.client_cert = path.string();
        bundle.client_key = (stdfs::path(dir) / key).string();
      }
    } else if (ends_with(name, ".key")) {
      std::string cert = name.substr(0, name.size() - 4) + ".cert";
      if (!fs::exists(stdfs::path(dir) / cert))
        return fail(ErrorKind::invalid_input, fmt::format("missing client certificate {} for key {}", cert, name));
    }
  }
  return bundle;
}

} // namespace

Result<std::shared_ptr<const CertBundle>> load_cert_dir(const std::string& dir) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const CertBundle>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(dir); it != cache.end()) return it->second;
  TRY_ASSIGN(auto bundle, read_cert_dir(dir));
  auto shared = std::make_shared<const CertBundle>(std::move(bundle));
  cache.emplace(dir, shared);
  return shared;
}

namespace {

// A transfer runs on its caller's thread (curl_multi_perform), so a thread_local suffices.
thread_local std::string t_tls_alert;

void on_tls_info(const SSL*, int where, int ret) {
  if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT && SSL_alert_type_string(ret)[0] == 'F') t_tls_alert = SSL_alert_desc_string_long(ret);
}

} // namespace

std::string take_tls_alert() { return std::exchange(t_tls_alert, std::string()); }

CURLcode setup_ssl_ctx(CURL*, void* ssl_ctx, void* data) {
  SSL_CTX_set_info_callback(static_cast<SSL_CTX*>(ssl_ctx), &on_tls_info);
  const auto* bundle = static_cast<const CertBundle*>(data);
  if (bundle == nullptr) return CURLE_OK;
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  for (const auto& pem : bundle->ca_pems) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, cert); // duplicates are harmless
      X509_free(cert);
    }
    BIO_free(bio);
  }
  ERR_clear_error(); // the end-of-input "error" of the last PEM read
  return CURLE_OK;
}

} // namespace hoist::http::detail

namespace hoist::http {

Status check_cert_dir(const std::string& dir) {
  if (dir.empty()) return {};
  TRY(detail::load_cert_dir(dir));
  return {};
}

} // namespace hoist::http
