"""hoist vs skopeo on local layouts (dir:, oci:): byte-identical trees, identical output.

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_local_interop

SKOPEO (default `skopeo`) is the oracle.  Both tools run the same arguments, each in its own
working directory (so relative destination paths and error texts are identical); their output goes
through lib.util.normalize (the skopeo-compat.md §0 1.9.3-vs-newest deltas) before comparing.

Self-check: `HOIST=skopeo python3 -m unittest -v test_local_interop` must pass; it skips only
the @hoist_only tests (behaviour where hoist deliberately differs from skopeo) and @since tests
(newest-skopeo behaviour that the installed skopeo predates).
HOIST_KEEP_TMP=1 keeps the temp dir (its path is printed) for debugging.
"""

import bz2
import concurrent.futures
import gzip
import lzma
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.tools import GLOBAL, HOIST, HOIST_IS_SKOPEO, SKOPEO, VH, VS, WorkDirCase, hoist_only, since  # noqa: E402,F401

JOBS = int(os.environ.get("HOIST_TEST_JOBS", "4"))   # parallel command pairs in both_many()
FIXTURE_NAMES = list(images.FIXTURES)
T = None        # module temp root
FX = None       # fixtures: FX/<name>/dir, FX/<name>/oci (ref "v1")
BUILT = {}      # name -> images.Image


def setUpModule():
    global T, FX
    os.umask(0o022)
    T = Path(tempfile.mkdtemp(prefix="hoist-local-interop-"))
    FX = T / "fx"
    for name in FIXTURE_NAMES:
        img = images.build_fixture(name)
        BUILT[name] = img
        img.write(FX / name / "dir", "dir")
        if name != "schema1":
            # skopeo < 1.19 finds only OCI-typed index.json entries by ref name (c/image 5.35
            # added Docker types), so Docker-typed images are the layout's only, unnamed entry
            img.write(FX / name / "oci", "oci", ref=None if img.kind == "docker" else "v1")
    # two images in one layout: "more than one image in oci"
    images.build_fixture("oci-gzip").write(FX / "multi", "oci", ref="a")
    images.build_fixture("oci-40").write(FX / "multi", "oci", ref="b")
    if os.environ.get("HOIST_KEEP_TMP"):
        print(f"\n[test_local_interop] temp dir: {T}", file=sys.stderr)


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


def src_ref(name, layout, ref="v1"):
    if layout == "dir":
        return f"dir:{FX / name / 'dir'}"
    if BUILT[name].kind == "docker" and ref == "v1":
        ref = None
    return f"oci:{FX / name / 'oci'}" + (f":{ref}" if ref else "")


def canonical_stdout(text):
    """Copy progress with each run of consecutive `Copying blob` lines sorted (blobs are copied
    in parallel, so their order is not specified)."""
    out, run = [], []
    for line in text.splitlines():
        if line.startswith("Copying blob "):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        out.append(line)
    out.extend(sorted(run))
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def decompress(data: bytes) -> bytes:
    if data[:3] == b"\x1f\x8b\x08":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-d", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    if data[:3] == b"BZh":
        return bz2.decompress(data)
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data, format=lzma.FORMAT_XZ)
    return data


