#!/usr/bin/env python3
"""Docker registry token server for the integration tests (stdlib + openssl CLI).

Speaks the "Docker token protocol" that distribution's auth.token config expects:

    GET  /token?service=S&scope=repository:NAME:pull,push[&scope=..][&account=U][&offline_token=true]
         optional HTTP basic auth
    POST /token   OAuth2 form: grant_type=password (username, password) or
                  grant_type=refresh_token (refresh_token), service, scope="a b", client_id

Tokens are RS256 JWTs signed with --key through `openssl dgst -sign`; the JWT header
carries --cert as x5c and the registry trusts that certificate via rootcertbundle.

--users is a JSON file: {"users": {"name": {"password": "pw", "actions": ["pull", "push", "delete"]}},
                         "anonymous": ["pull"]}     (anonymous: [] refuses clients without credentials)
Granted actions = requested ∩ the user's actions ("*" expands to the user's actions).
Wrong credentials or a refused anonymous client get 401. Refresh tokens are issued when
offline_token=true (or on any password grant) and map back to their user.
Every request is appended as one JSON line to --request-log (without secrets) so tests
can assert which flow a client used.
"""
import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(cert_path: str) -> str:
    pem = open(cert_path).read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return "".join(body.split())


def parse_scope(scope: str):
    """'repository:a/b:pull,push' -> ('repository', 'a/b', ['pull', 'push'])."""
    first, last = scope.find(":"), scope.rfind(":")
    if first < 0 or last == first:
        return None
    return scope[:first], scope[first + 1:last], [a for a in scope[last + 1:].split(",") if a]


def granted(allowed, typ, requested):
    if typ == "registry":  # catalog: only for users holding every action
        return ["*"] if {"pull", "push", "delete"} <= set(allowed) and requested else []
    out = []
    for action in requested:
        for a in (allowed if action == "*" else [action]):
            if a in allowed and a not in out:
                out.append(a)
    return out


class State:
    def __init__(self, args):
        self.args = args
        self.x5c = cert_der_b64(args.cert)
        self.lock = threading.Lock()
        self.refresh = {}  # refresh token -> user
        cfg = json.load(open(args.users))
        self.users = cfg.get("users", {})
        self.anonymous = list(cfg.get("anonymous", []))

    def sign(self, data: bytes) -> bytes:
        return subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.args.key], input=data,
                              stdout=subprocess.PIPE, check=True).stdout

    def jwt(self, subject, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        claims = {"iss": self.args.issuer, "sub": subject, "aud": self.args.service,
                  "exp": now + self.args.expires, "nbf": now - 10, "iat": now - 10,
                  "jti": secrets.token_hex(12), "access": access}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        return signing_input + "." + b64url(self.sign(signing_input.encode()))

    def new_refresh_token(self, user):
        tok = "rt-" + secrets.token_hex(16)
        with self.lock:
            self.refresh[tok] = user
        return tok

    def log(self, entry):
        if not self.args.request_log:
            return
        with self.lock, open(self.args.request_log, "a") as f:
            f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    server_version = "hoist-test-token/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    def send_json(self, code, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def basic_creds(self):
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("basic "):
            return None
        try:
            user, _, pw = base64.b64decode(h[6:].strip()).decode().partition(":")
        except ValueError:
            return ("", None)
        return user, pw

    def authenticate(self, creds, refresh_token=None):
        """-> (subject, allowed actions) or (None, None) when refused."""
        st = self.server.state
        if refresh_token is not None:
            user = st.refresh.get(refresh_token)
            return (user, list(st.users[user].get("actions", []))) if user in st.users else (None, None)
        if creds is None:
            return ("", st.anonymous) if st.anonymous else (None, None)
        user, pw = creds
        u = st.users.get(user)
        if u is None or pw is None or not secrets.compare_digest(str(u.get("password", "")), pw):
            return None, None
        return user, list(u.get("actions", []))

    def issue(self, subject, allowed, scopes, offline):
        st = self.server.state
        access = []
        for s in scopes:
            p = parse_scope(s)
            if p is None:
                return self.send_json(400, {"errors": [{"code": "INVALID_SCOPE", "message": s}]})
            typ, name, req = p
            acts = granted(allowed, typ, req)
            for e in access:
                if e["type"] == typ and e["name"] == name:
                    e["actions"] += [a for a in acts if a not in e["actions"]]
                    break
            else:
                access.append({"type": typ, "name": name, "actions": acts})
        tok = st.jwt(subject, access)
        resp = {"token": tok, "access_token": tok, "expires_in": st.args.expires,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if offline and subject:
            resp["refresh_token"] = st.new_refresh_token(subject)
        return access, resp

    def handle_token(self, method, creds, form, refresh=None):
        st = self.server.state
        service = (form.get("service") or [""])[0]
        scopes = [s for v in form.get("scope", []) for s in v.split(" ") if s]
        offline = (form.get("offline_token") or [""])[0] == "true" or method == "POST-password"
        entry = {"method": method, "user": creds[0] if creds else None, "refresh": refresh is not None,
                 "service": service, "scopes": scopes, "account": (form.get("account") or [None])[0],
                 "client_id": (form.get("client_id") or [None])[0]}
        if service and service != st.args.service:
            entry["status"] = 400
            st.log(entry)
            return self.send_json(400, {"errors": [{"code": "UNSUPPORTED", "message": "unknown service"}]})
        subject, allowed = self.authenticate(creds, refresh)
        if subject is None:
            entry["status"] = 401
            st.log(entry)
            return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication failed"}]},
                                  {"WWW-Authenticate": 'Basic realm="hoist-test-token"'})
        result = self.issue(subject, allowed, scopes, offline)
        if result is None:
            return None
        access, resp = result
        entry.update(status=200, subject=subject, access=access)
        st.log(entry)
        return self.send_json(200, resp)

    def do_GET(self):
        u = urlparse(self.path)
        if u.path == "/healthz":
            return self.send_json(200, {"ok": True})
        if u.path != "/token":
            return self.send_json(404, {"errors": [{"code": "NOT_FOUND"}]})
        return self.handle_token("GET", self.basic_creds(), parse_qs(u.query))

    def read_body(self):
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        out = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += self.rfile.read(size)
            self.rfile.readline()

    def do_POST(self):
        if urlparse(self.path).path != "/token":
            return self.send_json(404, {"errors": [{"code": "NOT_FOUND"}]})
        form = parse_qs(self.read_body().decode())
        grant = (form.get("grant_type") or [""])[0]
        if grant == "password":
            creds = ((form.get("username") or [""])[0], (form.get("password") or [""])[0])
            return self.handle_token("POST-password", creds, form)
        if grant == "refresh_token":
            return self.handle_token("POST-refresh", None, form, (form.get("refresh_token") or [""])[0])
        self.server.state.log({"method": "POST-" + grant, "status": 400, "fields": sorted(form),
                               "headers": dict(self.headers.items())})
        return self.send_json(400, {"error": "unsupported_grant_type"})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--issuer", default="hoist-test-issuer")
    ap.add_argument("--service", default="hoist-test-registry")
    ap.add_argument("--expires", type=int, default=300)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--request-log")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
