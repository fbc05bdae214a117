"""A loopback reverse proxy in front of a plain-HTTP registry that injects faults.

    with Registry("plain") as reg, FaultProxy(reg.url) as proxy:
        proxy.reset_after(r"/blobs/sha256:", after_bytes=100)      # 1st matching GET: RST mid-body
        proxy.status(429, r"/manifests/", retry_after="1")         # 1st matching request: 429
        proxy.status(503, r"/blobs/uploads/", method="POST")       # 1st matching POST: 503
        proxy.corrupt(r"/blobs/sha256:", offset=5)                  # 1st matching GET: byte 5 flipped
        proxy.delay(r"/manifests/", seconds=0.5)                   # every matching request: answered 0.5 s late
        proxy.throttle(r"/blobs/sha256:", chunk=16384, seconds=0.02) # every matching GET: body trickles out
        rule = proxy.stall(r"/blobs/sha256:abc", after_bytes=1000)  # 1st matching GET: 1000 bytes, then hangs
        rule.reached.wait(10); ...; rule.release()                 #   until released (or the proxy exits)
        rule = proxy.redirect(r"/blobs/sha256:", "http://127.0.0.1:OTHER") # every matching GET: 307 to OTHER + path
        rule.headers                                               #   request headers of the redirected requests
        run(["skopeo", "copy", "--src-tls-verify=false", f"docker://{proxy.host}/a/b:t", ...])
        rule.hits / proxy.requests                                 # what happened

Clients talk to proxy.host as if it were the registry; the Host header is forwarded, so
the registry's Location headers point back at the proxy. Each rule fires `count` times
(None = always) on requests whose method matches and whose path matches the regex (re.search).
Runs in a thread of the test process; stopped on exit.
"""
import http.client
import re
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


class Rule:
    """One fault: kind is "status", "reset", "corrupt", "delay", "throttle", "stall" or "redirect"."""

    def __init__(self, kind, path, method=None, count=1, status=None, retry_after=None, after_bytes=0,
                 offset=None, body=None, seconds=0.0, chunk=None, location=None):
        self.kind, self.path, self.method, self.count = kind, re.compile(path), method, count
        self.body = body
        self.location = location   # redirect: base URL the request path is appended to
        self.headers = []          # redirect: [{name: value}] of each redirected request
        self.status, self.retry_after, self.after_bytes, self.offset = status, retry_after, after_bytes, offset
        self.seconds, self.chunk = seconds, chunk
        self.hits = 0
        self.reached = threading.Event()   # stall: set once a stalled response sent its first bytes
        self.released = threading.Event()  # stall: set by release(); stalled responses then finish

    def release(self):
        """stall: let every stalled response (and later matches) send the rest of the body."""
        self.released.set()

    def take(self, method, path):
        """True (and counts a hit) when this rule fires for the request."""
        if self.method and self.method != method:
            return False
        if (self.count is not None and self.hits >= self.count) or not self.path.search(path):
            return False
        self.hits += 1
        return True