def foreign_compressed_image(path, kind, algorithm, layer_type, seed=71):
    """A dir: image (`kind` oci|docker, 2 layers) whose first layer blob is bzip2- or
    xz-compressed (`algorithm`) under the media type `layer_type` (no media type says bzip2/xz:
    only the magic bytes tell), the second gzip; the config's diff_ids are the tars' digests.
    Returns the images.Image."""
    img = images.build_image(kind=kind, layers=2, compression="none", seed=seed)
    man = json.loads(img.manifest)
    packers = {"bzip2": bz2.compress, "xz": lambda d: lzma.compress(d, format=lzma.FORMAT_XZ)}
    blobs = {img.config_digest: img.config}
    layers = []
    for i, lay in enumerate(img.layers):
        blob = packers[algorithm](lay.tar) if i == 0 else images.compress(lay.tar, "gzip")
        mt = layer_type if i == 0 else (images.OCI_LAYER_GZIP if kind == "oci" else images.DOCKER_LAYER_GZIP)
        man["layers"][i].update(mediaType=mt, digest=sha(blob), size=len(blob))
        blobs[sha(blob)] = blob
        layers.append(images.Layer(lay.tar, blob, mt, lay.diff_id, sha(blob)))
    manifest = images.compact(man) if kind == "oci" else json.dumps(man, indent=3).encode()
    out = images.Image(kind, manifest, img.media_type, blobs, platform=img.platform, config=img.config,
                       layers=layers, seed=seed)
    out.write(path, "dir")
    return out


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Base(WorkDirCase):

    def work_root(self):
        return T

    # -- running -------------------------------------------------------------------------

    def fresh_cwds(self):
        """A new pair of working directories (skopeo, hoist) for one comparison."""
        self._n += 1
        base = self.work / str(self._n)
        cwds = (base / "skopeo", base / "hoist")
        for c in cwds:
            c.mkdir(parents=True)
        return cwds

    def run_tool(self, binary, args, cwd, **kw):
        return util.run([binary, *args], cwd=cwd, **kw)

    def both(self, args, prepare=None, **norm):
        """Run args with skopeo and hoist in fresh cwds; return (cwd_s, res_s, cwd_h, res_h), the
        results normalized (§0) with the cwd path replaced by <cwd>."""
        return self._run_pair(self.fresh_cwds(), args, prepare, norm)

    def both_many(self, arg_lists, prepare=None, **norm):
        """both() for many independent commands, run JOBS at a time (each pair has its own
        cwds, so they cannot interfere); results in input order."""
        jobs = [(self.fresh_cwds(), args) for args in arg_lists]
        with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
            return list(pool.map(lambda j: self._run_pair(j[0], j[1], prepare, norm), jobs))

    def _run_pair(self, cwds, args, prepare, norm):
        out = []
        for binary, cwd, v, peer in ((SKOPEO, cwds[0], VS, VH), (HOIST, cwds[1], VH, VS)):
            if prepare:
                prepare(cwd)
            r = util.normalize(self.run_tool(binary, args, cwd), v, peer_version=peer, **norm)
            r = util.Result(r.argv, r.rc, r.stdout.replace(str(cwd), "<cwd>"),
                            r.stderr.replace(str(cwd), "<cwd>"))
            out += [cwd, r]
        return tuple(out)

    # -- assertions ----------------------------------------------------------------------

    def assert_same_result(self, rs, rh, stdout=True, stderr=True, ordered_blobs=False):
        ctx = f"\n== skopeo (oracle) ==\n{rs.describe()}\n== hoist ==\n{rh.describe()}"
        self.assertEqual(rs.rc, rh.rc, "exit codes differ" + ctx)
        if stdout:
            es, eh = rs.stdout, rh.stdout
            if not ordered_blobs:
                es, eh = canonical_stdout(es), canonical_stdout(eh)
            if es != eh:
                self.fail("stdout differs:\n" + util.text_diff(es, eh, "stdout") + ctx)
        if stderr and rs.stderr != rh.stderr:
            self.fail("stderr differs:\n" + util.text_diff(rs.stderr, rh.stderr, "stderr") + ctx)

    def assert_ok(self, r):
        self.assertEqual(r.rc, 0, "command failed:\n" + r.describe())

    def assert_same_tree(self, ps, ph, fresh_index=True, ignore=()):
        ts = util.normalize(util.tree(ps, ignore), VS, fresh_index=fresh_index)
        th = util.normalize(util.tree(ph, ignore), VH, fresh_index=fresh_index)
        d = util.tree_diff(ts, th)
        if d:
            self.fail(f"trees differ (expected = skopeo {ps}, actual = hoist {ph}):\n{d}")

    def assert_no_visible_image(self, path, layout, old_index=None):
        path = Path(path)
        if layout == "dir":
            self.assertFalse((path / "manifest.json").exists(),
                             f"{path}/manifest.json exists after a failed copy")
        else:
            idx = path / "index.json"
            if old_index is None:
                self.assertFalse(idx.exists(), f"{idx} exists after a failed copy:\n"
                                 + (idx.read_text() if idx.exists() else ""))
            else:
                self.assertEqual(idx.read_bytes(), old_index, f"{idx} changed by a failed copy")

    def assert_blobs_valid(self, path):
        """Every blob file under its digest name has that digest (no half-written blob)."""
        path = Path(path)
        for p in list(path.glob("blobs/sha256/*")) + [q for q in path.glob("*") if len(q.name) == 64]:
            if p.is_file() and len(p.name) == 64:
                self.assertEqual(sha(p.read_bytes()), "sha256:" + p.name, f"corrupt blob {p}")

    def assert_same_tree_modulo_config_order(self, ps, ph, layout):
        """assert_same_tree for VARIANT_CONFIG_CASES: the two layouts are walked in parallel from
        the top-level manifest; paired configs must decode to equal JSON objects (only their
        key order may differ); every digest that differs (config, then the manifests and lists
        embedding it) is mapped skopeo -> hoist, and after renaming skopeo's files and rewriting
        those digests in its manifests / index.json the trees must be byte-identical (file list,
        modes, layer blobs, manifest and index bytes)."""
        mapping = {}   # skopeo hex -> hoist hex
        configs = set()

        def pair(ds, dh):
            if ds is not None and images.hex_of(ds) != images.hex_of(dh):
                mapping[images.hex_of(ds)] = images.hex_of(dh)

        def walk(ds, dh):
            ms, mh = json.loads(_layout_manifest(ps, layout, ds)), json.loads(_layout_manifest(ph, layout, dh))
            if "manifests" in ms:
                self.assertEqual(len(ms["manifests"]), len(mh.get("manifests", [])), f"{ps} vs {ph}")
                for es, eh in zip(ms["manifests"], mh["manifests"]):
                    walk(es["digest"], eh["digest"])
                    pair(es["digest"], eh["digest"])
                return
            cs, ch = ms["config"]["digest"], mh["config"]["digest"]
            bs = (ps / _blob_rel(layout, cs)).read_bytes()
            bh = (ph / _blob_rel(layout, ch)).read_bytes()
            self.assertEqual(json.loads(bs), json.loads(bh), f"configs {cs} vs {ch} differ as JSON")
            self.assertEqual(sha(bh), ch, f"hoist config {ch} does not match its digest")
            pair(cs, ch)
            configs.add(_blob_rel(layout, ch))

        if layout == "dir":
            walk(None, None)
        else:
            tops = [json.loads((p / "index.json").read_bytes())["manifests"] for p in (ps, ph)]
            self.assertEqual(len(tops[0]), len(tops[1]), f"index.json entries of {ps} vs {ph}")
            for es, eh in zip(*tops):
                walk(es["digest"], eh["digest"])
                pair(es["digest"], eh["digest"])
        ts = util.normalize(util.tree(ps), VS)
        th = util.normalize(util.tree(ph), VH)

        def subst(text):
            for a, b in mapping.items():
                text = text.replace(a, b)
            return text

        rewritten = {}
        for rel, e in ts.items():
            rel2 = subst(rel)
            if rel2 in configs:          # compared as JSON above
                e = th.get(rel2, e)
            elif e.kind == "file" and (rel2.endswith("manifest.json") or rel2 == "index.json"
                                       or (rel2 in th and th[rel2].data[:1] == b"{")):
                e = replace(e, data=subst(e.data.decode()).encode())
            rewritten[rel2] = e
        d = util.tree_diff(rewritten, th)
        if d:
            self.fail(f"trees differ beyond the config key order (expected = skopeo {ps}, "
                      f"actual = hoist {ph}; digests mapped {mapping}):\n{d}")

    def semantics(self, path, layout):
        """Layout content with layer blobs identified by their uncompressed digest: for copies
        whose compressed bytes depend on the compressor (gzip/zstd encoders differ)."""
        path = Path(path)

        def blob(d):
            h = d.split(":", 1)[1]
            p = path / h if layout == "dir" else path / "blobs" / "sha256" / h
            self.assertTrue(p.is_file(), f"blob {d} missing in {path}")
            data = p.read_bytes()
            self.assertEqual(sha(data), d, f"blob {p} does not match its digest")
            return data

        if layout == "dir":
            man_bytes = (path / "manifest.json").read_bytes()
            entry = None
        else:
            idx = json.loads((path / "index.json").read_bytes())
            self.assertEqual(len(idx["manifests"]), 1, idx)
            entry = dict(idx["manifests"][0])
            man_bytes = blob(entry.pop("digest"))
            self.assertEqual(entry.pop("size"), len(man_bytes))
        man = json.loads(man_bytes)
        layers = []
        for lay in man["layers"]:
            data = blob(lay["digest"])
            self.assertEqual(lay["size"], len(data), f"size of {lay['digest']}")
            # annotations of a re-compressed layer: 1.9.3 drops them, newest keeps them
            # (c/image updatedBlobInfoFromUpload) — a delta §0 does not list, so not compared
            layers.append({k: v for k, v in lay.items() if k not in ("digest", "size", "annotations")}
                          | {"uncompressed": sha(decompress(data))})
        cfg = blob(man["config"]["digest"])
        rest = {k: v for k, v in man.items() if k != "layers"}
        return {"index entry": entry, "manifest": rest, "layers": layers, "config": cfg.decode(),
                "manifest is compact JSON": b"\n" not in man_bytes}


# ---------------------------------------------------------------------------------------------
# copy: identical trees

# (fixture, source layout, extra flags, destination layout)
COPY_CASES = []
for _name in FIXTURE_NAMES:
    for _sl in ("dir", "oci"):
        if _name == "schema1" and _sl == "oci":
            continue
        for _dl in ("dir", "oci"):
            if _name == "oci-none" and _dl == "oci":
                continue  # gets compressed: see SEMANTIC_CASES
            COPY_CASES.append((_name, _sl, [], _dl))
for _name in ("oci-index", "docker-list"):
    for _dl in ("dir", "oci"):
        COPY_CASES += [(_name, "dir", ["--all"], _dl), (_name, "oci", ["--all"], _dl)]
        for _ma in ("system", "all", "index-only"):
            COPY_CASES.append((_name, "dir", ["--multi-arch", _ma], _dl))
    COPY_CASES.append((_name, "dir", ["--all", "--format", "v2s2"], "dir"))
    COPY_CASES.append((_name, "dir", ["--all", "--format", "oci"], "dir"))
    COPY_CASES.append((_name, "dir", ["--override-arch", "arm", "--override-variant", "v7"], "dir"))
    COPY_CASES.append((_name, "dir", ["--override-arch", "arm64"], "oci"))
COPY_CASES += [
    ("oci-gzip", "dir", ["--all"], "dir"),                    # --all on a single image
    ("docker-gzip", "dir", ["--format", "oci"], "dir"),       # v2s2 -> OCI: config re-marshalled
    ("docker-gzip", "oci", ["--format", "oci"], "oci"),
    ("oci-gzip", "dir", ["--format", "v2s2"], "dir"),         # OCI -> v2s2: config kept
    ("oci-none", "dir", ["--format", "v2s2"], "dir"),
    ("oci-gzip", "oci", ["--format", "oci"], "dir"),          # no-op conversion
    ("oci-40", "oci", ["--format", "v2s2"], "dir"),
    ("schema1", "dir", ["--format", "oci"], "dir"),           # schema1 conversion needs diffIDs
    ("schema1", "dir", ["--format", "v2s2"], "dir"),
    ("docker-gzip", "oci", ["--dest-decompress"], "dir"),
    ("oci-none", "dir", ["--dest-oci-accept-uncompressed-layers"], "oci"),
    ("oci-gzip", "dir", ["--preserve-digests"], "oci"),
    ("oci-gzip", "dir", ["-q"], "oci"),
]

