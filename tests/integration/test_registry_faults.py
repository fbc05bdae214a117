"""hoist under network faults and hostile registries.

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_registry_faults

* FaultProxy (lib/faultproxy.py) in front of a real plain docker-registry: connection resets
  mid-blob (Range resume), 429 + Retry-After, 503 on uploads, a flipped byte in a blob.  Where
  skopeo (without --retry-times) does not survive the fault, the test is @hoist_only.
* FakeRegistry (below): a tiny http.server on 127.0.0.1 that answers with a malformed
  WWW-Authenticate, a token response without a token, a manifest over 4 MiB, tags/list pages
  with valid or broken Link headers.  Errors are compared with skopeo's text where skopeo gives one.
Self-check: `HOIST=skopeo python3 -m unittest -v test_registry_faults`.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.faultproxy import FaultProxy  # noqa: E402
from lib.registry import Registry  # noqa: E402
from lib.tools import GLOBAL, HOIST, SKOPEO, VH, VS, WorkDirCase, hoist_only  # noqa: E402,F401

BIG = 3 << 20      # bytes of incompressible data in the big layer

T = None
IMG = None          # small image (dir)
BIGIMG = None       # one ~3 MiB layer (dir)
BUILT = {}


def setUpModule():
    global T, IMG, BIGIMG
    T = Path(tempfile.mkdtemp(prefix="hoist-faults-"))
    IMG, BIGIMG = T / "small", T / "big"
    BUILT["small"] = images.build_image(kind="docker", layers=2, seed=31)
    BUILT["small"].write(IMG, "dir")
    BUILT["big"] = images.build_image(kind="oci", layers=1, seed=32, size=BIG)
    BUILT["big"].write(BIGIMG, "dir")


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


def sha256_file(p):
    return "sha256:" + hashlib.sha256(Path(p).read_bytes()).hexdigest()


class Base(WorkDirCase):

    def work_root(self):
        return T

    TIMEOUT = 240

    def tool(self, binary, *args, cwd=None):
        cwd = cwd or self.cwd()
        try:
            r = util.run([binary, *args], cwd=cwd, timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"{binary} {' '.join(map(str, args))}: no answer within {self.TIMEOUT}s (hang)")
        r = util.normalize(r, VS if binary == SKOPEO else VH)
        return util.Result(r.argv, r.rc, r.stdout.replace(str(cwd), "<cwd>"), r.stderr.replace(str(cwd), "<cwd>"))

    def hoist(self, *args, **kw):
        return self.tool(HOIST, *args, **kw)

    def skopeo(self, *args, **kw):
        return self.tool(SKOPEO, *args, **kw)

    def assert_ok(self, r):
        self.assertEqual(r.rc, 0, "command failed:\n" + r.describe())

    def fatal_msg(self, r):
        m = re.search(r'level=fatal msg="((?:[^"\\]|\\.)*)"', r.stderr)
        self.assertIsNotNone(m, "no fatal message:\n" + r.describe())
        return m.group(1)

    def verify_dir_image(self, path, img):
        path = Path(path)
        self.assertEqual((path / "manifest.json").read_bytes(), img.manifest)
        man = json.loads(img.manifest)
        for d in [man["config"]] + man["layers"]:
            blob = path / d["digest"].split(":")[1]
            self.assertTrue(blob.exists(), f"{blob} missing")
            self.assertEqual(sha256_file(blob), d["digest"], f"{blob} corrupt")


# ---------------------------------------------------------------------------------------------

class Faults(Base):
    @classmethod
    def setUpClass(cls):
        cls.reg = Registry("plain").start()
        cls.reg.push_dir(IMG, "f/small:v1")
        cls.reg.push_dir(BIGIMG, "f/big:v1")
        man = json.loads(BUILT["big"].manifest)
        cls.big_layer = man["layers"][0]["digest"]

        cls.dest = Registry("plain").start()   # another registry: nothing can be mounted from the source

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()
        cls.dest.stop()

    def pull(self, binary, proxy, repo, cwd):
        return self.tool(binary, *GLOBAL, "copy", "--src-tls-verify=false", f"docker://{proxy.host}/{repo}:v1",
                         "dir:out", cwd=cwd)

    def _pull_with(self, binary, setup, repo="f/big", img="big"):
        with FaultProxy(self.reg.url) as proxy:
            rule = setup(proxy)
            cwd = self.cwd()
            r = self.pull(binary, proxy, repo, cwd)
            self.assertEqual(rule.hits, 1, f"fault not injected: {proxy.requests}")
            self.assert_ok(r)
            self.verify_dir_image(cwd / "out", BUILT[img])
            return proxy

    @hoist_only   # skopeo 1.9.3 fails: "happened during read: … connection reset by peer" (newest resumes, §6)
    def test_reset_mid_blob_resumes_with_range(self):
        proxy = self._pull_with(HOIST, lambda p: p.reset_after(r"/blobs/" + self.big_layer, after_bytes=1 << 20))
        gets = [r for r in proxy.requests if r[0] == "GET" and self.big_layer in r[1]]
        self.assertGreaterEqual(len(gets), 2, proxy.requests)

    def test_429_retry_after_on_blob_get(self):
        self._pull_with(HOIST, lambda p: p.status(429, r"/blobs/sha256:", method="GET", retry_after="1"),
                        repo="f/small", img="small")

    def test_429_on_manifest_get(self):
        self._pull_with(HOIST, lambda p: p.status(429, r"/manifests/", method="GET", retry_after="1"),
                        repo="f/small", img="small")

    def _push_with(self, binary, setup, repo):
        with FaultProxy(self.reg.url) as proxy:
            rule = setup(proxy)
            r = self.tool(binary, *GLOBAL, "copy", "--dest-tls-verify=false", f"dir:{IMG}",
                          f"docker://{proxy.host}/{repo}:v1")
            self.assertEqual(rule.hits, 1, f"fault not injected: {proxy.requests}")
            self.assert_ok(r)
        raw = util.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{self.reg.host}/{repo}:v1"])
        self.assertEqual(raw.rc, 0, raw.describe())
        self.assertEqual(raw.stdout.encode(), BUILT["small"].manifest)

    @hoist_only
    def test_429_retry_after_on_manifest_put(self):
        self._push_with(HOIST, lambda p: p.status(429, r"/manifests/v1", method="PUT", retry_after="1"), "p429/x")

    @hoist_only
    def test_503_once_on_patch(self):
        """A PATCH is sent only for a blob whose digest is unknown until it is sent: a layer
        recompressed on the way. A 503 on it restarts that upload from a fresh stream."""
        with FaultProxy(self.reg.url) as proxy:
            rule = proxy.status(503, r"/blobs/uploads/", method="PATCH")
            r = self.tool(HOIST, *GLOBAL, "copy", "--dest-tls-verify=false", "--dest-compress-format", "zstd",
                          f"dir:{IMG}", f"docker://{proxy.host}/p503a/x:v1")
            self.assertEqual(rule.hits, 1, f"fault not injected: {proxy.requests}")
            self.assert_ok(r)
        raw = util.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{self.reg.host}/p503a/x:v1"])
        self.assertEqual(raw.rc, 0, raw.describe())
        layers = json.loads(raw.stdout)["layers"]
        self.assertEqual({d["mediaType"] for d in layers}, {"application/vnd.oci.image.layer.v1.tar+zstd"})
        pulled = self.tool(SKOPEO, *GLOBAL, "copy", "--src-tls-verify=false",
                           f"docker://{self.reg.host}/p503a/x:v1", "dir:out", cwd=self.cwd())
        self.assert_ok(pulled)

    @hoist_only
    def test_503_once_on_put_upload(self):
        self._push_with(HOIST, lambda p: p.status(503, r"/blobs/uploads/.*digest=", method="PUT"), "p503b/x")

    @hoist_only
    def test_413_on_a_whole_blob_switches_to_chunked_upload(self):
        """A registry behind a proxy that limits request bodies (nginx client_max_body_size):
        the monolithic PUT of the ~3 MiB layer gets 413; hoist restarts the upload as PATCHes
        with Content-Range, halving them until they fit, and the image lands intact."""
        with FaultProxy(self.reg.url) as proxy:
            rule = proxy.body_limit(1536 * 1024, r"/blobs/uploads/")
            r = self.tool(HOIST, *GLOBAL, "copy", "--dest-tls-verify=false", f"dir:{BIGIMG}",
                          f"docker://{proxy.host}/chunked/x:v1")
            self.assert_ok(r)
            self.assertGreater(rule.hits, 0, f"no upload was refused: {proxy.requests}")
            patches = [q for q in proxy.requests if q[0] == "PATCH" and q[2] == 202]
            self.assertGreater(len(patches), 2, proxy.requests)
        raw = util.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{self.reg.host}/chunked/x:v1"])
        self.assertEqual(raw.rc, 0, raw.describe())
        self.assertEqual(raw.stdout.encode(), BUILT["big"].manifest)
        out = self.cwd()
        pulled = self.tool(SKOPEO, *GLOBAL, "copy", "--src-tls-verify=false", f"docker://{self.reg.host}/chunked/x:v1",
                           "dir:out", cwd=out)
        self.assert_ok(pulled)

    def test_inspect_when_tag_list_is_denied(self):
        """A registry that refuses tags/list (DENIED, e.g. pull-only robot accounts): inspect still
        works, prints skopeo's "Registry disallows tag list retrieval" warning and RepoTags []."""
        denied = b'{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'
        out = {}
        for name, binary in (("skopeo", SKOPEO), ("hoist", HOIST)):
            with FaultProxy(self.reg.url) as proxy:
                rule = proxy.status(403, r"/tags/list", count=None, body=denied)
                r = self.tool(binary, "inspect", "--tls-verify=false", f"docker://{proxy.host}/f/big:v1")
                self.assert_ok(r)
                self.assertGreater(rule.hits, 0)
                out[name] = r
        for r in out.values():
            self.assertIn("Registry disallows tag list retrieval; skipping", r.stderr)
            self.assertIsNone(json.loads(r.stdout)["RepoTags"])  # GetRepositoryTags' nil slice
        a, b = (json.loads(out[n].stdout) for n in ("skopeo", "hoist"))
        for d in (a, b):
            d.pop("Name")          # each run had its own proxy port
            d.pop("LayersData", None)  # §0: newest only
        self.assertEqual(a, b)
        mask = lambda t: re.sub(r'time="[^"]*"', "time=T", t)  # noqa: E731
        self.assertEqual(mask(out["hoist"].stderr), mask(out["skopeo"].stderr))

    def test_manifest_type_rejected_falls_back(self):
        """A registry that refuses the OCI manifest type (400 MANIFEST_INVALID on the first PUT):
        both tools retry with the next candidate type (§7.4), and land the same v2s2 manifest."""
        src = self.cwd() / "oci-src"
        images.build_image(kind="oci", layers=2, seed=33).write(src, "dir")
        rejected = b'{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":"type"}]}'
        out = {}
        for name, binary in (("skopeo", SKOPEO), ("hoist", HOIST)):
            with FaultProxy(self.reg.url) as proxy:
                rule = proxy.status(400, r"/manifests/v1", method="PUT", body=rejected)
                r = self.tool(binary, *GLOBAL, "copy", "--dest-tls-verify=false", f"dir:{src}",
                              f"docker://{proxy.host}/rej-{name}/x:v1")
                self.assert_ok(r)
                self.assertEqual(rule.hits, 1, f"fault not injected: {proxy.requests}")
                puts = [q for q in proxy.requests if q[0] == "PUT" and "/manifests/" in q[1]]
                self.assertEqual(len(puts), 2, puts)
            raw = util.run([SKOPEO, "inspect", "--raw", "--tls-verify=false", f"docker://{self.reg.host}/rej-{name}/x:v1"])
            self.assertEqual(raw.rc, 0, raw.describe())
            out[name] = raw.stdout
        self.assertIn("application/vnd.docker.distribution.manifest.v2+json", out["skopeo"])
        self.assertEqual(out["hoist"], out["skopeo"])

    def _corrupt(self, binary, dest_kind):
        with FaultProxy(self.reg.url) as proxy:
            proxy.corrupt(r"/blobs/" + self.big_layer, offset=1000)
            cwd = self.cwd()
            if dest_kind == "dir":
                r = self.pull(binary, proxy, "f/big", cwd)
            else:
                r = self.tool(binary, *GLOBAL, "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                              f"docker://{proxy.host}/f/big:v1", f"docker://{self.dest.host}/corrupt-{dest_kind}/x:v1",
                              cwd=cwd)
        self.assertEqual(r.rc, 1, r.describe())
        msg = self.fatal_msg(r)
        self.assertRegex(msg, r"Digest did not match, expected " + re.escape(self.big_layer) + r", got sha256:[0-9a-f]{64}")
        self.assertNotIn("got " + self.big_layer, msg)
        if dest_kind == "dir":
            self.assertFalse((cwd / "out" / "manifest.json").exists(), "manifest.json written after a failed copy")
        else:
            t = util.run([SKOPEO, "inspect", "--raw", "--tls-verify=false",
                          f"docker://{self.dest.host}/corrupt-{dest_kind}/x:v1"])
            self.assertNotEqual(t.rc, 0, "the tag exists after a failed copy")
            self.assertIn("manifest unknown", t.stderr)
        return r

    def test_corrupt_blob_to_dir(self):
        rs = self._corrupt(SKOPEO, "dir")
        rh = self._corrupt(HOIST, "dir")
        self.assertEqual(self.fatal_msg(rs).split("Digest did not match")[0],
                         self.fatal_msg(rh).split("Digest did not match")[0])

    def test_corrupt_blob_to_registry(self):
        self._corrupt(SKOPEO, "docker-s")
        self._corrupt(HOIST, "docker-h")


