"""hoist vs skopeo against real docker-registry processes (plain, tls, htpasswd, token).

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_registry_interop

SKOPEO (default `skopeo`) is the oracle: every expectation is what skopeo does with the same
arguments (or what skopeo reads back from what hoist wrote), routed through lib.util.normalize
(the skopeo-compat.md §0 deltas).  Request-level claims (mounts, blob skipping, one tags/list
request) are read from the registry's own log ("response completed" lines).

Self-check: `HOIST=skopeo python3 -m unittest -v test_registry_interop` passes, skipping only
@hoist_only tests.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.registry import Registry  # noqa: E402
from lib.tools import GLOBAL, HOIST, SKOPEO, VH, VS, WorkDirCase, hoist_only  # noqa: E402,F401
from test_local_interop import canonical_stdout  # noqa: E402

REQUEST_RE = re.compile(r'msg="response completed".*http\.request\.method=(\w+).*http\.request\.uri="?([^" ]+)')
# Go >= 1.20 wraps x509 failures as "tls: failed to verify certificate: x509: …" (Go-version wording)
GO_TLS_WRAP = "tls: failed to verify certificate: "

T = None
FX = {}       # name -> dir: path of a fixture image
BUILT = {}    # name -> images.Image


def setUpModule():
    global T
    os.umask(0o022)
    T = Path(tempfile.mkdtemp(prefix="hoist-reg-interop-"))
    specs = {
        "oci": dict(kind="oci", layers=2, seed=11),
        "docker": dict(kind="docker", layers=2, seed=12),
        "oci-index": dict(kind="oci", layers=2, seed=13, platforms=images.DEFAULT_PLATFORMS),
        "docker-list": dict(kind="docker", layers=2, seed=14, platforms=images.DEFAULT_PLATFORMS),
    }
    for name, spec in specs.items():
        img = images.build_image(**spec)
        BUILT[name] = img
        img.write(T / "fx" / name, "dir")
        FX[name] = T / "fx" / name
    BUILT["oci"].write(T / "fx" / "oci-layout", "oci", ref="v1")
    if os.environ.get("HOIST_KEEP_TMP"):
        print(f"\n[test_registry_interop] temp dir: {T}", file=sys.stderr)


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


def requests(reg):
    """(method, uri) of every request the registry answered so far (whole log, in order)."""
    out = []
    for _, _, path in reg._procs:
        if not os.path.basename(path).startswith("registry"):
            continue
        with open(path, errors="replace") as f:
            for line in f:
                m = REQUEST_RE.search(line)
                if m:
                    out.append((m.group(1), m.group(2)))
    return out


def par(*fns):
    """Run the callables concurrently (each tool run waits mostly on the network); results in order."""
    with concurrent.futures.ThreadPoolExecutor(len(fns)) as pool:
        return tuple(f.result() for f in [pool.submit(fn) for fn in fns])


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def norm(r, version, peer):
    r = util.normalize(r, version, peer_version=peer)
    # Go-version wording of TLS verification failures (not a skopeo difference)
    return util.Result(r.argv, r.rc, r.stdout, r.stderr.replace(GO_TLS_WRAP, ""))


class Base(WorkDirCase):
    MODE = "plain"
    REG_KW = {}

    @classmethod
    def setUpClass(cls):
        cls.reg = Registry(cls.MODE, **cls.REG_KW).start()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def work_root(self):
        return T

    # -- running ---------------------------------------------------------------------------
    def tool(self, binary, *args, cwd=None, env=None, input=None):
        cwd = cwd or self.cwd()
        r = util.run([binary, *args], cwd=cwd, env=env, input=input)
        v, peer = (VS, VH) if binary == SKOPEO else (VH, VS)
        r = norm(r, v, peer)
        return util.Result(r.argv, r.rc, r.stdout.replace(str(cwd), "<cwd>"), r.stderr.replace(str(cwd), "<cwd>"))

    def skopeo(self, *args, **kw):
        return self.tool(SKOPEO, *args, **kw)

    def hoist(self, *args, **kw):
        return self.tool(HOIST, *args, **kw)

    def both(self, *args, **kw):
        return par(lambda: self.skopeo(*args, **kw), lambda: self.hoist(*args, **kw))

    def d(self, ref):
        return f"docker://{self.reg.host}/{ref}"

    def flags(self, prefix=""):
        return self.reg.tls_flags(prefix)

    def raw(self, ref, *auth):
        r = util.run([SKOPEO, "inspect", "--raw", *self.flags(), *auth, self.d(ref)])
        self.assertEqual(r.rc, 0, r.describe())
        return r.stdout.encode("utf-8", "surrogateescape")

    # -- assertions ------------------------------------------------------------------------
    def assert_ok(self, r):
        self.assertEqual(r.rc, 0, "command failed:\n" + r.describe())

    def assert_same(self, rs, rh, stdout=True, stderr=True):
        ctx = f"\n== skopeo (oracle) ==\n{rs.describe()}\n== hoist ==\n{rh.describe()}"
        self.assertEqual(rs.rc, rh.rc, "exit codes differ" + ctx)
        if stdout:
            es, eh = canonical_stdout(rs.stdout), canonical_stdout(rh.stdout)
            if es != eh:
                self.fail("stdout differs:\n" + util.text_diff(es, eh, "stdout") + ctx)
        if stderr and rs.stderr != rh.stderr:
            self.fail("stderr differs:\n" + util.text_diff(rs.stderr, rh.stderr, "stderr") + ctx)

    def assert_same_tree(self, ps, ph):
        ts = util.normalize(util.tree(ps), VS)
        th = util.normalize(util.tree(ph), VH)
        diff = util.tree_diff(ts, th)
        if diff:
            self.fail(f"trees differ (expected = skopeo {ps}, actual = hoist {ph}):\n{diff}")

    def fatal_msg(self, r):
        m = re.search(r'level=fatal msg="((?:[^"\\]|\\.)*)"', r.stderr)
        self.assertIsNotNone(m, "no fatal message:\n" + r.describe())
        return m.group(1)


# ---------------------------------------------------------------------------------------------

class Plain(Base):
    """copy / inspect / list-tags / delete / manifest-digest / --digestfile on an HTTP registry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # what skopeo pushed: the pull sources
        for name in FX:
            util.run([SKOPEO, *GLOBAL, "copy", "--all", *cls.reg.tls_flags("dest-"), f"dir:{FX[name]}",
                      f"docker://{cls.reg.host}/src/{name}:v1"])

    def test_push_dir_and_oci_same_manifest_as_skopeo(self):
        cases = [("dir", f"dir:{FX['oci']}"), ("dir-docker", f"dir:{FX['docker']}"),
                 ("oci", f"oci:{T / 'fx' / 'oci-layout'}:v1")]
        for label, src in cases:
            with self.subTest(src=label):
                rs, rh = par(lambda: self.skopeo(*GLOBAL, "copy", *self.flags("dest-"), src, self.d(f"push-s/{label}:t")),
                             lambda: self.hoist(*GLOBAL, "copy", *self.flags("dest-"), src, self.d(f"push-h/{label}:t")))
                self.assert_ok(rs)
                self.assert_same(rs, rh)
                self.assertEqual(self.raw(f"push-s/{label}:t"), self.raw(f"push-h/{label}:t"),
                                 "manifest hoist pushed differs from skopeo's")
                for d in json.loads(self.raw(f"push-h/{label}:t"))["layers"]:
                    r = util.run(["curl", "-sf", f"{self.reg.url}/v2/push-h/{label}/blobs/{d['digest']}"])
                    self.assertEqual(r.rc, 0, f"blob {d['digest']} not in registry")

    def test_pull_to_dir_and_oci_same_tree_as_skopeo(self):
        for name in FX:
            for layout, dest in (("dir", "dir:out"), ("oci", "oci:out:x")):
                with self.subTest(image=name, dest=layout):
                    cs, ch = self.cwd(), self.cwd()
                    args = [*GLOBAL, "copy", *self.flags("src-"), self.d(f"src/{name}:v1"), dest]
                    rs, rh = par(lambda: self.skopeo(*args, cwd=cs), lambda: self.hoist(*args, cwd=ch))
                    self.assert_ok(rs)
                    self.assert_same(rs, rh)
                    self.assert_same_tree(cs / "out", ch / "out")

    def _uploads(self, reqs, repo):
        """Blob upload traffic to repo: (posts-with-mount, plain posts, patches, put-digests)."""
        mounts, posts, patches, puts = [], 0, 0, []
        for method, uri in reqs:
            if not uri.startswith(f"/v2/{repo}/blobs/uploads/"):
                continue
            if method == "POST":
                m = re.search(r"mount=([^&]+)", uri)
                if m:
                    mounts.append(urllib.request.unquote(m.group(1)))
                else:
                    posts += 1
            elif method == "PATCH":
                patches += 1
            elif method == "PUT":
                m = re.search(r"digest=([^&]+)", uri)
                puts.append(urllib.request.unquote(m.group(1)) if m else None)
        return mounts, posts, patches, puts

    def _registry_to_registry(self, binary, who):
        img = BUILT["oci"]
        layers = [d["digest"] for d in json.loads(img.manifest)["layers"]]
        args = [*GLOBAL, "copy", *self.flags("src-"), *self.flags("dest-")]
        # other repository: layers are mounted from src/oci, never re-uploaded
        before = len(requests(self.reg))
        r = self.tool(binary, *args, self.d("src/oci:v1"), self.d(f"mount-{who}/other:v1"))
        self.assert_ok(r)
        mounts, posts, patches, puts = self._uploads(requests(self.reg)[before:], f"mount-{who}/other")
        for d in layers:
            self.assertIn(d, mounts, f"{who}: layer {d} not mounted (POST …mount=)")
            self.assertNotIn(d, puts, f"{who}: layer {d} uploaded although it exists in src/oci")
        self.assertLessEqual(patches, len([p for p in puts if p not in layers]),
                             f"{who}: PATCH for a mounted blob")
        self.assertEqual(self.raw(f"mount-{who}/other:v1"), img.manifest)
        # same repository, other tag: every blob exists, nothing is uploaded or mounted
        before = len(requests(self.reg))
        r = self.tool(binary, *args, self.d("src/oci:v1"), self.d(f"src/oci:{who}-again"))
        self.assert_ok(r)
        mounts, posts, patches, puts = self._uploads(requests(self.reg)[before:], "src/oci")
        self.assertEqual((mounts, posts, patches, puts), ([], 0, 0, []),
                         f"{who}: blob uploads into the same repository")
        self.assertEqual(self.raw(f"src/oci:{who}-again"), img.manifest)

    def test_registry_to_registry_mounts_blobs(self):
        self._registry_to_registry(SKOPEO, "skopeo")   # the oracle behaves the same way
        self._registry_to_registry(HOIST, "hoist")

    def test_copy_twice_skips_blobs(self):
        for binary, who in ((SKOPEO, "skopeo"), (HOIST, "hoist")):
            with self.subTest(tool=who):
                args = [*GLOBAL, "copy", *self.flags("dest-"), f"dir:{FX['docker']}", self.d(f"twice-{who}/x:v1")]
                self.assert_ok(self.tool(binary, *args))
                before = len(requests(self.reg))
                self.assert_ok(self.tool(binary, *args))
                mounts, posts, patches, puts = self._uploads(requests(self.reg)[before:], f"twice-{who}/x")
                self.assertEqual((mounts, posts, patches, puts), ([], 0, 0, []),
                                 f"{who}: second copy uploaded blobs")

    def test_copy_lists_all_and_multi_arch(self):
        for name in ("oci-index", "docker-list"):
            img = BUILT[name]
            for flags in (["--all"], ["--multi-arch", "all"], ["--multi-arch", "system"]):
                tag = "-".join(f.strip("-") for f in flags)
                with self.subTest(image=name, flags=flags):
                    base = [*GLOBAL, "copy", *self.flags("dest-"), *flags, f"dir:{FX[name]}"]
                    rs, rh = par(lambda: self.skopeo(*base, self.d(f"ma-s/{name}:{tag}")),
                                 lambda: self.hoist(*base, self.d(f"ma-h/{name}:{tag}")))
                    self.assert_ok(rs)
                    self.assert_same(rs, rh)
                    raw_s, raw_h = self.raw(f"ma-s/{name}:{tag}"), self.raw(f"ma-h/{name}:{tag}")
                    self.assertEqual(raw_s, raw_h)
                    if flags != ["--multi-arch", "system"]:
                        self.assertEqual(sha(raw_h), img.digest, "list digest not preserved")
            # index-only: the list alone, into a repository that already has the instances
            with self.subTest(image=name, flags="index-only"):
                base = [*GLOBAL, "copy", *self.flags("dest-"), "--multi-arch", "index-only", f"dir:{FX[name]}"]
                rs, rh = par(lambda: self.skopeo(*base, self.d(f"ma-s/{name}:index-only")),
                             lambda: self.hoist(*base, self.d(f"ma-h/{name}:index-only")))
                self.assert_same(rs, rh)
                if rs.rc == 0:
                    self.assertEqual(sha(self.raw(f"ma-h/{name}:index-only")), img.digest)
            # registry -> registry --all
            with self.subTest(image=name, flags="registry --all"):
                base = [*GLOBAL, "copy", *self.flags("src-"), *self.flags("dest-"), "--all",
                        self.d(f"src/{name}:v1")]
                rs, rh = par(lambda: self.skopeo(*base, self.d(f"rr-s/{name}:v1")),
                             lambda: self.hoist(*base, self.d(f"rr-h/{name}:v1")))
                self.assert_ok(rs)
                self.assert_same(rs, rh)
                self.assertEqual(sha(self.raw(f"rr-h/{name}:v1")), img.digest)

    def test_inspect(self):
        variants = [[], ["--raw"], ["--config"], ["-n"]]
        cases = [(name, v) for name in FX for v in variants] + [("oci-index", ["--config", "--raw"]),
                                                                  ("docker", ["--no-tags", "--config"])]
        for name, v in cases:
            if True:
                with self.subTest(image=name, flags=v):
                    rs, rh = self.both("inspect", *self.flags(), *v, self.d(f"src/{name}:v1"))
                    self.assert_ok(rs)
                    self.assert_same(rs, rh)
        with self.subTest("RepoTags, Name, Digest"):
            out = json.loads(self.hoist("inspect", *self.flags(), self.d("src/oci:v1")).stdout)
            self.assertEqual(out["Name"], f"{self.reg.host}/src/oci")
            self.assertEqual(out["Digest"], BUILT["oci"].digest)
            self.assertIn("v1", out["RepoTags"])
        with self.subTest("missing tag"):
            rs, rh = self.both("inspect", *self.flags(), self.d("src/oci:nope"))
            self.assertEqual(rs.rc, 2, rs.describe())   # §0: 1.9.3 exits 1, normalized to 2
            self.assertEqual(rh.rc, 2, rh.describe())
            self.assertIn("manifest unknown", rh.stderr)

    def test_list_tags(self):
        with self.subTest("small repository"):
            rs, rh = self.both("list-tags", *self.flags(), self.d("src/oci"))
            self.assert_ok(rs)
            self.assert_same(rs, rh)
        # > 100 tags: PUT the same manifest under 120 tags
        man = BUILT["docker"].manifest
        for i in range(120):
            req = urllib.request.Request(f"{self.reg.url}/v2/src/docker/manifests/t{i:03d}", data=man,
                                         method="PUT", headers={"Content-Type": BUILT["docker"].media_type})
            urllib.request.urlopen(req).close()
        rs = self.skopeo("list-tags", *self.flags(), self.d("src/docker"))
        before = len(requests(self.reg))
        rh = self.hoist("list-tags", *self.flags(), self.d("src/docker"))
        after = requests(self.reg)[before:]
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        self.assertEqual(len(json.loads(rh.stdout)["Tags"]), 121)
        tag_reqs = [u for m, u in after if "/tags/list" in u]
        self.assertEqual(tag_reqs, ["/v2/src/docker/tags/list"],
                         "hoist must send exactly one tags/list request (no n=) when there is no Link")
        with self.subTest("unknown repository"):
            rs, rh = self.both("list-tags", *self.flags(), self.d("no/such"))
            self.assertNotEqual(rs.rc, 0)
            # 1.9.3: "invalid status code from registry 404 (Not Found)"; newest passes the body
            # through registryHTTPResponseToError (§6: "<code lowercased>: <message>")
            newest = ('time="<masked>" level=fatal msg="Error listing repository tags: fetching tags list: '
                      'name unknown: repository name not known to registry"\n')
            self.assertEqual(rs.rc, rh.rc, rh.describe())
            self.assertEqual(rh.stdout, "")
            self.assertIn(rh.stderr, (rs.stderr, newest), f"neither 1.9.3's nor newest's text:\n{rs.describe()}\n{rh.describe()}")

    def test_delete(self):
        for who in ("s", "h"):
            self.reg.push_dir(FX["docker"], f"del-{who}/x:v1")
            self.reg.push_dir(FX["docker"], f"del-{who}/x:keep")
        rs, rh = par(lambda: self.skopeo("delete", *self.flags(), self.d("del-s/x:v1")),
                     lambda: self.hoist("delete", *self.flags(), self.d("del-h/x:v1")))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        # deleting the manifest deletes it under every tag: both tags are gone
        for tag in ("v1", "keep"):
            with self.subTest(after_delete=tag):
                rs, rh = par(lambda: self.skopeo("inspect", *self.flags(), self.d(f"del-s/x:{tag}")),
                             lambda: self.hoist("inspect", *self.flags(), self.d(f"del-h/x:{tag}")))
                self.assertEqual(rs.rc, 2, rs.describe())   # §0: exit 2 (1.9.3: 1, normalized)
                self.assertEqual(rh.rc, 2, rh.describe())
                self.assertIn("manifest unknown", self.fatal_msg(rh))
                # the text up to the registry error is the same (newest also drops the duplicated
                # "manifest unknown: " prefix, §3.4, so only the prefix is compared)
                self.assertEqual(self.fatal_msg(rs).split("manifest unknown")[0].replace("del-s", "del-h"),
                                 self.fatal_msg(rh).split("manifest unknown")[0])
        with self.subTest("delete again"):
            rs, rh = par(lambda: self.skopeo("delete", *self.flags(), self.d("del-s/x:v1")),
                         lambda: self.hoist("delete", *self.flags(), self.d("del-h/x:v1")))
            self.assertNotEqual(rs.rc, 0)
            self.assertEqual(rs.rc, rh.rc, rh.describe())
            self.assertEqual(rs.stderr.replace("del-s", "del-h"), rh.stderr)

    def test_manifest_digest(self):
        for name in FX:
            with self.subTest(image=name):
                rs, rh = self.both("manifest-digest", FX[name] / "manifest.json")
                self.assert_ok(rs)
                self.assert_same(rs, rh)
                self.assertEqual(rh.stdout, BUILT[name].digest + "\n")

    def test_digestfile(self):
        for name, flags in (("oci", []), ("oci-index", ["--all"]), ("docker-list", ["--all"])):
            with self.subTest(image=name):
                cs, ch = self.cwd(), self.cwd()
                base = [*GLOBAL, "copy", *flags, "--digestfile", "digest", *self.flags("dest-"), f"dir:{FX[name]}"]
                rs, rh = par(lambda: self.skopeo(*base, self.d(f"df-s/{name}:v1"), cwd=cs),
                             lambda: self.hoist(*base, self.d(f"df-h/{name}:v1"), cwd=ch))
                self.assert_ok(rs)
                self.assert_same(rs, rh)
                self.assertEqual((cs / "digest").read_bytes(), (ch / "digest").read_bytes())
                self.assertEqual((ch / "digest").read_text(), BUILT[name].digest)