# Docker list instances that carry a variant (linux/arm64/v8, linux/arm/v7), converted to OCI:
# the re-marshalled OCI config is `architecture, os, variant` in hoist and newest skopeo
# (spec §10, OCI config field order), `architecture, variant, os` in skopeo 1.9.3.  That is a
# 1.9.3-vs-newest delta §0 does not list, so these cases are not compared byte for byte: the
# config bytes (and through them the config, manifest and list digests) legitimately differ.
# See test_copy_docker_variant_to_oci: everything else is still compared.
VARIANT_CONFIG_CASES = [
    ("docker-list", "dir", ["--all"], "oci"),
    ("docker-list", "oci", ["--all"], "oci"),
    ("docker-list", "dir", ["--multi-arch", "all"], "oci"),
    ("docker-list", "dir", ["--all", "--format", "oci"], "dir"),
    ("docker-list", "dir", ["--override-arch", "arm64"], "oci"),
]
COPY_CASES = [c for c in COPY_CASES if c not in VARIANT_CONFIG_CASES]


def _layout_manifest(root: Path, layout: str, digest: str | None) -> bytes:
    """A dir: layout's manifest.json (digest None), or the manifest with that digest."""
    if layout == "dir":
        return (root / ("manifest.json" if digest is None else images.hex_of(digest) + ".manifest.json")).read_bytes()
    return (root / "blobs" / "sha256" / images.hex_of(digest)).read_bytes()


def _blob_rel(layout: str, digest: str) -> str:
    return images.hex_of(digest) if layout == "dir" else "blobs/sha256/" + images.hex_of(digest)


# compressor-dependent bytes: compare layout semantics (uncompressed layer digests, configs…)
SEMANTIC_CASES = [
    ("oci-none", "dir", [], "oci"),
    ("oci-none", "oci", [], "oci"),
    ("oci-none", "dir", ["--dest-compress"], "dir"),
    ("oci-none", "dir", ["--dest-compress", "--dest-compress-format", "zstd"], "dir"),
    ("oci-gzip", "dir", ["--dest-compress-format", "zstd", "--dest-compress"], "dir"),
    # deterministic bytes, but the first layer carries an annotation: see semantics()
    ("oci-gzip", "dir", ["--dest-decompress"], "dir"),
    ("oci-zstd", "dir", ["--dest-decompress"], "dir"),
]


def dest_ref(layout, name="out"):
    return f"dir:{name}" if layout == "dir" else f"oci:{name}:dest"


