// Client: ping, challenges, bearer tokens; Repository::send: one authenticated request
// under the retry policy. The registry operations are in repository.cpp.
#include "hoist/registry/client.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "hoist/registry/errors.hpp"
#include "hoist/registry/token.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

constexpr size_t k_max_token_body = 1u << 20; // iolimits.MaxAuthTokenBodySize

std::string base64(std::string_view s) {
  std::string out(4 * ((s.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

void sleep_before_retry(Millis delay, const std::optional<http::Clock::time_point>& deadline) {
  auto until = http::Clock::now() + delay;
  if (deadline && *deadline < until) until = *deadline;
  std::this_thread::sleep_until(until);
}

// Runs `attempt` under the per-request policy: retries transfer errors and retryable
// statuses while allowed; returns the last outcome.
Result<http::StreamPtr> with_retries(const RequestRetryPolicy& policy, bool restartable,
                                     const std::optional<http::Clock::time_point>& deadline,
                                     const std::function<Result<http::StreamPtr>()>& attempt_fn,
                                     bool read_only = false) {
  for (int attempt = 1;; ++attempt) {
    auto r = attempt_fn();
    std::optional<Millis> delay;
    if (!r) {
      delay = policy.after_error(r.error(), attempt, restartable);
      if (delay) log::debug(fmt::format("Request failed ({}), retrying in {}", r.error().what(), go_duration(*delay)));
    } else {
      delay = policy.after_response((*r)->response(), attempt, restartable, read_only);
      if (delay)
        log::debug(fmt::format("{} from {}, retrying in {}", (*r)->response().status_line(), (*r)->response().url,
                               go_duration(*delay)));
    }
    if (!delay) return r;
    sleep_before_retry(*delay, deadline);
  }
}

// needsRetryWithUpdatedScope: a 401 whose bearer challenge says insufficient_scope.
std::optional<Scope> insufficient_scope(const http::Response& response) {
  if (response.status != 401) return std::nullopt;
  for (const auto& c : parse_challenges(response.header_values("WWW-Authenticate")))
    if (c.scheme == "bearer" && c.param("error") == "insufficient_scope")
      if (auto s = parse_scope(c.param("scope"))) return s;
  return std::nullopt;
}

http::Headers base_headers() { return {{"Docker-Distribution-API-Version", "registry/2.0"}}; }

} // namespace

struct Client::TokenSlot {
  std::mutex mutex;
  std::optional<Token> token;
};

std::shared_ptr<Client> Client::get(const HostConfig& config) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<Client>> clients;
  std::string key = fmt::format("{}\n{}\n{}\n{}", config.registry, config.tls.verify, config.tls.cert_dir,
                                config.user_agent);
  std::lock_guard lock(mutex);
  auto& slot = clients[key];
  if (!slot) slot = std::make_shared<Client>(config);
  return slot;
}

Client::Client(HostConfig config) : m_config(std::move(config)) {
  m_host = m_config.registry == "docker.io" ? "registry-1.docker.io" : m_config.registry;
}

std::string Client::base_url() const {
  std::lock_guard lock(m_mutex);
  return m_scheme + "://" + m_host;
}

bool Client::supports_signatures() const {
  std::lock_guard lock(m_mutex);
  return m_supports_signatures;
}

std::vector<Challenge> Client::challenges() const {
  std::lock_guard lock(m_mutex);
  return m_challenges;
}

Status Client::ping_scheme(const std::string& scheme, const Session& session) {
  http::Request req;
  req.url = scheme + "://" + m_host + "/v2/";
  req.headers = base_headers();
  req.tls = m_config.tls;
  req.user_agent = m_config.user_agent;
  req.deadline = session.deadline;
  RequestRetryPolicy policy(session.retry);
  TRY_ASSIGN(auto stream, with_retries(policy, true, session.deadline, [&] { return http::open(req); }));
  http::Response resp = drain(*stream);
  log::debug(fmt::format("Ping {} status {}", req.url, resp.status));
  if (resp.status != 200 && resp.status != 401) return fail(response_to_error(resp));
  m_challenges = parse_challenges(resp.header_values("WWW-Authenticate"));
  m_scheme = scheme;
  m_supports_signatures = resp.header("X-Registry-Supports-Signatures").value_or("") == "1";
  return {};
}

Status Client::ping(const Session& session) {
  std::lock_guard lock(m_mutex);
  if (m_pinged) return {};
  Status st = ping_scheme("https", session);
  if (!st && !m_config.tls.verify) st = ping_scheme("http", session);
  if (!st) return fail(st.error().wrap(fmt::format("pinging container registry {}", m_host)));
  m_pinged = true;
  return {};
}

Result<std::string> Client::bearer_token(const Challenge& challenge, const Session& session,
                                         const std::vector<Scope>& scopes) {
  std::string key;
  if (session.creds) key = session.creds->username + '\0' + session.creds->password + '\0' + session.creds->identity_token;
  key += '\0' + challenge.param("realm") + '\0' + challenge.param("service");
  for (const auto& s : scopes) key += '\0' + s.str();
  std::shared_ptr<TokenSlot> slot;
  {
    std::lock_guard lock(m_token_mutex);
    for (auto& [k, v] : m_tokens)
      if (k == key) slot = v;
    if (!slot) {
      slot = std::make_shared<TokenSlot>();
      m_tokens.emplace_back(key, slot);
    }
  }
  std::lock_guard lock(slot->mutex);
  if (slot->token && std::chrono::system_clock::now() <= slot->token->expires) return slot->token->value;
  TRY_ASSIGN(slot->token, fetch_token(challenge, session, scopes));
  return slot->token->value;
}

Result<Token> Client::fetch_token(const Challenge& challenge, const Session& session,
                                        const std::vector<Scope>& scopes) {
  if (!challenge.params.count("realm")) return fail(ErrorKind::invalid_input, "missing realm in bearer auth challenge");
  const std::string realm = challenge.param("realm");
  const std::string service = challenge.param("service");
  http::Request req;
  req.tls = m_config.tls;
  req.user_agent = m_config.user_agent;
  req.deadline = session.deadline;
  std::string context = "Requesting bearer token";
  const auth::Credentials* creds = session.creds ? &*session.creds : nullptr;
  if (creds && !creds->identity_token.empty()) {
    context = "Trying to obtain access token";
    req.method = "POST";
    req.url = realm;
    req.body_bytes = token_oauth2_form(service, scopes, creds->identity_token);
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  } else {
    TRY_ASSIGN(req.url, token_get_url(realm, service, creds ? creds->username : "", scopes));
    if (creds && !creds->username.empty() && !creds->password.empty())
      req.headers.push_back({"Authorization", "Basic " + base64(creds->username + ":" + creds->password)});
  }
  log::debug(fmt::format("{} {}", req.method, req.url));
  RequestRetryPolicy policy(session.retry);
  TRY_ASSIGN(auto stream, with_retries(policy, true, session.deadline, [&] { return http::open(req); }));
  http::Response resp = drain(*stream, k_max_token_body);
  if (resp.status != 200) return fail(token_response_to_error(resp, context));
  return parse_token_response(resp.body, resp.url);
}

// --- Repository::send -------------------------------------------------------------

Repository::Repository(std::shared_ptr<Client> client, std::string name, std::string path, std::string actions,
                       Session session)
    : m_client(std::move(client)), m_name(std::move(name)), m_path(std::move(path)),
      m_scope{"repository", m_path, std::move(actions)}, m_session(std::move(session)), m_policy(m_session.retry) {}

Result<std::optional<std::string>> Repository::authorization(const std::optional<Scope>& extra) {
  auto challenges = m_client->challenges();
  if (challenges.empty()) return std::optional<std::string>();
  std::vector<std::string> names;
  for (const auto& c : challenges) {
    names.push_back(c.scheme);
    if (c.scheme == "basic") {
      std::string user = m_session.creds ? m_session.creds->username : "";
      std::string pass = m_session.creds ? m_session.creds->password : "";
      return std::optional<std::string>("Basic " + base64(user + ":" + pass));
    }
    if (c.scheme == "bearer") {
      if (!m_session.registry_token.empty()) return std::optional<std::string>("Bearer " + m_session.registry_token);
      std::vector<Scope> scopes{m_scope};
      if (extra) scopes.push_back(*extra);
      TRY_ASSIGN(auto token, m_client->bearer_token(c, m_session, scopes));
      return std::optional<std::string>("Bearer " + token);
    }
    log::debug(fmt::format("no handler for {} authentication", c.scheme));
  }
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ", ") + n;
  log::info(fmt::format("None of the challenges sent by server ({}) are supported, trying an unauthenticated "
                        "request anyway",
                        joined));
  return std::optional<std::string>();
}

Result<http::Request> Repository::build(const Call& call, Reader* body) {
  http::Request req;
  req.method = call.method;
  req.url = starts_with(call.target, "http://") || starts_with(call.target, "https://") ? call.target
                                                                                         : m_client->base_url() + call.target;
  req.headers = base_headers();
  for (const auto& h : call.headers) req.headers.push_back(h);
  if (call.auth) {
    TRY_ASSIGN(auto authz, authorization(call.extra_scope));
    if (authz) req.headers.push_back({"Authorization", *authz});
  }
  req.body_bytes = call.body_bytes;
  req.body = body;
  req.body_size = call.body_size;
  req.tls = m_client->config().tls;
  req.user_agent = m_client->config().user_agent;
  req.deadline = m_session.deadline;
  // Big uploads go over HTTP/1.1: HTTP/2 flow control slows pushes (buildkit #1420).
  req.allow_http2 = body == nullptr;
  return req;
}

Result<http::StreamPtr> Repository::send_once(const Call& call) {
  ReaderPtr body;
  if (call.body) {
    TRY_ASSIGN(body, call.body());
  }
  TRY_ASSIGN(auto req, build(call, body.get()));
  log::debug(fmt::format("{} {}", req.method, req.url));
  auto r = http::open(req);
  // The body reader must outlive the transfer: wrap it into the stream's lifetime.
  if (r && body) {
    struct Owning final : http::Stream {
      ReaderPtr body; // destroyed after the transfer that reads it
      http::StreamPtr inner;
      const http::Response& response() const override { return inner->response(); }
      Result<size_t> read(std::span<std::byte> buf) override { return inner->read(buf); }
    };
    auto owning = std::make_unique<Owning>();
    owning->inner = std::move(*r);
    owning->body = std::move(body);
    return http::StreamPtr(std::move(owning));
  }
  return r;
}

Result<http::StreamPtr> Repository::send(Call call) {
  TRY(m_client->ping(m_session));
  bool restartable = !call.body;
  bool scope_retried = false;
  return with_retries(m_policy, restartable, m_session.deadline, [&]() -> Result<http::StreamPtr> {
    auto r = send_once(call);
    if (r && !scope_retried && call.auth && !call.body && !call.body_bytes) {
      scope_retried = true;
      if (auto scope = insufficient_scope((*r)->response())) {
        log::debug("Detected insufficient_scope error, will retry request with updated scope");
        r->reset();
        call.extra_scope = *scope;
        r = send_once(call);
      }
    }
    return r;
  }, call.method == "GET" || call.method == "HEAD");
}

Result<http::Response> Repository::send_buffered(Call call, size_t limit) {
  TRY_ASSIGN(auto stream, send(std::move(call)));
  TRY_ASSIGN(std::string body, read_all(*stream, limit));
  http::Response resp = stream->response();
  resp.body = std::move(body);
  return resp;
}

http::Response drain(http::Stream& stream, size_t limit) {
  http::Response resp = stream.response();
  auto body = read_all(stream, limit);
  if (body) resp.body = std::move(*body);
  return resp;
}

std::string default_cert_dir(const std::string& host_port) {
  namespace stdfs = std::filesystem;
  const char* home = std::getenv("HOME");
  std::vector<stdfs::path> roots;
  if (home) roots.push_back(stdfs::path(home) / ".config/containers/certs.d");
  roots.push_back("/etc/containers/certs.d");
  roots.push_back("/etc/docker/certs.d");
  stdfs::path full;
  for (const auto& root : roots) {
    full = root / host_port;
    std::error_code ec;
    if (stdfs::exists(full, ec)) break;
  }
  return full.string();
}

} // namespace hoist::registry
