"""`hoist sync` against real docker-registry processes, with skopeo as the oracle.

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_sync

Naming (the tree of destination directories, the from/to log fields) is compared with what the
real `skopeo sync` does on the same input; behaviour beyond skopeo (in-place dir updates, the
HEAD-only no-op, --dest/--src oci, the dry-run plan, crash safety) is checked directly, the no-op
claim by counting the requests docker-registry logs ("response completed" lines).
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.faultproxy import FaultProxy  # noqa: E402
from lib.registry import Registry  # noqa: E402
from lib.tools import GLOBAL, HOIST, HOIST_IS_SKOPEO, SKOPEO  # noqa: E402,F401

REQUEST_RE = re.compile(r'msg="response completed".*http\.request\.method=(\w+).*http\.request\.uri="?([^" ]+)')


def run(binary, *args, timeout=300):
    return util.run([binary, *GLOBAL, *args], timeout=timeout)


def requests(reg):
    """(method, uri) of every request the registry has answered so far."""
    out = []
    for _, _, path in reg._procs:
        with open(path, errors="replace") as f:
            for line in f:
                m = REQUEST_RE.search(line)
                if m:
                    out.append((m.group(1), m.group(2)))
    return out


def image_dirs(root):
    """Relative paths of every directory holding a manifest.json."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if "manifest.json" in filenames:
            found.append(os.path.relpath(dirpath, root))
            dirnames[:] = []
    return sorted(found)