class Copy(Base):
    def _copy_cases(self, cases, check):
        """Run all copy cases (in parallel); then per case, in a subTest: outputs agree, the
        oracle succeeded, and check(case, cwd_s, cwd_h)."""
        results = self.both_many([[*GLOBAL, "copy", *flags, src_ref(name, sl), dest_ref(dl)]
                                  for name, sl, flags, dl in cases])
        for case, (cs, rs, ch, rh) in zip(cases, results):
            with self.subTest(case=case):
                self.assert_same_result(rs, rh)
                self.assertEqual(rs.rc, 0, "oracle failed:\n" + rs.describe())
                check(case, cs, ch)

    def test_copy_trees(self):
        self._copy_cases(COPY_CASES, lambda case, cs, ch: self.assert_same_tree(cs / "out", ch / "out"))

    def test_copy_semantics_when_compressing(self):
        def small(p, v):  # everything but blobs, index.json and manifest.json
            t = util.normalize(util.tree(p), v)
            return {k: e for k, e in t.items()
                    if len(k.rsplit("/", 1)[-1]) != 64 and k not in ("index.json", "manifest.json")}

        def check(case, cs, ch):
            dl = case[3]
            self.assertEqual(self.semantics(cs / "out", dl), self.semantics(ch / "out", dl))
            d = util.tree_diff(small(cs / "out", VS), small(ch / "out", VH))
            self.assertEqual(d, "", "layout files differ:\n" + d)

        self._copy_cases(SEMANTIC_CASES, check)

    def test_copy_to_schema1_same_payload(self):
        """--format v2s1: the manifest equals skopeo's except the throw-away JWS signature; the
        top v1Compatibility keeps the config's bytes as written (escapes like \\u00fc, nested
        key order), as c/image's map[string]*json.RawMessage does."""
        for name in ("docker-gzip", "oci-gzip"):
            with self.subTest(name):
                cs, rs, ch, rh = self.both([*GLOBAL, "copy", "--format", "v2s1", src_ref(name, "dir"), "dir:out"])
                self.assert_ok(rs)
                self.assert_ok(rh)
                a, b = (json.loads((c / "out" / "manifest.json").read_text()) for c in (cs, ch))
                self.assertIn("signatures", b)
                for m in (a, b):
                    m.pop("signatures")
                self.assertEqual(a, b)
                self.assertIn("\\u00fc", b["history"][0]["v1Compatibility"])

    def test_copy_docker_variant_to_oci(self):
        # see VARIANT_CONFIG_CASES: stdout is compared with the config digests masked (they
        # follow from the config bytes), stderr and exit code exactly
        results = self.both_many([[*GLOBAL, "copy", *flags, src_ref(name, sl), dest_ref(dl)]
                                  for name, sl, flags, dl in VARIANT_CONFIG_CASES])
        for case, (cs, rs, ch, rh) in zip(VARIANT_CONFIG_CASES, results):
            with self.subTest(case=case):
                self.assertEqual(rs.rc, 0, "oracle failed:\n" + rs.describe())
                mask = lambda r: util.Result(r.argv, r.rc, re.sub(r"(?m)^Copying config sha256:[0-9a-f]{64}$",
                                                                  "Copying config <digest>", r.stdout), r.stderr)
                self.assert_same_result(mask(rs), mask(rh))
                self.assert_same_tree_modulo_config_order(cs / "out", ch / "out", case[3])

    def test_copy_errors_same(self):
        # zstd -> v2s2: 1.9.3 says "zstd compression is not supported for docker images",
        # newest "... is not officially supported ..."; only the common part is compared
        for args in ([*GLOBAL, "copy", "--format", "v2s2", src_ref("oci-zstd", "dir"), "dir:out"],
                     [*GLOBAL, "copy", "--format", "v2s2", src_ref("oci-zstd", "oci"), "oci:out:x"]):
            with self.subTest(args=args):
                _, rs, _, rh = self.both(args)
                self.assertEqual((rs.rc, rh.rc), (1, 1), rh.describe())
                for r in (rs, rh):
                    self.assertRegex(r.stderr, r'msg="creating an updated image manifest: Error during manifest '
                                     r'conversion: \\"application/vnd.oci.image.layer.v1.tar\+zstd\\": zstd '
                                     r'compression is not (officially )?supported for docker images"')
        cases = [
            [*GLOBAL, "copy", "--format", "xyz", src_ref("oci-gzip", "dir"), "dir:out"],
            [*GLOBAL, "copy", "--multi-arch", "bogus", src_ref("oci-gzip", "dir"), "dir:out"],
            [*GLOBAL, "copy", "--all", "--multi-arch", "all", src_ref("oci-gzip", "dir"), "dir:out"],
        ]
        for args in cases:
            with self.subTest(args=args):
                _, rs, _, rh = self.both(args)
                self.assertNotEqual(rs.rc, 0, rs.describe())
                # which blobs were announced before the failure depends on parallelism: stdout
                # is compared only up to the first "Copying" line
                self.assert_same_result(rs, rh, stdout=False)
                self.assertEqual(rs.stdout.split("Copying")[0], rh.stdout.split("Copying")[0])

    def test_copy_into_existing_oci_layout_keeps_other_images(self):
        def prepare(cwd):
            images.build_fixture("oci-40").write(cwd / "out", "oci", ref="other")
            images.build_fixture("docker-gzip").write(cwd / "out", "oci", ref="dest")  # renamed away
            images.build_fixture("oci-none").write(cwd / "out", "oci")                 # no name
        for name in ("oci-gzip", "oci-index"):
            with self.subTest(name=name):
                cs, rs, ch, rh = self.both([*GLOBAL, "copy", src_ref(name, "dir"), "oci:out:dest"],
                                           prepare=prepare, fresh_index=False)
                self.assert_same_result(rs, rh)
                self.assert_ok(rs)
                self.assert_same_tree(cs / "out", ch / "out", fresh_index=False)

    def test_copy_over_existing_dir_image(self):
        def prepare(cwd):
            images.build_fixture("oci-40").write(cwd / "out", "dir")
        cs, rs, ch, rh = self.both([*GLOBAL, "copy", src_ref("docker-gzip", "dir"), "dir:out"],
                                   prepare=prepare)
        self.assert_same_result(rs, rh)
        self.assert_ok(rs)
        self.assert_same_tree(cs / "out", ch / "out")

    def test_copy_dir_refuses_non_image_dir(self):
        def prepare(cwd):
            (cwd / "out").mkdir()
            (cwd / "out" / "precious.txt").write_text("keep me\n")
        cs, rs, ch, rh = self.both([*GLOBAL, "copy", src_ref("oci-gzip", "dir"), "dir:out"],
                                   prepare=prepare)
        self.assertNotEqual(rs.rc, 0)
        self.assert_same_result(rs, rh)
        self.assert_same_tree(cs / "out", ch / "out")
        self.assertEqual((ch / "out" / "precious.txt").read_text(), "keep me\n")

    def test_copy_digestfile(self):
        for name in ("oci-gzip", "oci-index"):
            with self.subTest(name=name):
                args = [*GLOBAL, "copy", "--all", "--digestfile", "digest", src_ref(name, "dir"),
                        "oci:out:x"]
                cs, rs, ch, rh = self.both(args)
                self.assert_same_result(rs, rh)
                self.assertEqual((cs / "digest").read_bytes(), (ch / "digest").read_bytes())
                self.assertEqual((ch / "digest").read_text(), BUILT[name].digest)

    # -- bzip2 / xz layers (detected by their magic bytes, whatever the media type says) -----

    FOREIGN_SOURCES = [("docker", images.DOCKER_LAYER_GZIP), ("oci", images.OCI_LAYER_GZIP),
                       ("oci", images.OCI_LAYER)]

    def _foreign_sources(self):
        out = []
        for algorithm in ("bzip2", "xz"):
            for kind, layer_type in self.FOREIGN_SOURCES:
                path = self.work / f"src-{algorithm}-{kind}-{layer_type.rsplit('.', 1)[-1]}"
                out.append((algorithm, kind, layer_type, path, foreign_compressed_image(path, kind, algorithm,
                                                                                        layer_type)))
        return out

    def _assert_layers(self, out, img, types, magic):
        """out's manifest: layer i has media type types[i], its blob starts with `magic` and
        decompresses to the tar whose digest is the config's diff_id i."""
        man = json.loads((out / "manifest.json").read_bytes())
        self.assertEqual([lay["mediaType"] for lay in man["layers"]], types)
        self.assertEqual((out / images.hex_of(man["config"]["digest"])).read_bytes(), img.config)
        for lay, src in zip(man["layers"], img.layers):
            data = (out / images.hex_of(lay["digest"])).read_bytes()
            self.assertEqual(sha(data), lay["digest"])
            self.assertTrue(data.startswith(magic), f"{lay['digest']} starts with {data[:6]!r}, not {magic!r}")
            self.assertEqual(sha(decompress(data)), src.diff_id)

    def test_copy_bzip2_xz_layers(self):
        """A plain copy keeps the blobs; --dest-decompress unpacks bzip2/xz like gzip (the layer
        types become the uncompressed ones); --dest-compress-format zstd --dest-compress
        recompresses them to zstd (OCI).  Docker -> zstd: see test_copy_bzip2_xz_docker_to_zstd."""
        zstd = ["--dest-compress-format", "zstd", "--dest-compress"]
        cases = []
        for algorithm, kind, layer_type, path, img in self._foreign_sources():
            flag_sets = [[], ["--dest-decompress"]] + ([zstd] if kind == "oci" else [])
            cases += [(algorithm, kind, layer_type, path, img, flags) for flags in flag_sets]
        results = self.both_many([[*GLOBAL, "copy", *c[5], f"dir:{c[3]}", "dir:out"] for c in cases])
        for (algorithm, kind, layer_type, path, img, flags), (cs, rs, ch, rh) in zip(cases, results):
            with self.subTest(algorithm=algorithm, kind=kind, layer_type=layer_type, flags=flags):
                self.assertEqual(rs.rc, 0, "oracle failed:\n" + rs.describe())
                self.assert_same_result(rs, rh)
                out = ch / "out"
                if not flags:
                    self.assert_same_tree(cs / "out", out)
                    self.assertEqual(util.tree(out, ignore=("version",)), util.tree(path, ignore=("version",)))
                    continue
                # annotations of an edited layer: 1.9.3 drops them, newest keeps them (see semantics())
                self.assertEqual(self.semantics(cs / "out", "dir"), self.semantics(out, "dir"))
                if kind == "docker":   # no annotations: byte-identical
                    self.assert_same_tree(cs / "out", out)
                if flags == ["--dest-decompress"]:
                    tar = images.OCI_LAYER if kind == "oci" else images.DOCKER_LAYER
                    self._assert_layers(out, img, [tar, tar], b"")
                else:
                    self._assert_layers(out, img, [images.OCI_LAYER_ZSTD] * 2, b"\x28\xb5\x2f\xfd")

    @hoist_only  # 1.9.3: "zstd compression is not supported for type …rootfs.diff.tar.gzip"; newest (and
    #              hoist, spec §7.4 "zstd in v2s2 => next manifest type") converts the image to OCI
    def test_copy_bzip2_xz_docker_to_zstd(self):
        for algorithm, kind, layer_type, path, img in self._foreign_sources():
            if kind != "docker":
                continue
            with self.subTest(algorithm=algorithm):
                cwd = self.fresh_cwds()[1]
                r = util.run([HOIST, *GLOBAL, "copy", "--dest-compress-format", "zstd", "--dest-compress",
                              f"dir:{path}", "dir:out"], cwd=cwd)
                self.assert_ok(r)
                man = json.loads((cwd / "out" / "manifest.json").read_bytes())
                self.assertEqual(man["mediaType"], images.OCI_MANIFEST)
                cfg = json.loads((cwd / "out" / images.hex_of(man["config"]["digest"])).read_bytes())
                self.assertEqual(cfg["rootfs"]["diff_ids"], [lay.diff_id for lay in img.layers])
                for lay, src in zip(man["layers"], img.layers):
                    self.assertEqual(lay["mediaType"], images.OCI_LAYER_ZSTD)
                    data = (cwd / "out" / images.hex_of(lay["digest"])).read_bytes()
                    self.assertEqual(data[:4], b"\x28\xb5\x2f\xfd")
                    self.assertEqual(sha(decompress(data)), src.diff_id)

    # -- --dest-compress-level ---------------------------------------------------------------

    def _level_source(self):
        path = self.work / "src-levels"
        # 64 KiB of random bytes and ~370 lines of text per layer: the levels differ on the text
        img = images.build_image(kind="oci", layers=2, compression="none", seed=61, size=64 << 10)
        img.write(path, "dir")
        return path, img

    def test_copy_dest_compress_level(self):
        """Level 1 and 9 give different (smaller at 9) blobs, in both tools, for gzip and zstd;
        all decompress to the config's diff_ids; the layouts agree with skopeo's semantically."""
        path, img = self._level_source()
        cases = [(fmt, level) for fmt in ("gzip", "zstd") for level in (1, 9)]
        results = self.both_many([[*GLOBAL, "copy", "--dest-compress", "--dest-compress-format", fmt,
                                   "--dest-compress-level", str(level), f"dir:{path}", "dir:out"]
                                  for fmt, level in cases])
        sizes = {}
        for (fmt, level), (cs, rs, ch, rh) in zip(cases, results):
            with self.subTest(format=fmt, level=level):
                self.assertEqual(rs.rc, 0, "oracle failed:\n" + rs.describe())
                self.assert_same_result(rs, rh)
                self.assertEqual(self.semantics(cs / "out", "dir"), self.semantics(ch / "out", "dir"))
                magic = b"\x1f\x8b\x08" if fmt == "gzip" else b"\x28\xb5\x2f\xfd"
                types = [images.OCI_LAYER_GZIP if fmt == "gzip" else images.OCI_LAYER_ZSTD] * 2
                self._assert_layers(ch / "out", img, types, magic)
                for who, cwd in (("skopeo", cs), ("hoist", ch)):
                    man = json.loads((cwd / "out" / "manifest.json").read_bytes())
                    sizes[who, fmt, level] = [(lay["digest"], lay["size"]) for lay in man["layers"]]
        for who in ("skopeo", "hoist"):
            for fmt in ("gzip", "zstd"):
                with self.subTest(tool=who, format=fmt):
                    low, high = sizes.get((who, fmt, 1)), sizes.get((who, fmt, 9))
                    if low is None or high is None:
                        continue   # reported by the subtest above
                    for (d1, s1), (d9, s9) in zip(low, high):
                        self.assertNotEqual(d1, d9, f"{who} {fmt}: level 1 and 9 gave the same blob")
                    self.assertLess(sum(s for _, s in high), sum(s for _, s in low),
                                    f"{who} {fmt}: level 9 not smaller than level 1: {low} vs {high}")

    def test_copy_invalid_gzip_level(self):
        """gzip accepts -2..9 (pgzip's range); outside it the copy fails like skopeo's, with no
        image left behind."""
        path, _ = self._level_source()
        for level in ("10", "-3"):
            with self.subTest(level=level):
                cs, rs, ch, rh = self.both([*GLOBAL, "copy", "--dest-compress", "--dest-compress-level", level,
                                            f"dir:{path}", "dir:out"])
                self.assertEqual(rs.rc, 1, rs.describe())
                self.assertIn(f"gzip: invalid compression level: {level}", rs.stderr)
                self.assert_same_result(rs, rh, stdout=False)
                self.assertEqual(rs.stdout.split("Copying")[0], rh.stdout.split("Copying")[0])
                self.assert_no_visible_image(ch / "out", "dir")
        with self.subTest("not a number"):
            _, rs, _, rh = self.both([*GLOBAL, "copy", "--dest-compress", "--dest-compress-level", "abc",
                                      f"dir:{path}", "dir:out"])
            self.assertEqual(rs.rc, 1, rs.describe())
            self.assert_same_result(rs, rh)

    def test_copy_zstd_level_outside_1_to_22(self):
        """skopeo maps any zstd level to an encoder speed (klauspost EncoderLevelFromZstd: < 3
        fastest, ≥ 10 best), so 0, -1 and 23 are accepted, not errors."""
        path, img = self._level_source()
        cases = ["0", "-1", "23"]
        results = self.both_many([[*GLOBAL, "copy", "--dest-compress", "--dest-compress-format", "zstd",
                                   "--dest-compress-level", level, f"dir:{path}", "dir:out"] for level in cases])
        for level, (cs, rs, ch, rh) in zip(cases, results):
            with self.subTest(level=level):
                self.assertEqual(rs.rc, 0, "oracle failed:\n" + rs.describe())
                self.assert_same_result(rs, rh)
                self.assertEqual(self.semantics(cs / "out", "dir"), self.semantics(ch / "out", "dir"))
                self._assert_layers(ch / "out", img, [images.OCI_LAYER_ZSTD] * 2, b"\x28\xb5\x2f\xfd")