class TLS(Base):
    MODE = "tls"

    def test_cert_dir_push_pull(self):
        rs, rh = par(lambda: self.skopeo(*GLOBAL, "copy", *self.flags("dest-"), f"dir:{FX['oci']}", self.d("tls-s/x:v1")),
                     lambda: self.hoist(*GLOBAL, "copy", *self.flags("dest-"), f"dir:{FX['oci']}", self.d("tls-h/x:v1")))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        self.assertEqual(self.raw("tls-h/x:v1"), BUILT["oci"].manifest)
        rs, rh = self.both("inspect", *self.flags(), self.d("tls-s/x:v1"))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        cs, ch = self.cwd(), self.cwd()
        args = [*GLOBAL, "copy", *self.flags("src-"), self.d("tls-s/x:v1"), "dir:out"]
        rs, rh = par(lambda: self.skopeo(*args, cwd=cs), lambda: self.hoist(*args, cwd=ch))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        self.assert_same_tree(cs / "out", ch / "out")

    def test_without_cert_dir_x509_error(self):
        self.reg.push_dir(FX["oci"], "tls/x:v1")
        for args in (["inspect", self.d("tls/x:v1")], ["list-tags", self.d("tls/x")],
                     [*GLOBAL, "copy", self.d("tls/x:v1"), "dir:out"]):
            with self.subTest(args=args[0] if args[0] != GLOBAL[0] else "copy"):
                rs, rh = self.both(*args)
                self.assertEqual(rs.rc, 1, rs.describe())
                self.assertIn("x509: certificate signed by unknown authority", rs.stderr)
                self.assert_same(rs, rh)


