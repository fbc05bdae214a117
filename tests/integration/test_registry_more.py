"""More hoist vs skopeo registry tests: redirected blobs, interactive login, HTTP versions, client certificates.

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_registry_more

* RedirectedBlobs: an htpasswd / token registry behind FaultProxy, whose blob GETs are answered
  307 to a BlobServer on another port (another host for curl and Go).  The copy must succeed
  (digests verified) and the BlobServer must never see the credentials.
* LoginPrompt: `login REGISTRY` without -p on a pseudo-terminal: the answers are typed only once
  the prompt is shown (and, for the password, once the tool has turned echo off); the whole
  terminal transcript and the auth.json must equal skopeo's, and never contain the password.
* Protocol: HTTP versions, read from the registry's access log (`"GET /v2/ HTTP/2.0" …`).
* ClientCerts: Registry("mtls") requires a client certificate (`--cert-dir` with *.cert + *.key).
Self-check: `HOIST=skopeo python3 -m unittest -v test_registry_more` (hoist_only tests are skipped).
"""

import base64
import fcntl
import hashlib
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.faultproxy import FaultProxy  # noqa: E402
from lib.registry import Registry  # noqa: E402
from lib.tools import GLOBAL, HOIST, SKOPEO, VH, VS, WorkDirCase, hoist_only  # noqa: E402,F401
from test_local_interop import canonical_stdout  # noqa: E402

SECRET = "s3cr3t-Pw-plugh"     # distinctive, so a leak is easy to spot
# gorilla/handlers combined log line of docker-registry's access log
ACCESS_RE = re.compile(r'^\S+ - \S+ \[[^\]]*\] "(\w+) (\S+) (HTTP/[0-9.]+)" (\d+) \S+ "[^"]*" "([^"]*)"$')

T = None
IMG = None       # dir: image, 2 layers
BUILT = None


def setUpModule():
    global T, IMG, BUILT
    os.umask(0o022)
    T = Path(tempfile.mkdtemp(prefix="hoist-reg-more-"))
    IMG = T / "img"
    BUILT = images.build_image(kind="oci", layers=2, seed=51, size=64 << 10)
    BUILT.write(IMG, "dir")


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def access_log(reg):
    """(method, uri, protocol, status, user agent) of every request in the registry's access log."""
    out = []
    for _, _, path in reg._procs:
        if not os.path.basename(path).startswith("registry"):
            continue
        with open(path, errors="replace") as f:
            for line in f:
                m = ACCESS_RE.match(line.rstrip("\n"))
                if m:
                    out.append(m.groups())
    return out


class Base(WorkDirCase):
    TIMEOUT = 120

    def work_root(self):
        return T

    def tool(self, binary, *args, cwd=None, env=None):
        cwd = cwd or self.cwd()
        try:
            r = util.run([binary, *args], cwd=cwd, env=env, timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"{binary} {' '.join(map(str, args))}: no answer within {self.TIMEOUT}s (hang)")
        r = util.normalize(r, VS if binary == SKOPEO else VH, peer_version=VH if binary == SKOPEO else VS)
        return util.Result(r.argv, r.rc, r.stdout.replace(str(cwd), "<cwd>"), r.stderr.replace(str(cwd), "<cwd>"))

    def assert_ok(self, r):
        self.assertEqual(r.rc, 0, "command failed:\n" + r.describe())

    def assert_same(self, rs, rh, stdout=True):
        ctx = f"\n== skopeo (oracle) ==\n{rs.describe()}\n== hoist ==\n{rh.describe()}"
        self.assertEqual(rs.rc, rh.rc, "exit codes differ" + ctx)
        if stdout and canonical_stdout(rs.stdout) != canonical_stdout(rh.stdout):
            self.fail("stdout differs:\n" + util.text_diff(canonical_stdout(rs.stdout), canonical_stdout(rh.stdout),
                                                           "stdout") + ctx)
        if rs.stderr != rh.stderr:
            self.fail("stderr differs:\n" + util.text_diff(rs.stderr, rh.stderr, "stderr") + ctx)

    def assert_same_tree(self, ps, ph):
        d = util.tree_diff(util.normalize(util.tree(ps), VS), util.normalize(util.tree(ph), VH))
        if d:
            self.fail(f"trees differ (expected = skopeo {ps}, actual = hoist {ph}):\n{d}")

    def verify_dir_image(self, path, img):
        path = Path(path)
        self.assertEqual((path / "manifest.json").read_bytes(), img.manifest)
        man = json.loads(img.manifest)
        for d in [man["config"]] + man["layers"]:
            blob = path / images.hex_of(d["digest"])
            self.assertTrue(blob.exists(), f"{blob} missing")
            self.assertEqual(sha(blob.read_bytes()), d["digest"], f"{blob} corrupt")