# ---------------------------------------------------------------------------------------------
# inspect / manifest-digest

INSPECT_VARIANTS = [
    [],
    ["--raw"],
    ["--config"],
    ["--config", "--raw"],
    ["--format", "{{.Digest}} {{.Architecture}} {{.Os}} {{len .Layers}}"],
    ["--format", "{{.Labels}}|{{.Created}}|{{.Env}}|{{.Layers}}|{{.RepoTags}}|{{.DockerVersion}}"],
    # (no "\t": 1.9.3 never flushes its tabwriter, so it prints nothing; newest does)
    ["--format", "{{.Name}}:{{.Tag}} {{range .Layers}}{{.}},{{end}}\\n"],
    ["--config", "--format", "{{.Architecture}} {{.Config.Env}} {{.Config.Cmd}} {{.RootFS.DiffIDs}}"],
    ["-n"],
]


class Inspect(Base):
    def refs(self, name):
        """(reference, all variants?) to inspect for a fixture."""
        out = [(src_ref(name, "dir"), True)]
        if name != "schema1":
            if BUILT[name].kind == "docker":           # its layout entry is unnamed
                out.append((src_ref(name, "oci", ref=None), True))
            else:
                out += [(src_ref(name, "oci"), True), (src_ref(name, "oci", ref=None), False)]
        return out

    def test_inspect_same_output(self):
        cases = [(name, ref, v) for name in FIXTURE_NAMES for ref, full in self.refs(name)
                 for v in INSPECT_VARIANTS if full or v in ([], ["--raw"])]
        results = self.both_many([["inspect", *v, ref] for _, ref, v in cases])
        for (name, ref, v), (_, rs, _, rh) in zip(cases, results):
            with self.subTest(name=name, ref=ref, variant=v):
                self.assert_ok(rs)
                self.assert_same_result(rs, rh, ordered_blobs=True)

    def test_inspect_lists_with_platform_overrides(self):
        overrides = [["--override-arch", "arm", "--override-variant", "v7"],
                     ["--override-arch", "arm64"], ["--override-arch", "arm64", "--override-variant", "v8"],
                     ["--override-os", "linux", "--override-arch", "amd64"]]
        cases = [(name, o, v) for name in ("oci-index", "docker-list") for o in overrides
                 for v in ([], ["--config", "--raw"], ["--format", "{{.Architecture}} {{.Digest}}"])]
        results = self.both_many([[*o, "inspect", *v, src_ref(name, "dir")] for name, o, v in cases])
        for (name, o, v), (_, rs, _, rh) in zip(cases, results):
            with self.subTest(name=name, override=o, variant=v):
                self.assert_ok(rs)
                self.assert_same_result(rs, rh, ordered_blobs=True)

    def test_inspect_raw_is_verbatim(self):
        # independent of skopeo: the raw manifest / config are the fixture's bytes
        for name in FIXTURE_NAMES:
            img = BUILT[name]
            with self.subTest(name=name):
                r = self.run_tool(HOIST, ["inspect", "--raw", src_ref(name, "dir")], self.work)
                self.assert_ok(r)
                self.assertEqual(r.stdout.encode(), img.manifest)
                if img.config is not None:
                    r = self.run_tool(HOIST, ["inspect", "--config", "--raw", src_ref(name, "dir")],
                                      self.work)
                    self.assertEqual(r.stdout.encode(), img.config)

    @since((1, 10, 0))
    def test_inspect_layersdata(self):
        for name in ("oci-gzip", "oci-zstd", "docker-gzip", "oci-index"):
            img = BUILT[name]
            inst = img.instances[0] if img.instances else img   # host: linux/amd64
            man = json.loads(inst.manifest)
            want = [{"MIMEType": lay["mediaType"], "Digest": lay["digest"], "Size": lay["size"],
                     "Annotations": lay.get("annotations")} for lay in man["layers"]]
            with self.subTest(name=name):
                r = self.run_tool(HOIST, ["inspect", src_ref(name, "dir")], self.work)
                self.assert_ok(r)
                got = json.loads(r.stdout)
                self.assertEqual(got.get("LayersData"), want, r.stdout)
                self.assertEqual(list(got).index("LayersData"), list(got).index("Layers") + 1)

    @since((1, 11, 0))
    def test_inspect_format_json_func(self):
        img = BUILT["oci-gzip"]
        labels = json.loads(img.config)["config"]["Labels"]
        want = json.dumps(labels, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
        r = self.run_tool(HOIST, ["inspect", "--format", "{{json .Labels}}", src_ref("oci-gzip", "dir")],
                          self.work)
        self.assert_ok(r)
        self.assertEqual(r.stdout, want)

    @hoist_only
    def test_inspect_format_escapes_inside_actions(self):
        """skopeo turns the two characters \\n into a newline everywhere, which breaks
        `{{"\\n"}}` and `{{join .Layers "\\n"}}` (unterminated quoted string); hoist leaves
        actions to Go's string escapes. The result equals skopeo's range-based spelling."""
        ref = src_ref("oci-gzip", "dir")
        r = self.run_tool(HOIST, ["inspect", "--format", '{{.Os}}{{"\\n"}}{{join .Layers "\\n"}}', ref], self.work)
        self.assert_ok(r)
        s = self.run_tool(SKOPEO, ["inspect", "--format", "{{.Os}}\\n{{range $i, $l := .Layers}}{{if $i}}\\n{{end}}{{$l}}{{end}}",
                                   ref], self.work)
        self.assert_ok(s)
        self.assertEqual(r.stdout, s.stdout)
        bad = self.run_tool(SKOPEO, ["inspect", "--format", '{{"\\n"}}', ref], self.work)
        self.assertIn("unterminated quoted string", bad.stderr)

    def test_manifest_digest(self):
        for name in FIXTURE_NAMES:
            img = BUILT[name]
            files = [(FX / name / "dir" / "manifest.json", img)]
            files += [(FX / name / "dir" / (images.hex_of(i.digest) + ".manifest.json"), i)
                      for i in img.instances]
            for f, want in files:
                with self.subTest(file=f):
                    _, rs, _, rh = self.both(["manifest-digest", str(f)])
                    self.assert_ok(rs)
                    self.assert_same_result(rs, rh)
                    # independent of skopeo (schema1: the JWS-stripped payload, see lib.images)
                    self.assertEqual(rh.stdout, want.digest + "\n")

    @since((1, 19, 0))
    def test_oci_ref_to_docker_typed_entry(self):
        # c/image 5.35: an index.json entry of Docker type is found by its ref name
        for name in ("docker-gzip", "docker-list"):
            img = BUILT[name]
            p = self.work / name
            img.write(p, "oci", ref="d")
            r = self.run_tool(HOIST, ["inspect", "--format", "{{.Digest}}", f"oci:{p}:d"], self.work)
            self.assert_ok(r)
            self.assertEqual(r.stdout, img.digest + "\n")

    def test_inspect_digest_of_list_is_top_level(self):
        for name in ("oci-index", "docker-list"):
            r = self.run_tool(HOIST, ["inspect", "--format", "{{.Digest}}", src_ref(name, "dir")], self.work)
            self.assert_ok(r)
            self.assertEqual(r.stdout, BUILT[name].digest + "\n")


# ---------------------------------------------------------------------------------------------
# each tool reads what the other wrote

class CrossRead(Base):
    def test_each_reads_the_other(self):
        for name in ("oci-gzip", "oci-zstd", "docker-gzip", "oci-index", "docker-list", "schema1", "oci-none"):
            for flags in ([], ["--all"]):
                with self.subTest(name=name, flags=flags):
                    w = self.work / f"{name}{'-all' if flags else ''}"
                    w.mkdir()
                    writer_out = {}
                    for tool, binary in (("s", SKOPEO), ("h", HOIST)):
                        r = self.run_tool(binary, [*GLOBAL, "copy", *flags, src_ref(name, "dir"),
                                                   f"oci:{tool}-oci:t"], w)
                        self.assert_ok(r)
                        writer_out[tool] = r
                    # reader x copies writer y's layout to dir:, and inspects it
                    results = {}
                    for reader, binary in (("s", SKOPEO), ("h", HOIST)):
                        for writer in ("s", "h"):
                            dest = f"{reader}-reads-{writer}"
                            r = self.run_tool(binary, [*GLOBAL, "copy", *flags, f"oci:{writer}-oci:t",
                                                       f"dir:{dest}"], w)
                            self.assert_ok(r)
                            d = self.run_tool(binary, ["inspect", "--format", "{{.Digest}}",
                                                       f"oci:{writer}-oci:t"], w)
                            self.assert_ok(d)
                            results[(reader, writer)] = d.stdout
                    if name == "docker-list" and flags:
                        # the writers converted the arm instances' configs to OCI: key order
                        # differs between 1.9.3 and newest (see VARIANT_CONFIG_CASES)
                        self.assertEqual(results[("s", "s")], results[("h", "s")], results)
                        self.assertEqual(results[("s", "h")], results[("h", "h")], results)
                        self.assert_same_tree(w / "s-reads-s", w / "h-reads-s")
                        self.assert_same_tree(w / "s-reads-h", w / "h-reads-h")
                        self.assert_same_tree_modulo_config_order(w / "s-reads-s", w / "s-reads-h", "dir")
                    elif name != "oci-none":  # otherwise the writers' gzip bytes differ
                        self.assertEqual(len(set(results.values())), 1, results)
                        self.assert_same_tree(w / "s-reads-s", w / "s-reads-h")
                        self.assert_same_tree(w / "s-reads-s", w / "h-reads-s")
                    else:
                        self.assertEqual(results[("s", "h")], results[("h", "h")], results)
                        self.assertEqual(self.semantics(w / "s-reads-s", "dir"),
                                         self.semantics(w / "s-reads-h", "dir"))
                        self.assert_same_tree(w / "s-reads-h", w / "h-reads-h")


# ---------------------------------------------------------------------------------------------
# error texts

class Errors(Base):
    def compare(self, args, prepare=None):
        _, rs, _, rh = self.both(args, prepare=prepare)
        self.assertNotEqual(rs.rc, 0, "oracle unexpectedly succeeded:\n" + rs.describe())
        self.assert_same_result(rs, rh)
        return rs, rh

    def test_bad_references(self):
        zero = "sha256:" + "0" * 64
        for ref in ["foo", "nope:foo", "docker:foo", "docker://Foo/Bar", f"docker://foo:t@{zero}",
                    "docker://" + "a" * 64, "oci:/tmp/x:B@@", "dir:"]:
            with self.subTest(ref=ref, cmd="inspect"):
                self.compare(["inspect", ref])
            with self.subTest(ref=ref, cmd="copy source"):
                self.compare([*GLOBAL, "copy", ref, "dir:out"])
            with self.subTest(ref=ref, cmd="copy destination"):
                if ref != "dir:":
                    self.compare([*GLOBAL, "copy", src_ref("oci-gzip", "dir"), ref])

    def test_policy_file(self):
        """--policy PATH: a reject-all policy refuses the copy with skopeo's text and writes nothing;
        a per-transport insecureAcceptAnything scope admits dir: sources again."""
        reject = {"default": [{"type": "reject"}]}
        scoped = {"default": [{"type": "reject"}], "transports": {"dir": {"": [{"type": "insecureAcceptAnything"}]}}}
        for name, policy, ok in (("reject", reject, False), ("scoped", scoped, True)):
            with self.subTest(name):
                def prepare(cwd, policy=policy):
                    (cwd / "policy.json").write_text(json.dumps(policy))
                cs, rs, ch, rh = self.both(["--policy", "policy.json", "copy", src_ref("oci-gzip", "dir"), "dir:out"],
                                           prepare=prepare)
                self.assert_same_result(rs, rh)
                self.assertEqual(rh.rc == 0, ok, rh.describe())
                if not ok:
                    self.assertIn("rejected by policy", rh.stderr)
                    self.assertFalse((ch / "out" / "manifest.json").exists())

    def test_command_timeout_applies_to_local_copies(self):
        """--command-timeout is skopeo's context deadline: a dir:→dir: copy stops too."""
        cs, rs, ch, rh = self.both(["--command-timeout", "1ns", *GLOBAL, "copy", src_ref("oci-gzip", "dir"), "dir:out"])
        self.assertEqual(rs.rc, 1, rs.describe())
        self.assertEqual(rh.rc, 1, rh.describe())
        self.assertIn('msg="copying layer: context deadline exceeded"', rs.stderr)
        self.assertEqual(rh.stderr, rs.stderr)
        self.assertFalse((ch / "out" / "manifest.json").exists())

    def test_nonexistent_paths(self):
        missing = str(T / "does-not-exist")
        for args in (["inspect", f"dir:{missing}"], ["inspect", f"oci:{missing}"],
                     ["inspect", f"oci:{missing}:v1"], [*GLOBAL, "copy", f"dir:{missing}", "dir:out"],
                     [*GLOBAL, "copy", f"oci:{missing}:v1", "oci:out"], ["manifest-digest", missing]):
            with self.subTest(args=args):
                self.compare(args)

    def test_oci_reference_not_found(self):
        # newest exits 2 ("image not found", skopeo >= 1.16); 1.9.3 exits 1 (normalized)
        for args in (["inspect", src_ref("oci-gzip", "oci", ref="nope")],
                     [*GLOBAL, "copy", src_ref("oci-gzip", "oci", ref="nope"), "dir:out"]):
            with self.subTest(args=args):
                rs, rh = self.compare(args)
                self.assertEqual(rh.rc, 2)

    def test_more_than_one_image(self):
        for args in (["inspect", f"oci:{FX / 'multi'}"], [*GLOBAL, "copy", f"oci:{FX / 'multi'}", "dir:out"]):
            with self.subTest(args=args):
                rs, rh = self.compare(args)
                self.assertIn("more than one image in oci, choose an image", rh.stderr)
        # and both named images are readable
        for ref in ("a", "b"):
            _, rs, _, rh = self.both(["inspect", f"oci:{FX / 'multi'}:{ref}"])
            self.assert_ok(rs)
            self.assert_same_result(rs, rh)

    def test_argument_count(self):
        src = src_ref("oci-gzip", "dir")
        for args in (["copy", src], ["copy", src, "dir:a", "dir:b"], ["copy"], ["inspect"],
                     ["inspect", src, src], ["inspect", "--raw", "--format", "x", src]):
            with self.subTest(args=args):
                self.compare(args)

    @since((1, 16, 0))
    def test_no_matching_platform(self):
        r = self.run_tool(HOIST, ["--override-arch", "s390x", "inspect", src_ref("docker-list", "dir")],
                          self.work)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertIn('msg="Error parsing manifest for image: choosing image instance: no image found in '
                      'manifest list for architecture \\"s390x\\", variant \\"\\", OS \\"linux\\""',
                      r.stderr)


# ---------------------------------------------------------------------------------------------
# corrupt input

def _break(path: Path, how: str, digest: str):
    if how == "flip":
        b = bytearray(path.read_bytes())
        b[len(b) // 2] ^= 0x01
        path.write_bytes(bytes(b))
    elif how == "truncate":
        path.write_bytes(path.read_bytes()[:-100])
    elif how == "missing":
        path.unlink()


# A config blob that does not match its digest: every release up to 1.22.2 says
# "Download config.json digest X does not match expected Y"; skopeo main (the spec's "newest"
# baseline, c/image internal/image/digest_validation.go, used by ConfigBlob in oci.go and
# docker_schema2.go) says "config validation failed: blob digest X does not match expected Y".
# A main-only delta that §0 does not list: mapped here for the config-flip cases only, exactly.
_LEGACY_CONFIG_MISMATCH = re.compile(r"Download config\.json digest (sha256:[0-9a-f]{64}) "
                                     r"does not match expected (sha256:[0-9a-f]{64})")


def main_config_mismatch_text(r, version):
    if version >= util.NEWEST:
        return r
    return util.Result(r.argv, r.rc, r.stdout, _LEGACY_CONFIG_MISMATCH.sub(
        r"config validation failed: blob digest \1 does not match expected \2", r.stderr))


class BadInput(Base):
    @classmethod
    def setUpClass(cls):
        """Broken copies of oci-gzip (dir: and oci: layouts), shared read-only by both tools."""
        cls.bad = {}
        img = BUILT["oci-gzip"]
        layer = img.layers[1].digest
        for how in ("flip", "truncate", "missing", "config-flip", "badjson", "pathdigest"):
            for layout in ("dir", "oci"):
                p = FX / "bad" / f"{how}-{layout}"
                img.write(p, layout, ref=None if layout == "dir" else "v1")
                blobdir = p if layout == "dir" else p / "blobs" / "sha256"
                man = blobdir / images.hex_of(img.digest) if layout == "oci" else p / "manifest.json"
                if how in ("flip", "truncate", "missing"):
                    _break(blobdir / images.hex_of(layer), how, layer)
                elif how == "config-flip":
                    _break(blobdir / images.hex_of(img.config_digest), "flip", img.config_digest)
                elif how == "badjson":
                    man.write_bytes(img.manifest[:-7])
                elif how == "pathdigest":
                    man.write_bytes(img.manifest.replace(layer.encode(), b"sha256:../../x"))
                cls.bad[(how, layout)] = f"{layout}:{p}" + (":v1" if layout == "oci" else "")

    def test_bad_input_fails_cleanly(self):
        # (how, compare stderr exactly?) — the path-digest text differs between 1.9.3 and newest
        for how, exact in (("flip", True), ("truncate", True), ("missing", True), ("config-flip", True),
                           ("badjson", True), ("pathdigest", False)):
            for sl in ("dir", "oci"):
                for dl in ("dir", "oci"):
                    with self.subTest(how=how, src=sl, dest=dl):
                        args = [*GLOBAL, "copy", self.bad[(how, sl)], dest_ref(dl)]
                        cs, rs, ch, rh = self.both(args)
                        if how == "config-flip":
                            rs, rh = main_config_mismatch_text(rs, VS), main_config_mismatch_text(rh, VH)
                        self.assertNotEqual(rs.rc, 0, rs.describe())
                        self.assertNotEqual(rh.rc, 0, rh.describe())
                        if exact:
                            self.assert_same_result(rs, rh, stdout=False)
                        if how in ("flip", "truncate"):
                            self.assertIn("Digest did not match, expected", rh.stderr)
                        if how == "pathdigest":
                            # 1.9.3 names the digest; newest validates it ("invalid checksum digest")
                            self.assertRegex(rh.stderr, r"sha256:\.\./\.\./x|invalid checksum digest")
                            for root in (cs, ch):   # nothing escaped the destination
                                self.assertEqual(sorted(p.name for p in root.parent.rglob("x")), [])
                        self.assert_no_visible_image(ch / "out", dl)
                        self.assert_no_visible_image(cs / "out", dl)

    @hoist_only
    def test_diff_id_mismatch_is_caught_while_streaming(self):
        """A config whose diff_id does not match its layer's uncompressed content: skopeo copies
        it silently; hoist checks the uncompressed bytes against the config whenever a copy
        decompresses a layer (--dest-decompress, recompression, docker-archive) and fails
        before anything becomes visible. A plain copy, which never decompresses, still works."""
        img = BUILT["oci-gzip"]
        cfg = json.loads(img.config)
        wrong = "sha256:" + "0" * 64
        cfg["rootfs"]["diff_ids"][1] = wrong
        config = images.compact(cfg)
        man = json.loads(img.manifest)
        man["config"]["digest"], man["config"]["size"] = images.sha256(config), len(config)
        blobs = {d: b for d, b in img.blobs.items() if d != img.config_digest}
        blobs[images.sha256(config)] = config
        bad = replace(img, manifest=images.compact(man), config=config, blobs=blobs)
        src = FX / "bad" / "diffid-dir"
        bad.write(src, "dir")
        layer = img.layers[1].digest
        for extra, dest in ((["--dest-decompress"], "dir:out"),
                            (["--dest-compress", "--dest-compress-format", "zstd"], "dir:out"),
                            ([], "docker-archive:out.tar")):
            with self.subTest(extra=extra, dest=dest):
                cwd = self.fresh_cwds()[1]
                r = self.run_tool(HOIST, [*GLOBAL, "copy", *extra, f"dir:{src}", dest], cwd)
                self.assertEqual(r.rc, 1, r.describe())
                self.assertIn(f"layer {layer}: uncompressed content has digest {img.layers[1].diff_id}, "
                              f"but the image config lists diff_id {wrong}", r.stderr)
                if dest.startswith("dir:"):
                    self.assert_no_visible_image(cwd / "out", "dir")
                else:
                    self.assertFalse((cwd / "out.tar").exists(), "archive left behind")
        cwd = self.fresh_cwds()[1]
        self.assert_ok(self.run_tool(HOIST, [*GLOBAL, "copy", f"dir:{src}", "dir:out"], cwd))

    def test_inspect_bad_input(self):
        for how, variant in (("badjson", []), ("config-flip", []), ("config-flip", ["--config"]),
                             ("config-flip", ["--config", "--raw"])):
            for sl in ("dir", "oci"):
                with self.subTest(how=how, src=sl, variant=variant):
                    _, rs, _, rh = self.both(["inspect", *variant, self.bad[(how, sl)]])
                    if how == "config-flip":
                        rs, rh = main_config_mismatch_text(rs, VS), main_config_mismatch_text(rh, VH)
                    self.assert_same_result(rs, rh)

    def test_failed_copy_keeps_existing_oci_image(self):
        def prepare(cwd):
            images.build_fixture("oci-40", seed=5).write(cwd / "out", "oci", ref="old")
        for how in ("flip", "missing"):
            with self.subTest(how=how):
                cs, rs, ch, rh = self.both([*GLOBAL, "copy", self.bad[(how, "dir")], "oci:out:old"],
                                           prepare=prepare)
                self.assertNotEqual(rh.rc, 0)
                for cwd, binary in ((cs, SKOPEO), (ch, HOIST)):
                    ref = cwd.parent / "ref-old"
                    shutil.rmtree(ref, ignore_errors=True)
                    images.build_fixture("oci-40", seed=5).write(ref, "oci", ref="old")
                    want, got = util.tree(ref), util.tree(cwd / "out")
                    missing_or_changed = {k: v for k, v in want.items() if got.get(k) != v}
                    self.assertEqual(missing_or_changed, {}, f"{binary}: old image damaged")
                    r = self.run_tool(binary, ["inspect", "--format", "{{.Digest}}", "oci:out:old"], cwd)
                    self.assertEqual(r.stdout, images.build_fixture("oci-40", seed=5).digest + "\n",
                                     r.describe())

    @hoist_only
    def test_failed_copy_keeps_existing_dir_image(self):
        """skopeo empties a dir: destination before copying (so a failed copy destroys the old
        image); hoist keeps the old image until the new one is complete, and a failed copy
        removes the blobs it had already written."""
        ch = self.work / "h"
        ch.mkdir()
        old = images.build_fixture("oci-40", seed=5)  # shares no blob with the source
        old.write(ch / "out", "dir")
        before = util.tree(ch / "out")
        for how in ("flip", "truncate", "missing", "badjson"):
            with self.subTest(how=how):
                r = self.run_tool(HOIST, [*GLOBAL, "copy", self.bad[(how, "dir")], "dir:out"], ch)
                self.assertNotEqual(r.rc, 0, r.describe())
                after = util.tree(ch / "out")
                d = util.tree_diff(before, {k: after.get(k) for k in before if k in after} | {})
                self.assertEqual(d, "", "old dir: image changed by a failed copy:\n" + d)
                extra = sorted(set(after) - set(before))
                self.assertEqual(extra, [], "files of the failed copy left next to the old image")
                r = self.run_tool(HOIST, ["inspect", "--format", "{{.Digest}}", "dir:out"], ch)
                self.assertEqual(r.stdout, old.digest + "\n", r.describe())


# ---------------------------------------------------------------------------------------------
# crash safety: SIGKILL mid-copy

class CrashSafety(Base):
    SIZE = 200 * 1024 * 1024
    FLAGS = ["--dest-oci-accept-uncompressed-layers"]  # keep the bytes compressor-independent

    @classmethod
    def setUpClass(cls):
        cls.big = FX / "big"
        if not cls.big.exists():
            images.build_image("oci", layers=1, compression="none", seed=99,
                               size=cls.SIZE).write(cls.big, "dir")

    def _mid_copy(self, dest_dir: Path, layout: str) -> bool:
        """True if dest has started receiving data but no image is visible yet."""
        if not dest_dir.exists():
            return False
        visible = (dest_dir / ("manifest.json" if layout == "dir" else "index.json")).exists()
        written = sum(p.stat().st_size for p in dest_dir.rglob("*") if p.is_file()
                      and p.name not in ("version", "oci-layout"))
        return written > 0 and not visible

    def _kill_mid_copy(self, cwd, layout):
        dest = dest_ref(layout)
        delay = 0.2
        for attempt in range(12):
            shutil.rmtree(cwd / "out", ignore_errors=True)
            p = subprocess.Popen([HOIST, *GLOBAL, "copy", *self.FLAGS, f"dir:{self.big}", dest], cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            if p.poll() is not None:      # finished (or failed) before the kill: kill sooner
                delay /= 2
                continue
            mid = self._mid_copy(cwd / "out", layout)
            p.send_signal(signal.SIGKILL)
            p.wait()
            if mid and self._mid_copy(cwd / "out", layout):
                return attempt
            delay *= 1.5                  # killed before any data was written: wait longer
        self.skipTest("could not kill the copy mid-transfer (too fast or too slow)")

    def test_sigkill_mid_copy(self):
        for layout in ("dir", "oci"):
            with self.subTest(layout=layout):
                cwd = self.work / layout
                cwd.mkdir()
                self._kill_mid_copy(cwd, layout)
                self.assert_no_visible_image(cwd / "out", layout)
                self.assert_blobs_valid(cwd / "out")
                r = self.run_tool(HOIST, [*GLOBAL, "copy", *self.FLAGS, f"dir:{self.big}", dest_ref(layout)], cwd)
                self.assert_ok(r)
                ref = self.work / f"ref-{layout}"
                ref.mkdir()
                self.assert_ok(self.run_tool(SKOPEO, [*GLOBAL, "copy", *self.FLAGS, f"dir:{self.big}",
                                                      dest_ref(layout)], ref))
                # the re-run removed the killed process's temporary files (dir: at commit,
                # oci: when the destination is opened): the tree is exactly skopeo's
                self.assert_same_tree(ref / "out", cwd / "out")
                self.assert_blobs_valid(cwd / "out")
                shutil.rmtree(ref)
                shutil.rmtree(cwd)


# ---------------------------------------------------------------------------------------------
# umoci accepts hoist's OCI output

@unittest.skipUnless(shutil.which("umoci"), "umoci not installed")
class Umoci(Base):
    def test_umoci_unpacks_hoist_output(self):
        for name, flags in (("oci-gzip", []), ("docker-gzip", []), ("oci-none", []),
                            ("oci-40", []), ("docker-list", []), ("schema1", []),
                            ("oci-index", ["--all"])):
            with self.subTest(name=name):
                w = self.work / name
                w.mkdir()
                r = self.run_tool(HOIST, [*GLOBAL, "copy", *flags, src_ref(name, "dir"), "oci:layout:t"], w)
                self.assert_ok(r)
                if flags:  # an index: umoci needs a manifest; unpack the amd64 instance by digest
                    index = json.loads((w / "layout" / "index.json").read_bytes())
                    self.assertEqual(index["manifests"][0]["mediaType"], images.OCI_INDEX)
                    continue
                u = util.run(["umoci", "unpack", "--rootless", "--image", "layout:t", "bundle"], cwd=w)
                self.assertEqual(u.rc, 0, u.describe())
                img = BUILT[name]
                img = img.instances[0] if img.instances else img
                n = len(img.layers)
                rootfs = w / "bundle" / "rootfs"
                # last layer's files are there, with the content the fixture generated
                text = rootfs / f"usr/share/hoist-{n - 1}/text.txt"
                self.assertTrue(text.is_file(), f"{text} missing")
                lt = images.make_layer_tar(img.seed, n - 1, img.size)
                with tarfile.open(fileobj=io.BytesIO(lt)) as tf:
                    want = tf.extractfile(f"usr/share/hoist-{n - 1}/text.txt").read()
                self.assertEqual(text.read_bytes(), want)
                self.assertTrue((rootfs / f"usr/share/hoist-{n - 1}/link-to-text").is_symlink())
                if n > 1:  # the whiteout in the last layer removed the previous layer's conf
                    self.assertFalse((rootfs / f"etc/hoist-{n - 2}.conf").exists())
                    self.assertTrue((rootfs / f"etc/hoist-{n - 1}.conf").exists())


if __name__ == "__main__":
    unittest.main()