def stat_snapshot(root):
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            snap[os.path.relpath(p, root)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return snap


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def verify_dir_image(testcase, path):
    """Every blob the manifest(s) of a dir: image name exists and has its digest."""
    with open(os.path.join(path, "manifest.json"), "rb") as f:
        manifest = json.loads(f.read())
    todo = [manifest]
    if "manifests" in manifest:
        todo = [json.loads(open(os.path.join(path, m["digest"].split(":")[1] + ".manifest.json"), "rb").read())
                for m in manifest["manifests"]]
    for m in todo:
        for d in [m["config"]] + m["layers"]:
            blob = os.path.join(path, d["digest"].split(":")[1])
            testcase.assertTrue(os.path.exists(blob), blob)
            testcase.assertEqual(sha256_file(blob), d["digest"], blob)


def log_pairs(stderr):
    """(from, to) of every "Copying image ref" line."""
    pairs = []
    for line in stderr.splitlines():
        if "image ref" in line:
            f = re.search(r'from="?([^" ]+)', line)
            t = re.search(r'to="?([^" ]+)', line)
            pairs.append((f.group(1), t.group(1)))
    return sorted(pairs)


def manifest_digest(reg, ref):
    r = util.run([SKOPEO, "inspect", "--raw", *reg.tls_flags(), "docker://%s/%s" % (reg.host, ref)])
    assert r.rc == 0, r.describe()
    return "sha256:" + hashlib.sha256(r.stdout.encode("utf-8", "surrogateescape")).hexdigest()


def tags(reg, repo):
    r = util.run([SKOPEO, "list-tags", *reg.tls_flags(), "docker://%s/%s" % (reg.host, repo)])
    assert r.rc == 0, r.describe()
    return sorted(json.loads(r.stdout)["Tags"])


class SyncCase(unittest.TestCase):
    REPOS = {"ns/app01": ["v1", "v2"], "ns/app02": ["v1"], "tools/x": ["1.0.0", "1.2.0", "2.0.0-rc1", "latest"]}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hoist-sync-")
        cls.reg = Registry("plain").start()
        cls.digests = {}
        cls.kinds = {}
        seed = 0
        for repo, repo_tags in cls.REPOS.items():
            for tag in repo_tags:
                seed += 1
                path = os.path.join(cls.tmp, "fixtures", "%d" % seed)
                # Shared first layer between images: the blob gate and mounts get exercised.
                kind = "docker" if seed % 2 else "oci"
                images.make_image(path, kind=kind, layers=2, seed=seed)
                cls.reg.push_dir(path, "%s:%s" % (repo, tag))
                cls.digests["%s:%s" % (repo, tag)] = manifest_digest(cls.reg, "%s:%s" % (repo, tag))
                cls.kinds["%s:%s" % (repo, tag)] = kind

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="case-", dir=self.tmp)

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def same_image_source(self, refs, layers, seed, size):
        """A source registry of its own (stopped at clean-up) holding one image under every ref."""
        src = Registry("plain").start()
        self.addCleanup(src.stop)
        path = self.path("same")
        images.make_image(path, kind="docker", layers=layers, seed=seed, size=size)
        for ref in refs:
            src.push_dir(path, ref)
        return src, path

    def yaml_for(self, src, repos, name):
        """A sync YAML that takes every tag of `repos` from `src` (plain HTTP)."""
        yaml_path = self.path(name)
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n  images:\n" % src.host)
            for repo in repos:
                f.write("    %s: []\n" % repo)
        return yaml_path

    def ok(self, r):
        self.assertEqual(r.rc, 0, r.describe())
        return r

    def sync(self, *args, binary=None, timeout=300):
        return run(binary or HOIST, "sync", *args, timeout=timeout)

    def src_flags(self):
        return self.reg.tls_flags("src-")

    # ---- naming identical to skopeo ---------------------------------------------------
    def _compare_with_skopeo(self, *extra, source="ns/app01"):
        a, b = self.path("skopeo"), self.path("hoist")
        args = ["--src", "docker", "--dest", "dir", *self.src_flags(), *extra, "%s/%s" % (self.reg.host, source)]
        rs = self.ok(self.sync(*args, a, binary=SKOPEO))
        rh = self.ok(self.sync(*args, b))
        self.assertEqual(image_dirs(a), image_dirs(b))
        self.assertTrue(image_dirs(b))
        self.assertEqual(log_pairs(rs.stderr), sorted((f, t.replace(b, a)) for f, t in log_pairs(rh.stderr)))
        for d in image_dirs(a):
            self.assertEqual(util.tree(os.path.join(a, d)), util.tree(os.path.join(b, d)), d)
        if source == "ns/app01":
            self.assertIn("Synced 2 images from 1 sources", rh.stderr)
        return a, b

    def test_naming_unscoped_matches_skopeo(self):
        self._compare_with_skopeo()

    def test_naming_scoped_matches_skopeo(self):
        a, b = self._compare_with_skopeo("--scoped")
        self.assertIn(os.path.join(self.reg.host, "ns", "app01:v1"), image_dirs(b))

    def test_naming_single_tag_matches_skopeo(self):
        self._compare_with_skopeo("--scoped", source="ns/app02:v1")

    def test_append_suffix(self):
        # skopeo 1.9.3 predates --append-suffix (1.11): checked against sync.go's rule instead.
        out = self.path("out")
        self.ok(self.sync("--src", "docker", "--dest", "dir", "--scoped", "--append-suffix", "-mirror",
                          *self.src_flags(), "%s/ns/app02:v1" % self.reg.host, out))
        self.assertEqual(image_dirs(out), [os.path.join(self.reg.host, "ns", "app02:v1-mirror")])

    def test_skopeo_reads_what_hoist_wrote(self):
        out = self.path("out")
        self.ok(self.sync("--src", "docker", "--dest", "dir", *self.src_flags(), "%s/ns/app01" % self.reg.host, out))
        r = util.run([SKOPEO, "inspect", "dir:" + os.path.join(out, "app01:v1")])
        self.assertEqual(r.rc, 0, r.describe())
        verify_dir_image(self, os.path.join(out, "app01:v1"))

    # ---- incremental dir mirrors -------------------------------------------------------
    def test_second_run_into_the_same_dir_changes_nothing(self):
        out = self.path("out")
        args = ["--src", "docker", "--dest", "dir", "--scoped", *self.src_flags(), "%s/ns/app01" % self.reg.host, out]
        self.ok(self.sync(*args))
        before = stat_snapshot(out)
        r = self.ok(self.sync(*args))
        self.assertEqual(stat_snapshot(out), before)
        self.assertEqual(r.stdout.count("Skipping: image already present at destination"), 2, r.stdout)
        self.assertNotIn("Refusing to overwrite", r.stderr)

    def test_changed_tag_is_replaced_and_new_tag_added(self):
        out = self.path("out")
        yaml_path = self.path("s.yml")
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n  images:\n    ns/app01: [v1]\n" % self.reg.host)
        self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))
        # Simulate the tag moving: the mirror holds another image under app01:v1.
        stale = os.path.join(out, "app01:v1")
        shutil.rmtree(stale)
        images.make_image(stale, kind="docker", layers=1, seed=999)
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n  images:\n    ns/app01: [v1, v2]\n" % self.reg.host)
        r = self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))
        self.assertEqual(image_dirs(out), ["app01:v1", "app01:v2"])
        for d in image_dirs(out):
            verify_dir_image(self, os.path.join(out, d))
        got = "sha256:" + hashlib.sha256(open(os.path.join(stale, "manifest.json"), "rb").read()).hexdigest()
        self.assertEqual(got, self.digests["ns/app01:v1"])
        self.assertEqual(len(os.listdir(stale)), 5, os.listdir(stale))  # manifest, version, config, 2 layers
        self.assertIn("copied=2", r.stderr)

    def test_kill_then_rerun_completes(self):
        """SIGKILL while the last image's last layer is half-transferred (the source sits behind a
        FaultProxy that stalls that one GET), then re-run: everything completes and verifies, no
        half image ever looks complete, and (hoist) nothing the killed run finished is fetched or
        written again."""
        n_images = 6
        src = Registry("plain").start()
        self.addCleanup(src.stop)
        manifests = {}
        for i in range(n_images):
            path = self.path("big", str(i))
            images.make_image(path, kind="docker", layers=3, seed=100 + i, size=256 << 10)
            src.push_dir(path, "big/app:t%d" % i)
            with open(os.path.join(path, "manifest.json"), "rb") as f:
                manifests[i] = json.loads(f.read())
        digests = {i: manifest_digest(src, "big/app:t%d" % i) for i in range(n_images)}
        # The victim is the tag listed last: skopeo 1.9.3 (sequential, no --jobs) copies tags in
        # the registry's list order (directory order, not sorted), so it is its last image too.
        listed = util.run([SKOPEO, "list-tags", *src.tls_flags(), "docker://%s/big/app" % src.host])
        self.assertEqual(listed.rc, 0, listed.describe())
        victim = int(json.loads(listed.stdout)["Tags"][-1][1:])
        victim_layers = [d["digest"] for d in manifests[victim]["layers"]]
        done_layers, stalled_layer = victim_layers[:-1], victim_layers[-1]
        stalled_size = manifests[victim]["layers"][-1]["size"]
        proxy = FaultProxy(src.url).__enter__()
        self.addCleanup(proxy.__exit__, None, None, None)
        stall = proxy.stall(r"/v2/big/app/blobs/%s$" % stalled_layer, after_bytes=stalled_size // 2)

        out = self.path("out")
        jobs = [] if HOIST_IS_SKOPEO else ["--jobs", "3"]
        args = [HOIST, *GLOBAL, "sync", "--src", "docker", "--dest", "dir", *jobs, "--src-tls-verify=false",
                "%s/big/app" % proxy.host, out]
        others = ["app:t%d" % i for i in range(n_images) if i != victim]
        vdir = os.path.join(out, "app:t%d" % victim)

        def blob_file(d, digest):
            return os.path.join(out, d, digest.split(":")[1])

        def killable():
            """The state to kill in: every other image committed, the victim's other layers
            fully written, its last layer half sent and hanging."""
            if not stall.reached.is_set() or image_dirs(out) != others:
                return False
            sizes = {d["digest"]: d["size"] for d in manifests[victim]["layers"]}
            return all(os.path.isfile(blob_file(vdir, d)) and os.path.getsize(blob_file(vdir, d)) == sizes[d]
                       for d in done_layers)

        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while not killable() and time.time() < deadline and p.poll() is None:
            time.sleep(0.02)
        still_running = p.poll() is None
        if still_running:
            p.send_signal(signal.SIGKILL)
        _, err = p.communicate()
        self.assertTrue(still_running, "sync ended (exit %s) before it could be killed:\n%s" % (p.returncode, err.decode()))
        self.assertEqual(p.returncode, -signal.SIGKILL)
        self.assertTrue(killable(), "not in the expected state when killed: dirs %s, stall reached %s, requests %s"
                        % (image_dirs(out), stall.reached.is_set(), proxy.requests))
        stall.release()
        proxy.clear()

        # At the moment of the kill: some but not all images, the victim half-written and not an image.
        at_kill = image_dirs(out)
        self.assertEqual(at_kill, others)
        self.assertNotIn("manifest.json", os.listdir(vdir))
        self.assertFalse(os.path.exists(blob_file(vdir, stalled_layer)), "a half blob has its final name")
        partial = [n for n in os.listdir(vdir) if n.startswith("dir-put-blob")]
        self.assertTrue(partial, os.listdir(vdir))  # the half-written layer, under a temporary name
        for n in partial:
            self.assertLess(os.path.getsize(os.path.join(vdir, n)), stalled_size, n)
        for d in at_kill:
            verify_dir_image(self, os.path.join(out, d))
        before = stat_snapshot(out)
        n_requests = len(proxy.requests)
        if HOIST_IS_SKOPEO:
            self.skipTest("skopeo sync refuses to re-run into existing image directories")

        r = util.run(args)
        self.assertEqual(r.rc, 0, r.describe())
        self.assertEqual(image_dirs(out), ["app:t%d" % i for i in range(n_images)])
        for i in range(n_images):
            d = os.path.join(out, "app:t%d" % i)
            verify_dir_image(self, d)
            self.assertEqual(sha256_file(os.path.join(d, "manifest.json")), digests[i], d)
            leftovers = [n for n in os.listdir(d) if n.startswith("dir-put-blob")]
            self.assertEqual(leftovers, [], d)
            os.makedirs(self.path("check"), exist_ok=True)
            check = util.run([SKOPEO, *GLOBAL, "copy", "dir:" + d, "dir:" + self.path("check", str(i))])
            self.assertEqual(check.rc, 0, check.describe())
        # The re-run fetched no blob the killed run had finished: only the stalled layer and the
        # victim's config (read to build the image) are downloaded again.
        blob_gets = sorted(u for m, u, _, _ in proxy.requests[n_requests:] if m == "GET" and "/blobs/" in u)
        config = manifests[victim]["config"]["digest"]
        self.assertIn("/v2/big/app/blobs/" + stalled_layer, blob_gets)
        self.assertLessEqual(set(blob_gets), {"/v2/big/app/blobs/" + x for x in (stalled_layer, config)}, blob_gets)
        # ... and left what it had written untouched (same inode, mtime and size).
        after = stat_snapshot(out)
        kept = [os.path.join(d, n) for d in others for n in os.listdir(os.path.join(out, d))]
        kept += [os.path.join("app:t%d" % victim, x.split(":")[1]) for x in done_layers]
        for rel in kept:
            self.assertEqual(after.get(rel), before.get(rel), rel)
        self.assertEqual(r.stdout.count("Skipping: image already present at destination"), n_images - 1, r.stdout)

    # ---- registry destination: the cheap no-op ---------------------------------------
    def test_noop_rerun_sends_only_heads(self):
        with Registry("plain") as dest:
            args = ["--src", "docker", "--dest", "docker", *self.src_flags(), *dest.tls_flags("dest-"),
                    "%s/ns/app01" % self.reg.host, dest.host + "/mirror"]
            self.ok(self.sync(*args))
            self.assertEqual(tags(dest, "mirror/app01"), ["v1", "v2"])
            n = len(requests(dest))
            r = self.ok(self.sync(*args))
            time.sleep(0.3)  # the registry's log line follows its response
            new = requests(dest)[n:]
            self.assertTrue(new)
            manifest_gets = [x for x in new if x[0] == "GET" and "/manifests/" in x[1]]
            writes = [x for x in new if x[0] in ("POST", "PUT", "PATCH", "DELETE")]
            self.assertEqual(manifest_gets, [], new)
            self.assertEqual(writes, [], new)
            self.assertEqual([x for x in new if x[0] == "HEAD" and "/manifests/" in x[1]].__len__(), 2, new)
            self.assertIn("skipped=2", r.stderr)

    def test_parallel_copy_sends_each_blob_once(self):
        src, _ = self.same_image_source(["shared/r%d:v1" % i for i in range(4)], layers=3, seed=7, size=1 << 20)
        with Registry("plain") as dest:
            yaml_path = self.yaml_for(src, ["shared/r%d" % i for i in range(4)], "p.yml")
            self.ok(self.sync("--src", "yaml", "--dest", "docker", "--jobs", "4",
                              *dest.tls_flags("dest-"), yaml_path, dest.host))
            puts = [u for m, u in requests(dest) if m == "PUT" and "/blobs/uploads/" in u]
            digests = [re.search(r"digest=([^&]+)", u).group(1) for u in puts]
            self.assertEqual(len(digests), len(set(digests)), digests)  # no blob uploaded twice
            for i in range(4):
                self.assertEqual(manifest_digest(dest, "r%d:v1" % i),
                                 manifest_digest(src, "shared/r%d:v1" % i))
            log = requests(dest)
            blobs = len(digests)
            self.assertEqual(blobs, 4, digests)  # 3 layers and the config, each uploaded once
            for i in range(4):  # no blob asked for twice in one repository
                heads = [u for m, u in log if m == "HEAD" and u.startswith("/v2/r%d/blobs/" % i)]
                self.assertEqual(len(heads), len(set(heads)), heads)
            # the other three repositories mount every blob, without first asking where it is
            mounts = [u for m, u in log if m == "POST" and "mount=" in u]
            self.assertEqual(len(mounts), 3 * blobs, log)
            self.assertEqual([u for m, u in log if m == "HEAD" and "/blobs/" in u and not
                              any(u.startswith("/v2/r%d/" % i) for i in range(4))], [])

    def test_refused_mounts_fall_back_to_uploads(self):
        """A registry may refuse a cross-repository mount (no pull access to the other
        repository, or no mount support): the blobs the sync already put elsewhere are then
        uploaded into each repository, and the sync still succeeds."""
        src, _ = self.same_image_source(["shared/m%d:v1" % i for i in range(3)], layers=2, seed=8, size=64 << 10)
        yaml_path = self.yaml_for(src, ["shared/m%d" % i for i in range(3)], "m.yml")
        denied = b'{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'
        with Registry("plain") as dest, FaultProxy(dest.url) as proxy:
            proxy.status(403, r"[?&]mount=", method="POST", count=None, body=denied)
            self.ok(self.sync("--src", "yaml", "--dest", "docker", "--dest-tls-verify=false",
                              yaml_path, proxy.host))
            for i in range(3):
                self.assertEqual(manifest_digest(dest, "m%d:v1" % i), manifest_digest(src, "shared/m%d:v1" % i))
            mounts = [(p, st) for m, p, st, _ in proxy.requests if m == "POST" and "mount=" in p]
            self.assertTrue(mounts, proxy.requests)
            self.assertEqual({st for _, st in mounts}, {403})
            puts = [p for m, p, st, _ in proxy.requests if m == "PUT" and "/blobs/uploads/" in p and st == 201]
            per_repo = {}
            for p in puts:
                repo = p.split("/")[2]
                per_repo.setdefault(repo, []).append(re.search(r"digest=([^&]+)", p).group(1))
            self.assertEqual(sorted(per_repo), ["m0", "m1", "m2"], puts)
            for repo, digests in per_repo.items():  # 2 layers and the config, each once
                self.assertEqual(len(digests), 3, (repo, digests))
                self.assertEqual(len(set(digests)), 3, (repo, digests))

    def test_dir_sync_downloads_each_blob_once(self):
        """skopeo downloads a layer again for every image directory that holds it
        (containers/skopeo#2349); hoist downloads each blob once per sync and hard-links it into
        the other directories, which stay complete, independent dir: images."""
        src, path = self.same_image_source(["share/a:v1", "share/a:v2", "share/b:v1"], layers=3, seed=9, size=64 << 10)
        yaml_path = self.yaml_for(src, ["share/a", "share/b"], "s.yml")
        before = len(requests(src))
        out = self.path("out")
        self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))
        time.sleep(0.3)  # the registry's log line follows its response
        gets = [u.rsplit("/", 1)[1] for m, u in requests(src)[before:] if m == "GET" and "/blobs/" in u]
        with open(os.path.join(path, "manifest.json")) as f:
            manifest = json.load(f)
        layers = [d["digest"] for d in manifest["layers"]]
        self.assertEqual(sorted(d for d in gets if d in layers), sorted(layers), gets)  # each layer once
        # the config is read by each image's copy (as skopeo's), to parse it
        self.assertEqual(len(gets), len(layers) + 3, gets)
        dirs = image_dirs(out)
        self.assertEqual(dirs, ["a:v1", "a:v2", "b:v1"])
        names = sorted(n for n in os.listdir(os.path.join(out, dirs[0])) if len(n) == 64)
        self.assertEqual(len(names), 4, names)
        for n in names:
            inodes = {os.stat(os.path.join(out, d, n)).st_ino for d in dirs}
            self.assertEqual(len(inodes), 1, (n, inodes))
        for d in dirs:
            verify_dir_image(self, os.path.join(out, d))
            r = util.run([SKOPEO, "copy", "dir:" + os.path.join(out, d), "dir:" + self.path("back-" + d)])
            self.assertEqual(r.rc, 0, r.describe())
        # a re-run replaces nothing, and deleting one directory leaves the others whole
        snap = stat_snapshot(out)
        self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))
        self.assertEqual(stat_snapshot(out), snap)
        shutil.rmtree(os.path.join(out, "a:v1"))
        for d in dirs[1:]:
            verify_dir_image(self, os.path.join(out, d))

    # ---- round trips ------------------------------------------------------------------
    def _check_mirror(self, dest, prefix=""):
        for ref, digest in self.digests.items():
            repo, tag = ref.split(":")
            self.assertIn(tag, tags(dest, prefix + repo))
            self.assertEqual(manifest_digest(dest, prefix + ref), digest, ref)

    def _yaml_all(self):
        yaml_path = self.path("all.yml")
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n  images:\n" % self.reg.host)
            for repo in self.REPOS:
                f.write("    %s: []\n" % repo)
        return yaml_path

    def test_round_trip_through_dir(self):
        out = self.path("airgap")
        self.ok(self.sync("--src", "yaml", "--dest", "dir", "--scoped", self._yaml_all(), out))
        with Registry("plain") as dest:
            self.ok(self.sync("--src", "dir", "--dest", "docker", "--scoped", *dest.tls_flags("dest-"),
                              os.path.join(out, self.reg.host), dest.host))
            self._check_mirror(dest)

    def test_round_trip_through_oci(self):
        layout = self.path("layout")
        self.ok(self.sync("--src", "yaml", "--dest", "oci", "--scoped", self._yaml_all(), layout))
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        refs = sorted(m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"])
        self.assertEqual(refs, sorted("%s/%s" % (self.reg.host, r) for r in self.digests))
        r = util.run([SKOPEO, "inspect", "oci:%s:%s/ns/app01:v1" % (layout, self.reg.host)])
        self.assertEqual(r.rc, 0, r.describe())
        with Registry("plain") as dest:
            self.ok(self.sync("--src", "oci", "--dest", "docker", "--scoped", "--preserve-digests",
                              *dest.tls_flags("dest-"), "%s:%s" % (layout, self.reg.host), dest.host))
            for ref, digest in self.digests.items():
                repo, tag = ref.split(":")
                self.assertIn(tag, tags(dest, repo))
                # Docker images are OCI in the layout, but their original manifests ride along
                self.assertEqual(manifest_digest(dest, ref), digest, (ref, self.kinds[ref]))
        for ref in self.digests:  # and every image of the layout is still plain OCI to skopeo
            r = util.run([SKOPEO, "inspect", "--raw", "oci:%s:%s/%s" % (layout, self.reg.host, ref)])
            self.assertEqual(r.rc, 0, r.describe())
            self.assertIn('"application/vnd.oci.image.', r.stdout)

    def test_dest_oci_shares_blobs_and_uses_dir_names(self):
        layout = self.path("layout")
        r = self.ok(self.sync("--src", "docker", "--dest", "oci", *self.src_flags(),
                              "%s/ns/app01" % self.reg.host, layout))
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        refs = sorted(m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"])
        self.assertEqual(refs, ["app01:v1", "app01:v2"])
        before = stat_snapshot(layout)
        r = self.ok(self.sync("--src", "docker", "--dest", "oci", *self.src_flags(),
                              "%s/ns/app01" % self.reg.host, layout))
        self.assertEqual(stat_snapshot(layout), before)
        self.assertIn("skipped=2", r.stderr)

    # ---- dry run, keep-going, YAML keys ------------------------------------------------
    def test_dry_run_touches_nothing_and_checks_tags(self):
        out = self.path("never")
        yaml_path = self.path("d.yml")
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n  images:\n    ns/app01: [v1, nosuchtag]\n" % self.reg.host)
        r = self.sync("--src", "yaml", "--dest", "dir", "--dry-run", yaml_path, out)
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertFalse(os.path.exists(out))
        self.assertIn("Running in dry-run mode", r.stderr)
        self.assertIn("Would have copied image ref 1/2", r.stderr)
        self.assertRegex(r.stdout, r"app01:v1 -> dir:.*app01:v1: \S+/\S+, 3 blobs, \d+ bytes to transfer, 0 bytes")
        self.assertIn("nosuchtag", r.stderr)

    def test_keep_going_syncs_the_rest(self):
        out = self.path("out")
        yaml_path = self.path("k.yml")
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n  images:\n    ns/app01: [nosuchtag, v1]\n    ns/app02: [v1]\n"
                    % self.reg.host)
        r = self.sync("--src", "yaml", "--dest", "dir", "--keep-going", yaml_path, out)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertEqual(image_dirs(out), ["app01:v1", "app02:v1"])
        self.assertIn('Error copying ref \\"docker://%s/ns/app01:nosuchtag\\"' % self.reg.host, r.stderr)
        self.assertIn("Sync failed due to previous reported error(s) for one or more images", r.stderr)
        r = self.sync("--src", "yaml", "--dest", "dir", yaml_path, self.path("out2"))
        self.assertNotEqual(r.rc, 0)
        self.assertIn("Error copying ref", r.stderr)

    def test_yaml_regex_semver_and_digests(self):
        out = self.path("out")
        yaml_path = self.path("y.yml")
        with open(yaml_path, "w") as f:
            f.write("%s:\n  tls-verify: false\n"
                    "  images:\n    ns/app02:\n      - \"%s\"\n"
                    "  images-by-tag-regex:\n    ns/app01: 'v[2-9]'\n"
                    "  images-by-semver:\n    tools/x: '>= 1.1'\n"
                    % (self.reg.host, self.digests["ns/app02:v1"]))
        r = self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))
        self.assertEqual(image_dirs(out), sorted(["app02@" + self.digests["ns/app02:v1"], "app01:v2", "x:1.2.0"]))
        # skopeo 1.9.3 predates images-by-semver (1.15) and ignores the key: compare the rest.
        self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, self.path("sk"), binary=SKOPEO))
        self.assertEqual(image_dirs(self.path("sk")) + ["x:1.2.0"], image_dirs(out))
        self.assertIn("copied=3", r.stderr)

    def test_yaml_credentials_and_tls(self):
        with Registry("htpasswd", tls=True) as sec:
            path = self.path("img")
            images.make_image(path, kind="oci", layers=1, seed=55)
            user = next(iter(sec.users))
            sec.push_dir(path, "priv/app:v1", user=user)
            yaml_path = self.path("c.yml")
            user, password = sec.creds(user).split(":", 1)
            with open(yaml_path, "w") as f:
                f.write("%s:\n  cert-dir: %s\n  credentials:\n    username: %s\n    password: %s\n"
                        "  images:\n    priv/app: [v1]\n" % (sec.host, sec.ca_dir, user, password))
            out = self.path("out")
            self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))
            self.assertEqual(image_dirs(out), ["app:v1"])
            with open(yaml_path, "a") as f:
                f.write("  tls-verify: true\n")
            self.ok(self.sync("--src", "yaml", "--dest", "dir", yaml_path, out))

    def test_cli_flags_match_skopeo(self):
        """--all on a multi-arch list, -f oci, --remove-signatures, --src-creds/--dest-creds and
        --src-cert-dir/--dest-cert-dir against TLS + htpasswd registries: hoist's sync lands the
        same tags and manifest digests as skopeo's."""
        with Registry("htpasswd", tls=True) as src, Registry("htpasswd", tls=True) as dst:
            user = next(iter(src.users))
            lst, single = self.path("list"), self.path("single")
            images.make_image(lst, kind="docker", layers=1, seed=71, platforms=images.DEFAULT_PLATFORMS)
            images.make_image(single, kind="docker", layers=2, seed=72)
            src.push_dir(lst, "multi/app:l1", user=user)
            src.push_dir(single, "multi/app:s1", user=user)
            common = ["--src", "docker", "--dest", "docker", "--src-creds", src.creds(user), "--dest-creds",
                      dst.creds(next(iter(dst.users))), "--src-cert-dir", src.ca_dir, "--dest-cert-dir", dst.ca_dir,
                      "--remove-signatures"]
            def digest_of(reg, ref):
                r = util.run([SKOPEO, "inspect", "--raw", *reg.tls_flags(), "--creds", reg.creds(next(iter(reg.users))),
                              "docker://%s/%s" % (reg.host, ref)])
                self.assertEqual(r.rc, 0, r.describe())
                return "sha256:" + hashlib.sha256(r.stdout.encode("utf-8", "surrogateescape")).hexdigest()

            for extra in (["--all"], ["-f", "oci"]):
                with self.subTest(extra=extra):
                    tag = "all" if extra == ["--all"] else "oci"
                    self.ok(self.sync(*common, *extra, "%s/multi/app" % src.host, "%s/s-%s" % (dst.host, tag),
                                      binary=SKOPEO))
                    self.ok(self.sync(*common, *extra, "%s/multi/app" % src.host, "%s/h-%s" % (dst.host, tag)))
                    for t in ("l1", "s1"):
                        want = digest_of(dst, "s-%s/app:%s" % (tag, t))
                        self.assertEqual(digest_of(dst, "h-%s/app:%s" % (tag, t)), want, (extra, t))
                    if extra == ["--all"]:  # the list itself, not one instance
                        self.assertEqual(digest_of(dst, "h-all/app:l1"), digest_of(src, "multi/app:l1"))

    def test_digestfile(self):
        df = self.path("digests")
        out = self.path("out")
        self.ok(self.sync("--src", "docker", "--dest", "dir", "--digestfile", df, *self.src_flags(),
                          "%s/ns/app01" % self.reg.host, out))
        lines = sorted(open(df).read().splitlines())
        self.assertEqual(lines, sorted("%s dir:%s" % (self.digests["ns/app01:" + t], os.path.join(out, "app01:" + t))
                                       for t in ("v1", "v2")))

    def test_validation_errors_match_skopeo(self):
        cases = [
            ["sync", "a", "b"],
            ["sync", "--src", "foo", "a", "b"],
            ["sync", "--src", "docker", "a", "b"],
            ["sync", "--src", "docker", "--dest", "bar", "a", "b"],
            ["sync", "--src", "dir", "--dest", "dir", "a", "b"],
            ["sync", "--src", "dir", "--dest", "docker", self.path("nope"), "x"],
        ]
        for argv in cases:
            rs = run(SKOPEO, *argv)
            rh = run(HOIST, *argv)
            msg = lambda s: re.findall(r'level=fatal msg="?(.*?)"?$', s, re.M)
            self.assertEqual(rh.rc, rs.rc, argv)
            self.assertEqual(msg(rh.stderr), msg(rs.stderr), argv)


if __name__ == "__main__":
    unittest.main()
