// libcurl engine behind perform()/open(). A transfer runs on a "channel" (one multi
// handle with one easy handle) taken from a process-wide pool; the multi handle's
// connection cache outlives transfers, which gives keep-alive reuse without sharing a
// connection cache between threads (unsupported by libcurl). The caller's thread drives
// the transfer from Stream::read(). The write callback copies into the reader's buffer while
// read() drives curl, keeps at most one chunk that did not fit, and otherwise pauses the
// transfer, so memory stays bounded (one curl buffer) however slowly the consumer reads.
#include <array>
#include <cstring>
#include <mutex>
#include <span>
#include <utility>
#include <thread>

#include <fmt/format.h>

#include "hoist/http/detail.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::http {

namespace {

constexpr long k_connect_timeout_ms = 30'000;
constexpr long k_receive_buffer = 128L * 1024;
constexpr long k_upload_buffer = 128L * 1024;
constexpr long k_low_speed_time_s = 120;

struct Channel {
  CURLM* multi = curl_multi_init();
  CURL* easy = curl_easy_init();
  ~Channel() {
    curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }
};

class Global {
public:
  Global() {
    curl_global_init(CURL_GLOBAL_ALL);
    m_share = curl_share_init();
    curl_share_setopt(m_share, CURLSHOPT_LOCKFUNC, &Global::lock);
    curl_share_setopt(m_share, CURLSHOPT_UNLOCKFUNC, &Global::unlock);
    curl_share_setopt(m_share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  Global(const Global&) = delete;
  Global& operator=(const Global&) = delete;
  ~Global() {
    m_idle.clear();
    curl_share_cleanup(m_share);
  }

  CURLSH* share() const { return m_share; }
  std::unique_ptr<Channel> acquire() {
    std::lock_guard lock(m_pool_mutex);
    if (m_idle.empty()) return std::make_unique<Channel>();
    auto channel = std::move(m_idle.back());
    m_idle.pop_back();
    return channel;
  }
  void release(std::unique_ptr<Channel> channel) {
    std::lock_guard lock(m_pool_mutex);
    m_idle.push_back(std::move(channel));
  }

private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Global*>(self)->m_locks.at(static_cast<size_t>(data)).lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Global*>(self)->m_locks.at(static_cast<size_t>(data)).unlock();
  }

  CURLSH* m_share;
  std::array<std::mutex, CURL_LOCK_DATA_LAST + 1> m_locks;
  std::mutex m_pool_mutex;
  std::vector<std::unique_ptr<Channel>> m_idle;
};

Global& global() {
  static Global g;
  return g;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && to_lower(a) == to_lower(b);
}

bool has_header(const Headers& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return true;
  return false;
}

bool followed_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

class Transfer final : public Stream {
public:
  explicit Transfer(Request request) : m_request(std::move(request)) {}
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() override {
    if (m_channel) {
      curl_multi_remove_handle(m_channel->multi, m_channel->easy);
      global().release(std::move(m_channel));
    }
    curl_slist_free_all(m_header_list);
  }

  Status start();
  const Response& response() const override { return m_response; }
  Result<size_t> read(std::span<std::byte> buf) override;

private:
  Status configure(CURL* easy);
  void set_body(CURL* easy);
  Status step();
  void wait();
  Status failure();
  void on_header_line(std::string_view line);

  static size_t header_cb(char* data, size_t size, size_t n, void* self);
  static size_t write_cb(char* data, size_t size, size_t n, void* self);
  static size_t read_cb(char* data, size_t size, size_t n, void* self);