# ---------------------------------------------------------------------------------------------
# a hostile registry

class FakeRegistry:
    """http.server on 127.0.0.1: `mode` picks the misbehaviour; .requests lists (method, path)."""

    def __init__(self, mode):
        self.mode = mode
        self.requests = []

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_GET(self):
                fake.requests.append((self.command, self.path))
                fake.handle(self)

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False

    JSON = [("Content-Type", "application/json")]
    UNAUTH = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'

    def handle(self, h):
        path, mode = h.path, self.mode
        if mode == "bad-www-authenticate":
            return h.reply(401, self.UNAUTH, self.JSON + [("WWW-Authenticate", 'Bearer realm="http://%s/token,service="x' % self.host)])
        if mode == "no-token":
            if path.startswith("/token"):
                return h.reply(200, b'{"expires_in": 300}', self.JSON)
            return h.reply(401, self.UNAUTH, self.JSON + [("WWW-Authenticate",
                                                           'Bearer realm="http://%s/token",service="fake"' % self.host)])
        if path == "/v2/":
            return h.reply(200, b"{}", self.JSON)
        if mode == "big-manifest" and "/manifests/" in path:
            body = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","annotations":{"pad":"' \
                + b"x" * (4 << 20) + b'"}}'
            return h.reply(200, body, [("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
        if "/tags/list" in path:
            pages = {"": (["a", "b"], "/v2/x/y/tags/list?last=b"), "?last=b": (["c"], "/v2/x/y/tags/list?last=c"),
                     "?last=c": (["d"], None)}
            q = path.split("/tags/list", 1)[1]
            tags, nxt = pages.get(q, ([], None))
            headers = list(self.JSON)
            if nxt:
                # broken: a path with an invalid %-escape (url.Parse fails)
                headers.append(("Link", '<%s>; rel="next"' % (nxt if mode == "pages" else "/v2/x/%zz/tags/list")))
            return h.reply(200, json.dumps({"name": "x/y", "tags": tags}).encode(), headers)
        return h.reply(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}',
                       self.JSON)


class Hostile(Base):
    TIMEOUT = 30   # every case fails fast in skopeo; a hang is a failure
    def both(self, mode, *args):
        out = []
        for binary in (SKOPEO, HOIST):
            with FakeRegistry(mode) as fake:
                argv = [a.replace("HOST", fake.host) for a in args]
                r = self.tool(binary, *argv)
                out.append(util.Result(r.argv, r.rc, r.stdout.replace(fake.host, "HOST"),
                                       r.stderr.replace(fake.host, "HOST")))
                out.append(fake.requests)
        return out  # rs, reqs_s, rh, reqs_h

    def assert_clear_failure(self, rh):
        self.assertNotEqual(rh.rc, 0, rh.describe())
        self.assertEqual(rh.stdout, "", rh.describe())
        msg = self.fatal_msg(rh)
        self.assertTrue(msg.strip(), rh.describe())
        return msg

    def test_paginated_tags_follow_link(self):
        rs, _, rh, reqs = self.both("pages", "list-tags", "--tls-verify=false", "docker://HOST/x/y")
        self.assert_ok(rs)
        self.assertEqual((rs.rc, rs.stdout, rs.stderr), (rh.rc, rh.stdout, rh.stderr), rh.describe())
        self.assertEqual(json.loads(rh.stdout)["Tags"], ["a", "b", "c", "d"])
        self.assertEqual([p for m, p in reqs if "tags" in p],
                         ["/v2/x/y/tags/list", "/v2/x/y/tags/list?last=b", "/v2/x/y/tags/list?last=c"])

    def test_broken_link_header(self):
        rs, _, rh, _ = self.both("broken-link", "list-tags", "--tls-verify=false", "docker://HOST/x/y")
        self.assertNotEqual(rs.rc, 0, rs.describe())
        self.assert_clear_failure(rh)
        self.assertEqual(self.fatal_msg(rs), self.fatal_msg(rh))

    def test_malformed_www_authenticate(self):
        rs, _, rh, _ = self.both("bad-www-authenticate", "inspect", "--tls-verify=false", "docker://HOST/x/y:v1")
        self.assertNotEqual(rs.rc, 0, rs.describe())
        self.assert_clear_failure(rh)
        self.assertEqual(rs.rc, rh.rc)

    def test_token_response_without_token(self):
        rs, _, rh, reqs = self.both("no-token", "inspect", "--tls-verify=false", "--creds", "u:p",
                                    "docker://HOST/x/y:v1")
        self.assertNotEqual(rs.rc, 0, rs.describe())
        self.assert_clear_failure(rh)
        self.assertEqual(rs.rc, rh.rc)

    def test_manifest_over_4mib(self):
        rs, _, rh, _ = self.both("big-manifest", "inspect", "--raw", "--tls-verify=false", "docker://HOST/x/y:v1")
        self.assertNotEqual(rs.rc, 0, rs.describe())
        msg = self.assert_clear_failure(rh)
        self.assertEqual(self.fatal_msg(rs), msg)


if __name__ == "__main__":
    unittest.main()