# ---------------------------------------------------------------------------------------------
# 1. a blob GET redirected to another host gets no Authorization header

class BlobServer:
    """http.server on 127.0.0.1 (its own port: another host for curl and Go) serving blobs by the
    `sha256:<hex>` in the request path; .requests lists (method, path, {header: value})."""

    def __init__(self, blobs):
        self.blobs = dict(blobs)
        self.requests = []
        self.lock = threading.Lock()

    def __enter__(self):
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                with srv.lock:
                    srv.requests.append((self.command, self.path, dict(self.headers.items())))
                m = re.search(r"sha256:[0-9a-f]{64}", self.path)
                data = srv.blobs.get(m.group(0)) if m else None
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                if data is not None and self.command == "GET":
                    self.wfile.write(data)

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = "127.0.0.1:%d" % self.server.server_address[1]
        self.url = "http://" + self.host
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False


class RedirectedBlobs(Base):
    def _pull_redirected(self, mode):
        blobs = BUILT.all_blobs()
        with Registry(mode) as reg:
            reg.push_dir(IMG, "rd/x:v1", user="alice")
            creds = reg.creds("alice")
            results = {}
            for who, binary in (("skopeo", SKOPEO), ("hoist", HOIST)):
                with self.subTest(tool=who), BlobServer(blobs) as cdn, FaultProxy(reg.url) as proxy:
                    rule = proxy.redirect(r"/v2/rd/x/blobs/sha256:", cdn.url, method="GET")
                    cwd = self.cwd()
                    r = self.tool(binary, *GLOBAL, "copy", "--src-tls-verify=false", "--src-creds", creds,
                                  f"docker://{proxy.host}/rd/x:v1", "dir:out", cwd=cwd)
                    self.assert_ok(r)
                    results[who] = r
                    self.verify_dir_image(cwd / "out", BUILT)
                    # every blob went through the redirect, and the registry host got the credentials
                    redirected = {p for m, p, s, f in proxy.requests if f == "redirect"}
                    self.assertEqual({re.search(r"sha256:[0-9a-f]{64}", p).group(0) for p in redirected},
                                     set(blobs), f"not every blob GET was redirected: {proxy.requests}")
                    auths = [{k.lower(): v for k, v in h.items()}.get("authorization") for h in rule.headers]
                    self.assertTrue(all(auths), f"{who}: a blob GET to the registry had no Authorization "
                                    f"header (the test proves nothing): {rule.headers}")
                    scheme = "Basic" if mode == "htpasswd" else "Bearer"
                    self.assertTrue(all(a.startswith(scheme + " ") for a in auths), auths)
                    # …and the other host never saw them
                    self.assertEqual({re.search(r"sha256:[0-9a-f]{64}", p).group(0) for _, p, _ in cdn.requests},
                                     set(blobs), f"{who}: not every blob was fetched from the redirect target")
                    secrets = {a.split(" ", 1)[1] for a in auths} | {creds.split(":", 1)[1],
                                                                     base64.b64encode(creds.encode()).decode()}
                    for method, path, headers in cdn.requests:
                        names = {k.lower() for k in headers}
                        self.assertNotIn("authorization", names,
                                         f"{who} sent Authorization to the redirect target: {method} {path} {headers}")
                        for k, v in headers.items():
                            for s in secrets:
                                self.assertNotIn(s, v, f"{who} leaked credentials in {k} to the redirect target")
            if len(results) == 2:
                self.assert_same(results["skopeo"], results["hoist"])

    def test_basic_auth_not_sent_to_redirect_target(self):
        self._pull_redirected("htpasswd")

    def test_bearer_token_not_sent_to_redirect_target(self):
        self._pull_redirected("token")