class Htpasswd(Base):
    MODE = "htpasswd"

    def test_creds(self):
        creds = "--dest-creds=" + self.reg.creds("alice")
        rs, rh = par(lambda: self.skopeo(*GLOBAL, "copy", *self.flags("dest-"), creds, f"dir:{FX['docker']}", self.d("ht-s/x:v1")),
                     lambda: self.hoist(*GLOBAL, "copy", *self.flags("dest-"), creds, f"dir:{FX['docker']}", self.d("ht-h/x:v1")))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        auth = ["--creds=" + self.reg.creds("alice")]
        self.assertEqual(self.raw("ht-h/x:v1", *auth), BUILT["docker"].manifest)
        for args in (["inspect", *auth, self.d("ht-s/x:v1")], ["list-tags", *auth, self.d("ht-s/x")],
                     ["inspect", "--username", "alice", "--password", "alicepw", self.d("ht-s/x:v1")]):
            with self.subTest(args=args[:2]):
                rs, rh = self.both(*self.flags(), *args)
                self.assert_ok(rs)
                self.assert_same(rs, rh)
        with self.subTest("no credentials"):
            rs, rh = self.both("inspect", *self.flags(), self.d("ht-s/x:v1"))
            self.assertNotEqual(rs.rc, 0)
            self.assert_same(rs, rh)
        with self.subTest("wrong password"):
            rs, rh = self.both("inspect", *self.flags(), "--creds=alice:wrong", self.d("ht-s/x:v1"))
            self.assertNotEqual(rs.rc, 0)
            self.assert_same(rs, rh)

    def test_auth_json_from_login(self):
        self.reg.push_dir(FX["oci"], "ht-login/x:v1", user="alice")
        for login_tool in (SKOPEO, HOIST):
            with self.subTest(login_by=login_tool):
                authfile = self.cwd() / "auth.json"
                r = self.tool(login_tool, "login", *self.flags(), "--authfile", authfile,
                              "-u", "alice", "-p", "alicepw", self.reg.host)
                self.assert_ok(r)
                rs, rh = self.both("inspect", *self.flags(), "--authfile", authfile, self.d("ht-login/x:v1"))
                self.assert_ok(rs)
                self.assert_same(rs, rh)
                env = {"REGISTRY_AUTH_FILE": str(authfile)}
                rs, rh = par(lambda: self.skopeo(*GLOBAL, "copy", *self.flags("dest-"), f"dir:{FX['oci']}", self.d("ht-af/s:v1"), env=env),
                             lambda: self.hoist(*GLOBAL, "copy", *self.flags("dest-"), f"dir:{FX['oci']}", self.d("ht-af/h:v1"), env=env))
                self.assert_ok(rs)
                self.assert_same(rs, rh)


