// Pure functions of the registry client: challenges, scopes, token URLs, error texts,
// Link headers, Content-Range, retry decisions. Expected texts are c/image's.
#include <gtest/gtest.h>

#include "hoist/registry/blob_reader.hpp"
#include "hoist/registry/challenge.hpp"
#include "hoist/registry/client.hpp"
#include "hoist/registry/errors.hpp"
#include "hoist/registry/retry.hpp"
#include "hoist/registry/token.hpp"

using namespace hoist;
using namespace hoist::registry;

TEST(Challenge, ParsesBearerWithQuotedValues) {
  auto c = parse_challenge(R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->param("realm"), "https://auth.example.com/token");
  EXPECT_EQ(c->param("service"), "registry.example.com");
  EXPECT_EQ(c->param("scope"), "repository:a/b:pull");
}

TEST(Challenge, LowercasesKeysAndHandlesEscapesAndSpaces) {
  auto c = parse_challenge(R"(Basic  Realm="a \"quoted\" realm" , charset=UTF-8)");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "basic");
  EXPECT_EQ(c->param("realm"), "a \"quoted\" realm");
  EXPECT_EQ(c->param("charset"), "UTF-8");
}

TEST(Challenge, StopsAtMalformedParameter) {
  auto c = parse_challenge(R"(Bearer realm="x",broken,service="s")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->param("realm"), "x");
  EXPECT_EQ(c->params.count("service"), 0u);
  EXPECT_FALSE(parse_challenge("  "));
  EXPECT_EQ(parse_challenges({"Basic realm=x", "", "Bearer realm=y"}).size(), 2u);
}

TEST(Scope, ParsesThreeParts) {
  auto s = parse_scope("repository:ns/app:pull,push");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "ns/app");
  EXPECT_EQ(s->actions, "pull,push");
  EXPECT_FALSE(parse_scope("repository:ns/app"));
}

TEST(Token, GetUrlMatchesSkopeoObservedQuery) {
  // skopeo-compat.md §6 (obs): /token?account=u&scope=repository%3Aa%2Fb%3Apull&service=fake-registry
  auto url = token_get_url("http://127.0.0.1:9/token", "fake-registry", "u", {Scope{"repository", "a/b", "pull"}});
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "http://127.0.0.1:9/token?account=u&scope=repository%3Aa%2Fb%3Apull&service=fake-registry");
}

TEST(Token, GetUrlKeepsRealmQueryAndScopeOrder) {
  auto url = token_get_url("https://a/t?z=1&b=2", "svc", "",
                           {Scope{"repository", "x", "pull,push"}, Scope{"repository", "y", "pull"}, Scope{"repository", "", ""}});
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "https://a/t?b=2&scope=repository%3Ax%3Apull%2Cpush&scope=repository%3Ay%3Apull&service=svc&z=1");
}

TEST(Token, OAuth2Form) {
  EXPECT_EQ(token_oauth2_form("svc", {Scope{"repository", "a", "pull"}}, "rt"),
            "client_id=containers%2Fimage&grant_type=refresh_token&refresh_token=rt&scope=repository%3Aa%3Apull&service=svc");
}

TEST(Token, ResponseFieldsAndMinimumLifetime) {
  auto t = parse_token_response(R"({"access_token":"abc","expires_in":5,"issued_at":"2020-01-01T00:00:00Z"})", "u");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->value, "abc");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(t->expires), 1577836800 + 60);
  auto t2 = parse_token_response(R"({"token":"tok","access_token":"other"})", "u");
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->value, "tok");
  EXPECT_FALSE(parse_token_response("not json", "u"));
}

namespace {
http::Response response(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}
} // namespace

TEST(Errors, DefaultMessageIsPrintedAlone) {
  Error e = response_to_error(response(
      404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]})"));
  EXPECT_EQ(e.what(), "manifest unknown");
  EXPECT_EQ(e.registry_code, "MANIFEST_UNKNOWN");
  EXPECT_EQ(e.kind(), ErrorKind::manifest_unknown);
  EXPECT_EQ(e.http_status, 404);
}

TEST(Errors, DefaultMessageKeepsCodeWordsAsSkopeo193) {
  Error e = response_to_error(response(
      404, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"a"}}]})"));
  EXPECT_EQ(e.what(), "name unknown: repository name not known to registry");
  Error u = response_to_error(response(
      401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository"}]}]})"));
  EXPECT_EQ(u.what(), "unauthorized: authentication required");
}

TEST(Errors, CustomMessageGetsCodeWords) {
  Error e = response_to_error(response(400, R"({"errors":[{"code":"MANIFEST_INVALID","message":"bad thing","detail":null}]})"));
  EXPECT_EQ(e.what(), "manifest invalid: bad thing");
  EXPECT_TRUE(is_manifest_type_rejection(e));
}