  Request m_request;
  std::unique_ptr<Channel> m_channel;
  curl_slist* m_header_list = nullptr;
  std::shared_ptr<const detail::CertBundle> m_bundle;
  std::string m_errbuf = std::string(CURL_ERROR_SIZE + 1, '\0');
  Response m_response;
  Headers m_block; // headers of the response being received
  int m_block_status = 0;
  bool m_headers_done = false;
  bool m_done = false;
  bool m_paused = false;
  CURLcode m_code = CURLE_OK;
  std::string m_buffer;
  size_t m_buffer_pos = 0;
  std::span<std::byte> m_direct; // the caller's buffer while read() drives curl
  size_t m_direct_len = 0;
  std::optional<Error> m_body_error;
};

Status Transfer::start() {
  if (m_request.deadline && Clock::now() >= *m_request.deadline)
    return fail(ErrorKind::timeout, fmt::format("{} {}: context deadline exceeded", go_method_op(m_request.method),
                                                go_quote(m_request.url)));
  m_channel = global().acquire();
  (void)detail::take_tls_alert();
  TRY(configure(m_channel->easy));
  curl_multi_add_handle(m_channel->multi, m_channel->easy);
  while (!m_headers_done && !m_done) {
    TRY(step());
    if (!m_headers_done && !m_done) wait();
  }
  if (!m_headers_done) return failure();
  return {};
}

Status Transfer::configure(CURL* easy) {
  curl_easy_reset(easy);
  TRY_ASSIGN(auto url, parse_url(m_request.url));
  curl_easy_setopt(easy, CURLOPT_URL, m_request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_SHARE, global().share());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, m_errbuf.data());
  // Per handle, and a copy runs up to 6 layers × 2 handles: 256 KiB in, 512 KiB out
  // keep the socket busy at loopback speed (measured; larger only costs memory).
  curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, k_receive_buffer);
  curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, k_upload_buffer);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, m_request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION,
                   m_request.allow_http2 ? long(CURL_HTTP_VERSION_2TLS) : long(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, k_connect_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, k_low_speed_time_s);
  if (m_request.deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*m_request.deadline - Clock::now());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, std::max<long>(1, static_cast<long>(left.count())));
  }
  if (!m_request.user_agent.empty()) curl_easy_setopt(easy, CURLOPT_USERAGENT, m_request.user_agent.c_str());
  std::string proxy = detail::proxy_for(url);
  curl_easy_setopt(easy, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, m_request.tls.verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, m_request.tls.verify ? 2L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, &detail::setup_ssl_ctx);
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, nullptr);
  if (!m_request.tls.cert_dir.empty()) {
    TRY_ASSIGN(m_bundle, detail::load_cert_dir(m_request.tls.cert_dir));
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, const_cast<detail::CertBundle*>(m_bundle.get()));
    if (!m_bundle->client_cert.empty()) {
      curl_easy_setopt(easy, CURLOPT_SSLCERT, m_bundle->client_cert.c_str());
      curl_easy_setopt(easy, CURLOPT_SSLKEY, m_bundle->client_key.c_str());
    }
  }
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::header_cb);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::write_cb);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  set_body(easy);
  return {};
}

// Method, body and request headers. Go sends Content-Length: 0 for a bodyless
// POST/PUT/PATCH, and no Expect or default Content-Type.
void Transfer::set_body(CURL* easy) {
  const std::string& method = m_request.method;
  Headers headers = m_request.headers;
  headers.push_back({"Expect", ""});
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  bool wants_length = method == "POST" || method == "PUT" || method == "PATCH";
  if (m_request.body) {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Transfer::read_cb);
    curl_easy_setopt(easy, CURLOPT_READDATA, this);
    if (m_request.body_size >= 0)
      curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m_request.body_size));
    else
      headers.push_back({"Transfer-Encoding", "chunked"});
  } else if (m_request.body_bytes || wants_length) {
    const std::string& bytes = m_request.body_bytes ? *m_request.body_bytes : m_errbuf; // any valid pointer
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(m_request.body_bytes ? bytes.size() : 0));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, bytes.data());
    if (!has_header(headers, "Content-Type")) headers.push_back({"Content-Type", ""});
  }
  for (const auto& h : headers) {
    std::string line = h.value.empty() ? h.name + ":" : h.name + ": " + h.value;
    m_header_list = curl_slist_append(m_header_list, line.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, m_header_list);
}

Status Transfer::step() {
  int running = 0;
  CURLMcode mc = curl_multi_perform(m_channel->multi, &running);
  if (mc != CURLM_OK) return fail(ErrorKind::internal, fmt::format("curl: {}", curl_multi_strerror(mc)));
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m_channel->multi, &left)) {
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == m_channel->easy) {
      m_done = true;
      m_code = msg->data.result;
    }
  }
  return {};
}

void Transfer::wait() { curl_multi_poll(m_channel->multi, nullptr, 0, 1000, nullptr); }

Status Transfer::failure() {
  bool deadline_hit = m_code == CURLE_OPERATION_TIMEDOUT && m_request.deadline &&
                      Clock::now() + std::chrono::milliseconds(50) >= *m_request.deadline;
  if (m_body_error && m_code == CURLE_ABORTED_BY_CALLBACK)
    return fail(m_body_error->wrap(fmt::format("{} {}", go_method_op(m_request.method), go_quote(m_request.url))));
  Error e = detail::transfer_error(m_channel->easy, m_code, m_request, m_errbuf.c_str(), deadline_hit);
  if (m_headers_done) {
    // Body read errors are not wrapped in url.Error by Go.
    std::string prefix = fmt::format("{} {}: ", go_method_op(m_request.method), go_quote(m_request.url));
    std::string text = e.message();
    if (starts_with(text, prefix)) text = text.substr(prefix.size());
    return fail(e.kind(), text);
  }
  return fail(e);
}