class Token(Base):
    MODE = "token"

    def test_alice_push_pull(self):
        c = self.reg.creds("alice")
        rs, rh = par(lambda: self.skopeo(*GLOBAL, "copy", *self.flags("dest-"), "--dest-creds", c, f"dir:{FX['oci']}", self.d("tok-s/x:v1")),
                     lambda: self.hoist(*GLOBAL, "copy", *self.flags("dest-"), "--dest-creds", c, f"dir:{FX['oci']}", self.d("tok-h/x:v1")))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        self.assertEqual(self.raw("tok-h/x:v1", "--creds", c), BUILT["oci"].manifest)
        for user in ("alice", "reader"):
            with self.subTest(pull_as=user):
                cs, ch = self.cwd(), self.cwd()
                args = [*GLOBAL, "copy", *self.flags("src-"), "--src-creds", self.reg.creds(user),
                        self.d("tok-s/x:v1"), "dir:out"]
                rs, rh = par(lambda: self.skopeo(*args, cwd=cs), lambda: self.hoist(*args, cwd=ch))
                self.assert_ok(rs)
                self.assert_same(rs, rh)
                self.assert_same_tree(cs / "out", ch / "out")
                rs, rh = self.both("inspect", *self.flags(), "--creds", self.reg.creds(user), self.d("tok-s/x:v1"))
                self.assert_ok(rs)
                self.assert_same(rs, rh)
        # registry -> registry in the token registry: mount needs a second (pull) scope
        rs = self.skopeo(*GLOBAL, "copy", *self.flags("src-"), *self.flags("dest-"), "--src-creds", c,
                         "--dest-creds", c, self.d("tok-s/x:v1"), self.d("tok-s2/x:v1"))
        rh = self.hoist(*GLOBAL, "copy", *self.flags("src-"), *self.flags("dest-"), "--src-creds", c,
                        "--dest-creds", c, self.d("tok-s/x:v1"), self.d("tok-h2/x:v1"))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        self.assertEqual(self.raw("tok-h2/x:v1", "--creds", c), BUILT["oci"].manifest)

    def test_reader_denied_push_and_delete(self):
        self.reg.push_dir(FX["docker"], "deny/x:v1", user="alice")
        rc = self.reg.creds("reader")
        rs, rh = par(lambda: self.skopeo(*GLOBAL, "copy", *self.flags("dest-"), "--dest-creds", rc, f"dir:{FX['oci']}", self.d("deny/x:v2")),
                     lambda: self.hoist(*GLOBAL, "copy", *self.flags("dest-"), "--dest-creds", rc, f"dir:{FX['oci']}", self.d("deny/x:v2")))
        self.assertEqual(rs.rc, 1, rs.describe())
        self.assertEqual(rh.rc, 1, rh.describe())
        ms, mh = self.fatal_msg(rs), self.fatal_msg(rh)
        # 1.9.3 lists every error of the body ("errors:\ndenied: …\nunauthorized: …"), newest
        # only the first (§6): compare the context prefix and the first error
        self.assertEqual(ms.split(": errors:")[0], mh.split(": denied")[0].split(": errors:")[0], mh)
        self.assertIn("denied: requested access to the resource is denied", mh)
        self.assertNotEqual(util.run([SKOPEO, "inspect", *self.flags(), "--creds", self.reg.creds("alice"),
                                      self.d("deny/x:v2")]).rc, 0, "reader managed to push")
        rs, rh = self.both("delete", *self.flags(), "--creds", rc, self.d("deny/x:v1"))
        self.assertEqual(rs.rc, 1, rs.describe())
        self.assertEqual(rh.rc, 1, rh.describe())
        # 1.9.3: "Failed to delete <path>: <body> (401 Unauthorized)"; newest (deleteImage):
        # "deleting <ref>: " + the first error, which the Bearer challenge's
        # error=insufficient_scope makes DENIED (registryHTTPResponseToError, §6 "Errors")
        self.assertIn("authentication required", self.fatal_msg(rs))
        self.assertEqual(self.fatal_msg(rh), f"deleting {self.reg.host}/deny/x:v1: "
                         "denied: requested access to the resource is denied")
        self.assertEqual(self.raw("deny/x:v1", "--creds", self.reg.creds("alice")), BUILT["docker"].manifest,
                         "reader managed to delete")

    def test_anonymous_refused(self):
        self.reg.push_dir(FX["docker"], "anon/x:v1", user="alice")
        f, fs, fd = self.flags(), self.flags("src-"), self.flags("dest-")
        for args in (["inspect", *f, self.d("anon/x:v1")], ["list-tags", *f, self.d("anon/x")],
                     [*GLOBAL, "copy", *fs, self.d("anon/x:v1"), "dir:out"],
                     [*GLOBAL, "copy", *fd, f"dir:{FX['oci']}", self.d("anon/x:v2")],
                     ["inspect", *f, "--creds", "alice:wrong", self.d("anon/x:v1")]):
            with self.subTest(args=args):
                rs, rh = self.both(*args)
                self.assertEqual(rs.rc, 1, rs.describe())
                self.assert_same(rs, rh)

    def test_delete_as_alice(self):
        c = self.reg.creds("alice")
        self.reg.push_dir(FX["oci"], "tdel-s/x:v1", user="alice")
        self.reg.push_dir(FX["oci"], "tdel-h/x:v1", user="alice")
        rs, rh = par(lambda: self.skopeo("delete", *self.flags(), "--creds", c, self.d("tdel-s/x:v1")),
                     lambda: self.hoist("delete", *self.flags(), "--creds", c, self.d("tdel-h/x:v1")))
        self.assert_ok(rs)
        self.assert_same(rs, rh)
        rh = self.hoist("inspect", *self.flags(), "--creds", c, self.d("tdel-h/x:v1"))
        self.assertEqual(rh.rc, 2, rh.describe())
        self.assertIn("manifest unknown", rh.stderr)


if __name__ == "__main__":
    unittest.main()