# ---------------------------------------------------------------------------------------------
# 2. interactive login on a terminal

class Tty:
    """argv with stdin, stdout and stderr on a fresh pseudo-terminal (its controlling terminal)."""

    def __init__(self, argv, cwd, env):
        self.master, slave = os.openpty()
        self.out = bytearray()
        self.eof = False

        def ctty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        try:
            self.proc = subprocess.Popen([str(a) for a in argv], stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                                         env=env, start_new_session=True, preexec_fn=ctty)
        finally:
            os.close(slave)

    def echo_on(self):
        return bool(termios.tcgetattr(self.master)[3] & termios.ECHO)

    def pump(self, seconds):
        """Read whatever the terminal shows within `seconds` (less at EOF)."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready and not self.eof:
            try:
                data = os.read(self.master, 65536)
            except OSError:   # EIO: every writer of the terminal is gone
                data = b""
            if data:
                self.out += data
            else:
                self.eof = True
                time.sleep(min(seconds, 0.05))

    def wait_for(self, prompt: bytes, start: int, timeout=30):
        deadline = time.time() + timeout
        while not self.out[start:].endswith(prompt):
            if self.eof or time.time() > deadline:
                raise AssertionError(f"no prompt {prompt!r}; terminal so far: {bytes(self.out)!r}")
            self.pump(0.2)

    def type(self, text: str):
        os.write(self.master, text.encode())

    def finish(self, timeout=60):
        deadline = time.time() + timeout
        while not self.eof:
            if time.time() > deadline:
                os.killpg(self.proc.pid, signal.SIGKILL)
                raise AssertionError(f"no end after {timeout}s; terminal so far: {bytes(self.out)!r}")
            self.pump(0.2)
        rc = self.proc.wait(timeout=30)
        echo = self.echo_on()
        os.close(self.master)
        return rc, echo


class LoginPrompt(Base):
    USERS = {"alice": SECRET, "bob": "bobpw"}

    @classmethod
    def setUpClass(cls):
        cls.reg = Registry("htpasswd", users=cls.USERS).start()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def interact(self, binary, cwd, args, answers):
        """Run `binary args` on a terminal; for each (prompt, line): wait for the prompt, and for a
        "Password: " prompt also for echo to be off, then type line + Enter.  Returns
        (rc, transcript with cwd -> <cwd>, echo state at each prompt, echo state at the end)."""
        env = dict(os.environ, REGISTRY_AUTH_FILE=str(cwd / "auth.json"), XDG_RUNTIME_DIR=str(cwd / "run"),
                   HOME=str(cwd / "home"), XDG_CONFIG_HOME=str(cwd / "home" / ".config"), TERM="xterm")
        env.pop("DOCKER_CONFIG", None)
        tty = Tty([binary, *args], cwd, env)
        echoes = []
        try:
            for prompt, line in answers:
                tty.wait_for(prompt.encode(), len(tty.out))
                if prompt.startswith("Password"):
                    deadline = time.time() + 10
                    while tty.echo_on() and time.time() < deadline:
                        time.sleep(0.01)
                echoes.append(tty.echo_on())
                tty.type(line + "\n")
            rc, echo_end = tty.finish()
        except BaseException:
            if tty.proc.poll() is None:
                os.killpg(tty.proc.pid, signal.SIGKILL)
                tty.proc.wait()
            raise
        text = tty.out.decode("utf-8", "replace").replace(str(cwd), "<cwd>")
        return rc, util._TIME.sub('time="<masked>"', text), echoes, echo_end

    def both(self, args, answers, auth_json=None):
        out = {}
        for who, binary in (("skopeo", SKOPEO), ("hoist", HOIST)):
            cwd = self.work / who
            cwd.mkdir()
            if auth_json is not None:
                (cwd / "auth.json").write_text(auth_json)
                (cwd / "auth.json").chmod(0o600)
            out[who] = (cwd, *self.interact(binary, cwd, args, answers))
        return out

    def check(self, out, expect_rc=0):
        (cs, rc_s, text_s, echoes_s, end_s), (ch, rc_h, text_h, echoes_h, end_h) = out["skopeo"], out["hoist"]
        ctx = f"\n== skopeo (oracle) ==\n{text_s!r}\n== hoist ==\n{text_h!r}"
        self.assertEqual(rc_s, expect_rc, "oracle" + ctx)
        self.assertNotIn(SECRET, text_h, "the password was shown on the terminal" + ctx)
        self.assertEqual(echoes_h[-1], False, "echo was still on at the password prompt" + ctx)
        self.assertEqual(echoes_h, echoes_s, "echo states at the prompts differ" + ctx)
        self.assertTrue(end_h, "echo was not restored at exit")
        self.assertEqual(rc_h, rc_s, "exit codes differ" + ctx)
        self.assertEqual(text_h, text_s, "terminal transcripts differ" + ctx)
        ps, ph = cs / "auth.json", ch / "auth.json"
        self.assertEqual(ph.exists(), ps.exists())
        if ps.exists():
            self.assertEqual(ph.read_bytes(), ps.read_bytes(), "auth.json differs from skopeo's")
            self.assertEqual(stat.S_IMODE(ph.stat().st_mode), 0o600)
        return text_h

    def test_prompts_for_username_and_password_without_echo(self):
        out = self.both(["login", "--tls-verify=false", self.reg.host],
                        [("Username: ", "alice"), ("Password: ", SECRET)])
        text = self.check(out)
        self.assertIn("Login Succeeded!", text)
        auth = json.loads((out["hoist"][0] / "auth.json").read_text())["auths"][self.reg.host]["auth"]
        self.assertEqual(base64.b64decode(auth).decode(), f"alice:{SECRET}")

    def test_username_given_prompts_only_for_password(self):
        out = self.both(["login", "--tls-verify=false", "-u", "bob", self.reg.host], [("Password: ", "bobpw")])
        self.assertNotIn("Username", self.check(out))

    def test_invalid_stored_credentials_reprompt_with_old_username(self):
        stale = json.dumps({"auths": {self.reg.host: {"auth": base64.b64encode(b"alice:stale").decode()}}},
                           indent="\t") + "\n"
        out = self.both(["login", "--tls-verify=false", self.reg.host],
                        [("Username (alice): ", ""), ("Password: ", SECRET)], auth_json=stale)
        text = self.check(out)
        self.assertIn("Existing credentials are invalid", text)
        self.assertNotIn("stale", (out["hoist"][0] / "auth.json").read_text())

    def test_wrong_password_typed(self):
        out = self.both(["login", "--tls-verify=false", self.reg.host],
                        [("Username: ", "alice"), ("Password: ", "wrong-" + SECRET)])
        self.check(out, expect_rc=1)
        self.assertNotIn("wrong-", out["hoist"][2])


# ---------------------------------------------------------------------------------------------
# 3. HTTP versions

class Protocol(Base):
    @classmethod
    def setUpClass(cls):
        cls.plain = Registry("plain").start()
        cls.tls = Registry("tls").start()
        for reg in (cls.plain, cls.tls):
            reg.push_dir(IMG, "proto/src:v1")

    @classmethod
    def tearDownClass(cls):
        cls.plain.stop()
        cls.tls.stop()

    def _traffic(self, binary, reg, who):
        """Access-log entries of a pull and a push by `binary`."""
        before = len(access_log(reg))
        pull = self.tool(binary, *GLOBAL, "copy", *reg.tls_flags("src-"), f"docker://{reg.host}/proto/src:v1",
                         "dir:out")
        self.assert_ok(pull)
        mid = len(access_log(reg))
        push = self.tool(binary, *GLOBAL, "copy", *reg.tls_flags("dest-"), f"dir:{IMG}",
                         f"docker://{reg.host}/proto/push-{who}:v1")
        self.assert_ok(push)
        log = access_log(reg)
        return log[before:mid], log[mid:]

    def test_plain_http_uses_http11(self):
        for who, binary in (("skopeo", SKOPEO), ("hoist", HOIST)):
            with self.subTest(tool=who):
                pull, push = self._traffic(binary, self.plain, who)
                self.assertTrue(pull and any(m == "PUT" and "/blobs/uploads/" in u for m, u, *_ in push), (pull, push))
                self.assertEqual({p for _, _, p, _, _ in pull + push}, {"HTTP/1.1"}, pull + push)

    @hoist_only   # skopeo (1.9.3 and newest) speaks HTTP/1.1 only: c/image's TLS transport has no ForceAttemptHTTP2
    def test_tls_uses_http2_except_streamed_uploads(self):
        """README: "HTTP/2 is used where a TLS registry offers it (not for uploads)"; docker-registry
        offers h2 over TLS.  Every request of a pull is HTTP/2; in a push the requests that stream a
        blob (the closing PUT ?digest= of each monolithic upload) go over HTTP/1.1, everything else
        (HEAD, POST, the manifest PUT) over HTTP/2."""
        pull, push = self._traffic(HOIST, self.tls, "hoist")
        self.assertTrue(pull, "no pull requests in the access log")
        self.assertEqual({(m, p) for m, _, p, _, _ in pull}, {(m, "HTTP/2.0") for m, *_ in pull}, pull)
        bodies = [e for e in push if e[0] == "PUT" and "/blobs/uploads/" in e[1]]
        self.assertEqual(len(bodies), len(BUILT.all_blobs()), push)
        self.assertEqual({p for _, _, p, _, _ in bodies}, {"HTTP/1.1"}, push)
        others = [e for e in push if e not in bodies]
        self.assertTrue(any(m == "PUT" and "/manifests/" in u for m, u, *_ in others), push)
        self.assertEqual({p for _, _, p, _, _ in others}, {"HTTP/2.0"}, push)

    @hoist_only   # skopeo sends POST, PATCH, PUT for every blob
    def test_upload_is_monolithic_when_the_digest_is_known(self):
        """A blob whose digest is known before it is sent goes up in two requests, the POST and
        a PUT ?digest= carrying the bytes (the distribution spec's monolithic upload): no PATCH,
        no second HEAD. A recompressed layer, whose digest is known only once it has been
        sent, still streams as a PATCH followed by a bodiless PUT."""
        _, push = self._traffic(HOIST, self.plain, "mono")
        blobs = BUILT.all_blobs()
        self.assertEqual([m for m, *_ in push if m == "PATCH"], [], push)
        self.assertEqual(len([m for m, u, *_ in push if m == "POST" and "/blobs/uploads/" in u]), len(blobs), push)
        for d in blobs:
            heads = [u for m, u, *_ in push if m == "HEAD" and u.endswith("/blobs/" + d)]
            puts = [u for m, u, *_ in push if m == "PUT" and "digest=" + urllib.parse.quote(d) in u]
            self.assertLessEqual(len(heads), 1, (d, push))
            self.assertEqual(len(puts), 1, (d, push))
        before = len(access_log(self.plain))
        r = self.tool(HOIST, *GLOBAL, "copy", *self.plain.tls_flags("dest-"), "--dest-compress-format", "zstd",
                      f"dir:{IMG}", f"docker://{self.plain.host}/proto/zstd:v1")
        self.assert_ok(r)
        push = access_log(self.plain)[before:]
        layers = json.loads(BUILT.manifest)["layers"]
        self.assertEqual(len([m for m, *_ in push if m == "PATCH"]), len(layers), push)


# ---------------------------------------------------------------------------------------------
# 4. client certificates (--cert-dir with *.cert + *.key)

class ClientCerts(Base):
    TIMEOUT = 60

    @classmethod
    def setUpClass(cls):
        cls.reg = Registry("mtls").start()
        cls.reg.push_dir(IMG, "m/src:v1")

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def both(self, *args):
        return self.tool(SKOPEO, *args), self.tool(HOIST, *args)

    def d(self, ref):
        return f"docker://{self.reg.host}/{ref}"

    def cert_dir(self, *names):
        """A --cert-dir with ca.crt and the given files of the client certificate directory."""
        p = self.cwd() / "certs"
        p.mkdir()
        for n in ("ca.crt", *names):
            shutil.copy(os.path.join(self.reg.client_dir, n), p / n)
        return p

    def test_client_cert_in_cert_dir(self):
        self.assertEqual(sorted(os.listdir(self.reg.client_dir)), ["ca.crt", "client.cert", "client.key"])
        full = self.cert_dir("client.cert", "client.key")
        rs, rh = self.both("inspect", "--cert-dir", full, self.d("m/src:v1"))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        rs, rh = self.both("list-tags", "--cert-dir", full, self.d("m/src"))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        cs, ch = self.cwd(), self.cwd()
        args = [*GLOBAL, "copy", "--src-cert-dir", full, self.d("m/src:v1"), "dir:out"]
        rs, rh = self.tool(SKOPEO, *args, cwd=cs), self.tool(HOIST, *args, cwd=ch)
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        self.assert_same_tree(cs / "out", ch / "out")
        self.verify_dir_image(ch / "out", BUILT)
        rs = self.tool(SKOPEO, *GLOBAL, "copy", "--dest-cert-dir", full, f"dir:{IMG}", self.d("m/push-s:v1"))
        rh = self.tool(HOIST, *GLOBAL, "copy", "--dest-cert-dir", full, f"dir:{IMG}", self.d("m/push-h:v1"))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        raw = self.tool(SKOPEO, "inspect", "--raw", "--cert-dir", full, self.d("m/push-h:v1"))
        self.assert_ok(raw)
        self.assertEqual(raw.stdout.encode(), BUILT.manifest)

    def test_without_client_cert_fails_like_skopeo(self):
        ca_only = self.cert_dir()
        for label, args in (("inspect", ["inspect", "--cert-dir", ca_only, self.d("m/src:v1")]),
                            ("list-tags", ["list-tags", "--cert-dir", ca_only, self.d("m/src")]),
                            ("copy", [*GLOBAL, "copy", "--src-cert-dir", ca_only, self.d("m/src:v1"), "dir:out"])):
            with self.subTest(command=label):
                rs, rh = self.both(*args)
                self.assertEqual(rs.rc, 1, rs.describe())
                self.assertIn("remote error: tls: bad certificate", rs.stderr)
                # With TLS 1.3 the server's alert arrives after the handshake; Go's client names
                # its read loop ("readLoopPeekFailLocked: ") when that goroutine sees it first,
                # which is a matter of timing, so skopeo prints either form.
                rs = util.Result(rs.argv, rs.rc, rs.stdout, rs.stderr.replace("readLoopPeekFailLocked: ", ""))
                self.assert_same(rs, rh)

    def test_cert_without_key(self):
        rs, rh = self.both("inspect", "--cert-dir", self.cert_dir("client.cert"), self.d("m/src:v1"))
        self.assertEqual(rs.rc, 1, rs.describe())
        self.assertIn("missing key client.key for client certificate client.cert. Note that CA certificates "
                      "should use the extension .crt", rs.stderr)
        self.assert_same(rs, rh)

    def test_key_without_cert(self):
        rs, rh = self.both("inspect", "--cert-dir", self.cert_dir("client.key"), self.d("m/src:v1"))
        self.assertEqual(rs.rc, 1, rs.describe())
        self.assertIn("missing client certificate client.cert for key client.key", rs.stderr)
        self.assert_same(rs, rh)


if __name__ == "__main__":
    unittest.main()