class FaultProxy:
    """Attributes: host ("127.0.0.1:PORT"), url, port, rules, requests [(method, path, status, fault)]."""

    def __init__(self, upstream_url):
        u = urllib.parse.urlparse(upstream_url)
        if u.scheme != "http":
            raise ValueError("FaultProxy needs a plain-HTTP upstream, got %r" % upstream_url)
        self.upstream = (u.hostname, u.port or 80)
        self.rules, self.requests = [], []
        self.lock = threading.Lock()
        self._server = None

    def __enter__(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self
        self.port = self._server.server_address[1]
        self.host = "127.0.0.1:%d" % self.port
        self.url = "http://" + self.host
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        with self.lock:
            for rule in self.rules:
                rule.release()
        self._server.shutdown()
        self._server.server_close()
        return False

    def add_rule(self, rule):
        with self.lock:
            self.rules.append(rule)
        return rule

    def status(self, status, path, method=None, count=1, retry_after=None, body=None):
        """body: JSON bytes to answer with (default: a TOOMANYREQUESTS error for 429, else empty)."""
        return self.add_rule(Rule("status", path, method, count, status=status, retry_after=retry_after, body=body))

    def reset_after(self, path, after_bytes, method="GET", count=1):
        return self.add_rule(Rule("reset", path, method, count, after_bytes=after_bytes))

    def corrupt(self, path, offset=None, method="GET", count=1):
        return self.add_rule(Rule("corrupt", path, method, count, offset=offset))

    def delay(self, path, seconds, method=None, count=None):
        """Matching requests are forwarded `seconds` late."""
        return self.add_rule(Rule("delay", path, method, count, seconds=seconds))

    def throttle(self, path, chunk, seconds, method="GET", count=None):
        """Matching responses send their body `chunk` bytes at a time, sleeping `seconds` after each."""
        return self.add_rule(Rule("throttle", path, method, count, chunk=chunk, seconds=seconds))

    def stall(self, path, after_bytes, method="GET", count=1):
        """Matching responses send the headers and `after_bytes` bytes of the body, set rule.reached,
        then hang until rule.release() (or the proxy exits), and then send the rest."""
        return self.add_rule(Rule("stall", path, method, count, after_bytes=after_bytes))

    def body_limit(self, limit, path, method=None):
        """Like a front proxy's client_max_body_size: matching requests with a body over `limit`
        bytes get 413 (every time); rule.hits counts the refusals."""
        return self.add_rule(Rule("limit", path, method, None, after_bytes=limit))

    def redirect(self, path, location, status=307, method="GET", count=None):
        """Matching requests are answered `status` with `Location: <location><request path>` (no
        body, not forwarded); their request headers are appended to rule.headers."""
        return self.add_rule(Rule("redirect", path, method, count, status=status, location=location.rstrip("/")))

    def clear(self):
        with self.lock:
            self.rules = []

    def _pick(self, method, path, body_len=0):
        with self.lock:
            for rule in self.rules:
                if rule.kind == "limit" and body_len <= rule.after_bytes:
                    continue
                if rule.take(method, path):
                    return rule
        return None

    def _record(self, method, path, status, fault):
        with self.lock:
            self.requests.append((method, path, status, fault))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else None

    def _forward(self, body):
        proxy = self.server.proxy
        conn = http.client.HTTPConnection(*proxy.upstream, timeout=60)
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                conn.putheader(k, v)
        if body is not None or self.command in ("PUT", "POST", "PATCH"):
            conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body or None)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp, data

    def _send(self, status, reason, headers, data, length=None):
        self.send_response(status, reason)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()

    def _proxy(self):
        proxy = self.server.proxy
        body = self._read_body()
        rule = proxy._pick(self.command, self.path, len(body or b""))
        if rule is not None and rule.kind == "status":
            return self._fault_status(rule)
        if rule is not None and rule.kind == "redirect":
            with proxy.lock:
                rule.headers.append(dict(self.headers.items()))
            proxy._record(self.command, self.path, rule.status, "redirect")
            return self._send(rule.status, None, [("Location", rule.location + self.path)], b"")
        if rule is not None and rule.kind == "limit":
            page = b"<html><head><title>413 Request Entity Too Large</title></head></html>\r\n"
            proxy._record(self.command, self.path, 413, "limit")
            self.close_connection = True
            self._send(413, "Request Entity Too Large", [("Content-Type", "text/html")], page)
            return self.wfile.write(page)
        if rule is not None and rule.kind == "delay":
            time.sleep(rule.seconds)
        resp, data = self._forward(body)
        headers = resp.getheaders()
        if self.command == "HEAD":
            length = resp.getheader("Content-Length") or "0"
            proxy._record(self.command, self.path, resp.status, None)
            return self._send(resp.status, resp.reason, headers, b"", length=length)
        if rule is not None and rule.kind == "reset":
            return self._fault_reset(rule, resp, headers, data)
        if rule is not None and rule.kind in ("throttle", "stall"):
            return self._fault_slow(rule, resp, headers, data)
        if rule is not None and rule.kind == "corrupt" and data:
            i = len(data) // 2 if rule.offset is None else min(rule.offset, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
        proxy._record(self.command, self.path, resp.status, rule.kind if rule else None)
        self._send(resp.status, resp.reason, headers, data)
        self.wfile.write(data)

    def _fault_status(self, rule):
        body = rule.body or b""
        if rule.status == 429 and not body:
            body = b'{"errors":[{"code":"TOOMANYREQUESTS","message":"injected by faultproxy"}]}'
        headers = [("Content-Type", "application/json")] if body else []
        if rule.retry_after is not None:
            headers.append(("Retry-After", str(rule.retry_after)))
        self.server.proxy._record(self.command, self.path, rule.status, "status")
        self._send(rule.status, None, headers, body)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fault_slow(self, rule, resp, headers, data):
        """throttle / stall: the body goes out slowly; a client that hangs up ends it quietly."""
        self.server.proxy._record(self.command, self.path, resp.status, rule.kind)
        self._send(resp.status, resp.reason, headers, data)
        try:
            if rule.kind == "throttle":
                step = max(1, rule.chunk or 1)
                for i in range(0, len(data), step):
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                    time.sleep(rule.seconds)
                return
            self.wfile.write(data[:rule.after_bytes])
            self.wfile.flush()
            rule.reached.set()
            while not rule.released.wait(0.05):
                pass
            self.wfile.write(data[rule.after_bytes:])
            self.wfile.flush()
        except OSError:  # the client went away (e.g. it was killed)
            self.close_connection = True

    def _fault_reset(self, rule, resp, headers, data):
        self.server.proxy._record(self.command, self.path, resp.status, "reset")
        self._send(resp.status, resp.reason, headers, data)
        self.wfile.write(data[:rule.after_bytes])
        self.wfile.flush()
        self.close_connection = True
        sock = self.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            fd = sock.detach()
            socket.close(fd)  # linger 0: the peer sees a TCP RST
        except OSError:
            pass

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = _proxy