Result<size_t> Transfer::read(std::span<std::byte> buf) {
  for (;;) {
    if (m_buffer_pos < m_buffer.size()) {
      size_t n = std::min(buf.size(), m_buffer.size() - m_buffer_pos);
      std::memcpy(buf.data(), m_buffer.data() + m_buffer_pos, n);
      m_buffer_pos += n;
      if (m_buffer_pos == m_buffer.size()) {
        m_buffer.clear();
        m_buffer_pos = 0;
      }
      return n;
    }
    if (m_done) {
      if (m_code != CURLE_OK) return tl::unexpected(failure().error());
      return size_t{0};
    }
    // While curl runs, write_cb copies straight into the caller's buffer (one copy less);
    // only what does not fit goes to m_buffer.
    m_direct = buf;
    m_direct_len = 0;
    Status stepped;
    if (m_paused) {
      m_paused = false;
      curl_easy_pause(m_channel->easy, CURLPAUSE_CONT);
    } else {
      stepped = step();
    }
    size_t got = std::exchange(m_direct_len, 0);
    m_direct = {};
    if (!stepped) return tl::unexpected(stepped.error());
    if (got > 0) return got;
    if (m_buffer.empty() && !m_done && !m_paused) wait();
  }
}

void Transfer::on_header_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (starts_with(line, "HTTP/")) {
    m_block.clear();
    auto sp = line.find(' ');
    m_block_status = sp == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    return;
  }
  if (line.empty()) {
    bool has_location = false;
    for (const auto& h : m_block) has_location |= iequals(h.name, "Location");
    bool interim = m_block_status < 200 ||
                   (m_request.follow_redirects && followed_redirect(m_block_status) && has_location);
    if (!interim && !m_headers_done) {
      m_headers_done = true;
      m_response.status = m_block_status;
      m_response.headers = m_block;
      char* url = nullptr;
      curl_easy_getinfo(m_channel->easy, CURLINFO_EFFECTIVE_URL, &url);
      m_response.url = url ? url : m_request.url;
    }
    return;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  m_block.push_back({std::string(line.substr(0, colon)), trim(line.substr(colon + 1))});
}

size_t Transfer::header_cb(char* data, size_t size, size_t n, void* self) {
  static_cast<Transfer*>(self)->on_header_line(std::string_view(data, size * n));
  return size * n;
}

size_t Transfer::write_cb(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  size_t len = size * n;
  if (!t->m_headers_done) return len; // body of a redirect being followed
  size_t direct = 0;
  if (t->m_buffer_pos == t->m_buffer.size() && t->m_direct_len < t->m_direct.size()) {
    direct = std::min(len, t->m_direct.size() - t->m_direct_len);
    std::memcpy(t->m_direct.data() + t->m_direct_len, data, direct);
    t->m_direct_len += direct;
  }
  if (direct == len) return len;
  if (direct == 0 && t->m_buffer.size() > t->m_buffer_pos) {
    t->m_paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  t->m_buffer.append(data + direct, len - direct);
  return len;
}

size_t Transfer::read_cb(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  auto r = t->m_request.body->read(std::span<std::byte>(reinterpret_cast<std::byte*>(data), size * n));
  if (!r) {
    t->m_body_error = r.error();
    return CURL_READFUNC_ABORT;
  }
  return *r;
}

} // namespace

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

std::vector<std::string> Response::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers)
    if (iequals(h.name, name)) out.push_back(h.value);
  return out;
}

std::string Response::status_line() const { return fmt::format("{} {}", status, status_text(status)); }

Result<StreamPtr> open(const Request& request) {
  auto transfer = std::make_unique<Transfer>(request);
  TRY(transfer->start());
  log::debug(fmt::format("{} {} -> {}", request.method, request.url, transfer->response().status));
  return StreamPtr(std::move(transfer));
}

Result<Response> perform(const Request& request, size_t body_limit) {
  TRY_ASSIGN(auto stream, open(request));
  TRY_ASSIGN(std::string body, read_all(*stream, body_limit));
  Response response = stream->response();
  response.body = std::move(body);
  return response;
}

std::string_view status_text(int status) {
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 206: return "Partial Content";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 307: return "Temporary Redirect";
  case 308: return "Permanent Redirect";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 406: return "Not Acceptable";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 411: return "Length Required";
  case 412: return "Precondition Failed";
  case 413: return "Request Entity Too Large";
  case 415: return "Unsupported Media Type";
  case 416: return "Requested Range Not Satisfiable";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default: return "";
  }
}

} // namespace hoist::http