TEST(Errors, BareCodeWithoutDetailUsesCodeWords) {
  // errcode.Errors.UnmarshalJSON keeps only the ErrorCode: its Error() is the code in words.
  Error e = response_to_error(response(403, R"({"errors":[{"code":"DENIED","message":""}]})"));
  EXPECT_EQ(e.what(), "denied");
  EXPECT_EQ(e.kind(), ErrorKind::denied);
}

TEST(Errors, UnknownCodeBecomesUnknown) {
  Error e = response_to_error(response(404, R"({"errors":[{"code":"NOT_FOUND","message":"404 page not found"}]})"));
  EXPECT_EQ(e.what(), "unknown: 404 page not found");
  EXPECT_EQ(e.registry_code, "UNKNOWN");
}

TEST(Errors, NonJsonBodyIsQuotedAndTruncated) {
  Error e = response_to_error(response(404, "404 page not found\n"));
  EXPECT_EQ(e.what(), "StatusCode: 404, \"404 page not found\\n\"");
  Error long_body = response_to_error(response(400, std::string(60, 'x')));
  EXPECT_EQ(long_body.what(), "StatusCode: 400, \"" + std::string(50, 'x') + "...\"");
}

TEST(Errors, UnauthorizedWithoutJsonAndBearerChallenge) {
  EXPECT_EQ(response_to_error(response(401, "nope")).what(), "unauthorized: authentication required");
  Error e = response_to_error(response(401, "", {{"WWW-Authenticate", R"(Bearer realm="r",error="insufficient_scope")"}}));
  EXPECT_EQ(e.what(), "denied: requested access to the resource is denied");
  EXPECT_EQ(e.registry_code, "DENIED");
  Error d = response_to_error(response(401, "", {{"WWW-Authenticate", R"(Bearer error="invalid_token",error_description="expired")"}}));
  EXPECT_EQ(d.what(), "unauthorized: expired");
}

TEST(Errors, LegacyDetailsField) {
  EXPECT_EQ(response_to_error(response(429, R"({"details":"slow down"})")).what(), "toomanyrequests: slow down");
}

TEST(Errors, ServerErrorsAreUnexpectedStatus) {
  Error e = response_to_error(response(502, "<html>"));
  EXPECT_EQ(e.what(), "received unexpected HTTP status: 502 Bad Gateway");
  EXPECT_TRUE(operation_retryable(e));
  EXPECT_FALSE(operation_retryable(response_to_error(response(500, ""))));
}

TEST(Errors, TokenResponses) {
  EXPECT_EQ(token_response_to_error(response(404, ""), "Requesting bearer token").what(),
            "Requesting bearer token: received unexpected HTTP status: 404 Not Found");
  EXPECT_EQ(token_response_to_error(response(401, ""), "Requesting bearer token").what(),
            "unable to retrieve auth token: invalid username/password: unauthorized: authentication required");
  EXPECT_EQ(token_response_to_error(response(429, ""), "x").what(), "too many requests to registry");
}

TEST(Link, NextPagePath) {
  auto p = next_page_path(std::string(R"(</v2/a/tags/list?last=b&n=1>; rel="next")"));
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, "/v2/a/tags/list?last=b&n=1");
  auto abs = next_page_path(std::string(R"(<https://other:5000/v2/a/tags/list?n=2&last=c>; rel="next")"));
  ASSERT_TRUE(abs);
  EXPECT_EQ(*abs, "/v2/a/tags/list?n=2&last=c");
  EXPECT_EQ(*next_page_path(std::nullopt), "");
  auto bad = next_page_path(std::string(R"(</v2/x/%zz/tags/list>; rel="next")"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), R"(parse "/v2/x/%zz/tags/list": invalid URL escape "%zz")");
}

TEST(ContentRange, Parses) {
  auto r = parse_content_range({"bytes 10-99/100"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 10);
  EXPECT_EQ(r->last, 99);
  EXPECT_EQ(r->complete, 100);
  EXPECT_EQ(parse_content_range({"bytes 1-2/*"})->complete, -1);
  EXPECT_EQ(parse_content_range({}).error().what(), "missing Content-Range: header");
  EXPECT_EQ(parse_content_range({"bits 1-2/3"}).error().what(),
            "invalid Content-Range: \"bits 1-2/3\", missing prefix \"bytes \"");
  EXPECT_EQ(parse_content_range({"bytes 1-2/3x"}).error().what(),
            "invalid Content-Range: \"bytes 1-2/3x\", unexpected trailing content");
}

TEST(Retry, RequestPolicyDecisions) {
  RequestRetryPolicy policy;
  EXPECT_EQ(policy.max_attempts(false), 3);
  EXPECT_EQ(policy.max_attempts(true), 5);
  auto r503 = response(503, "");
  EXPECT_EQ(policy.after_response(r503, 1, true), Millis(1000));
  EXPECT_EQ(policy.after_response(r503, 2, true), Millis(2000));
  EXPECT_FALSE(policy.after_response(r503, 3, true));
  EXPECT_FALSE(policy.after_response(r503, 1, false)); // body already consumed
  EXPECT_FALSE(policy.after_response(response(404, ""), 1, true));
  EXPECT_FALSE(policy.after_response(response(401, ""), 1, true));
  EXPECT_FALSE(policy.after_response(response(500, ""), 1, true));       // a PUT/POST/PATCH/DELETE
  EXPECT_EQ(policy.after_response(response(500, ""), 1, true, true), Millis(50)); // GET/HEAD: brief retries
  EXPECT_EQ(policy.after_response(response(500, ""), 2, true, true), Millis(100));
  EXPECT_FALSE(policy.after_response(response(500, ""), 3, true, true));
  auto r429 = response(429, "", {{"Retry-After", "3"}});
  EXPECT_EQ(policy.after_response(r429, 4, true), Millis(3000));
  EXPECT_EQ(policy.after_response(response(429, ""), 1, true), Millis(2000));
  EXPECT_EQ(policy.after_response(response(429, "", {{"Retry-After", "600"}}), 1, true), Millis(60000));
}

TEST(Retry, RetryTimesRaisesAttempts) {
  RequestRetryPolicy policy(RetryOptions{7, Millis(250)});
  EXPECT_EQ(policy.max_attempts(false), 8);
  EXPECT_EQ(policy.backoff(1, false), Millis(250));
  EXPECT_EQ(policy.backoff(3, false), Millis(1000));
}

TEST(Retry, TransferErrors) {
  RequestRetryPolicy policy;
  Error reset(ErrorKind::network, "read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer");
  Error refused(ErrorKind::network, "Get \"https://h/v2/\": dial tcp 127.0.0.1:1: connect: connection refused");
  Error deadline(ErrorKind::timeout, "Get \"https://h/v2/\": context deadline exceeded");
  Error x509(ErrorKind::network, "Get \"https://h/v2/\": tls: failed to verify certificate: x509: certificate signed by unknown authority");
  EXPECT_TRUE(policy.after_error(reset, 1, true));
  EXPECT_FALSE(policy.after_error(refused, 1, true));
  EXPECT_FALSE(policy.after_error(deadline, 1, true));
  // skopeo's --retry-times layer retries refused connections, not TLS or deadlines.
  EXPECT_TRUE(operation_retryable(refused));
  EXPECT_FALSE(operation_retryable(deadline));
  EXPECT_FALSE(operation_retryable(x509));
}

TEST(Retry, OperationLevelCodes) {
  for (const char* code : {"UNAUTHORIZED", "DENIED", "NAME_UNKNOWN", "MANIFEST_UNKNOWN"}) {
    Error e(ErrorKind::invalid_input, "x");
    e.registry_code = code;
    e.http_status = 404;
    EXPECT_FALSE(operation_retryable(e)) << code;
  }
  Error other(ErrorKind::invalid_input, "blob unknown to registry");
  other.registry_code = "BLOB_UNKNOWN";
  other.http_status = 404;
  EXPECT_TRUE(operation_retryable(other));
  EXPECT_FALSE(operation_retryable(response_to_error(response(404, "plain"))));
}

TEST(Retry, GoDuration) {
  EXPECT_EQ(go_duration(Millis(1000)), "1s");
  EXPECT_EQ(go_duration(Millis(1500)), "1.5s");
  EXPECT_EQ(go_duration(Millis(100)), "100ms");
  EXPECT_EQ(go_duration(Millis(60000)), "1m0s");
  EXPECT_EQ(go_duration(Millis(90000)), "1m30s");
}

TEST(Retry, OperationRetryLogsAndStops) {
  int calls = 0;
  Status st = retry_if_necessary(RetryOptions{2, Millis(1)}, [&]() -> Status {
    ++calls;
    Error e(ErrorKind::network, "read: connection reset by peer");
    return fail(e);
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(calls, 3);
  calls = 0;
  st = retry_if_necessary(RetryOptions{2, Millis(1)}, [&]() -> Status {
    ++calls;
    return fail(ErrorKind::invalid_input, "final");
  });
  EXPECT_EQ(calls, 1);
}
