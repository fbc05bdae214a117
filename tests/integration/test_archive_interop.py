"""hoist vs skopeo on archives (docker-archive:, oci-archive:): same bytes, same output,
each tool reads the other's archives, hostile archives are refused.

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_archive_interop

SKOPEO (default `skopeo`) is the oracle.  Both tools run the same arguments in their own working
directory (relative paths, so error texts are identical); output goes through lib.util.normalize
(the skopeo-compat.md §0 deltas).  Self-check: `HOIST=skopeo python3 -m unittest -v
test_archive_interop` passes, skipping the @hoist_only tests.  HOIST_KEEP_TMP=1 keeps the temp dir.
"""

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.tools import GLOBAL, HOIST, HOIST_IS_SKOPEO, SKOPEO, VH, VS, WorkDirCase, hoist_only  # noqa: E402,F401

T = None  # module temp root
FX = None  # FX/<fixture>/dir: dir: layouts of the generated images
FIXTURES = ["docker-gzip", "oci-gzip", "oci-none"]


def setUpModule():
    global T, FX
    os.umask(0o022)
    T = Path(tempfile.mkdtemp(prefix="hoist-archive-interop-"))
    FX = T / "fx"
    for name in FIXTURES:
        images.build_fixture(name).write(FX / name / "dir", "dir")
    if os.environ.get("HOIST_KEEP_TMP"):
        print(f"\n[test_archive_interop] temp dir: {T}", file=sys.stderr)


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


def members(path):
    """[(name, type, mode, uid, gid, uname, gname, size, linkname, data)] of a tar, in order."""
    out = []
    with tarfile.open(path) as t:
        for m in t.getmembers():
            data = t.extractfile(m).read() if m.isreg() else b""
            out.append((m.name, m.type, m.mode, m.uid, m.gid, m.uname, m.gname, m.size, m.linkname, data))
    return out


def in_skopeo_order(entries):
    """Tar members in the order skopeo's directory walk writes them (names sorted, which for an
    OCI layout puts each directory before its contents); hoist writes blobs as they are copied."""
    return sorted(entries, key=lambda m: m[0])


def newest_oci_file(name, data, version):
    """skopeo 1.9.3's oci-layout / fresh index.json as the newest skopeo writes them (§0)."""
    if version < (1, 14, 0) and name == "oci-layout":
        data = data.replace(b'{"imageLayoutVersion": "1.0.0"}', b'{"imageLayoutVersion":"1.0.0"}')
    head = b'{"schemaVersion":2,'
    if version < (1, 22, 0) and name == "index.json" and data.startswith(head) and b'"mediaType":"application/vnd.oci.image.index' not in data[:80]:
        data = head + b'"mediaType":"application/vnd.oci.image.index.v1+json",' + data[len(head):]
    return data


def add_file(t, name, data, mode=0o444, type_=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.size = len(data) if type_ == tarfile.REGTYPE else 0
    info.mode = mode
    info.type = type_
    info.linkname = linkname
    t.addfile(info, io.BytesIO(data) if type_ == tarfile.REGTYPE else None)


def docker_save_tar(path, items, gzip_layers=False):
    """A docker-archive with several images: items = [(repo_tags, layer_bytes)]; with
    gzip_layers the layer members are gzip-compressed (as umoci-made archives are)."""
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        manifest = []
        for n, (tags, layer) in enumerate(items):
            diff = images.sha256(layer)
            config = images.compact({"architecture": "amd64", "os": "linux", "created": f"2024-01-0{n + 1}T00:00:00Z",
                                     "rootfs": {"type": "layers", "diff_ids": [diff]}})
            add_file(t, images.hex_of(diff) + "/layer.tar", gzip.compress(layer, mtime=0) if gzip_layers else layer)
            add_file(t, images.hex_of(images.sha256(config)) + ".json", config)
            manifest.append({"Config": images.hex_of(images.sha256(config)) + ".json", "RepoTags": tags,
                             "Layers": [images.hex_of(diff) + "/layer.tar"]})
        add_file(t, "manifest.json", json.dumps(manifest).encode())


class Base(WorkDirCase):

    def work_root(self):
        return T

    def fresh_cwds(self):
        self._n += 1
        cwds = (self.work / str(self._n) / "skopeo", self.work / str(self._n) / "hoist")
        for c in cwds:
            c.mkdir(parents=True)
        return cwds

    def both(self, args, prepare=None):
        """Run args with skopeo and hoist, each in a fresh cwd; results normalized (§0), cwd masked."""
        out = []
        for binary, cwd, v, peer in zip((SKOPEO, HOIST), self.fresh_cwds(), (VS, VH), (VH, VS)):
            if prepare:
                prepare(cwd)
            r = util.normalize(util.run([binary, *args], cwd=cwd), v, peer_version=peer)
            r = util.Result(r.argv, r.rc, r.stdout.replace(str(cwd), "<cwd>"), r.stderr.replace(str(cwd), "<cwd>"))
            out += [cwd, r]
        return tuple(out)

    def assert_same_result(self, rs, rh, stdout=True):
        ctx = f"\n== skopeo (oracle) ==\n{rs.describe()}\n== hoist ==\n{rh.describe()}"
        self.assertEqual(rs.rc, rh.rc, "exit codes differ" + ctx)
        if stdout:
            self.assertEqual(sorted(rs.stdout.splitlines()), sorted(rh.stdout.splitlines()), "stdout differs" + ctx)
            self.assertEqual(rs.stdout.splitlines()[:1], rh.stdout.splitlines()[:1], "stdout differs" + ctx)
        self.assertEqual(rs.stderr, rh.stderr, "stderr differs" + ctx)

    def assert_ok(self, r):
        self.assertEqual(r.rc, 0, "command failed:\n" + r.describe())

    def hoist(self, args, cwd):
        return util.run([HOIST, *args], cwd=cwd)

    def skopeo(self, args, cwd):
        return util.run([SKOPEO, *args], cwd=cwd)


class DockerArchiveWrite(Base):
    def check_identical(self, fixture, dest_suffix, extra=()):
        args = [*GLOBAL, "copy", *extra, f"dir:{FX / fixture / 'dir'}", "docker-archive:out.tar" + dest_suffix]
        cs, rs, ch, rh = self.both(args)
        self.assert_same_result(rs, rh)
        a, b = (cs / "out.tar").read_bytes(), (ch / "out.tar").read_bytes()
        if a != b:
            self.assertEqual(members(cs / "out.tar"), members(ch / "out.tar"))
            self.fail("archives differ in bytes but not in members")
        self.assertEqual(sorted(os.listdir(ch)), ["out.tar"], "hoist left temporary files")

    def test_tagged_with_additional_tag(self):
        for fixture in FIXTURES:
            with self.subTest(fixture):
                self.check_identical(fixture, ":example.com/ns/img:v1", ["--additional-tag", "other:latest"])

    def test_untagged(self):
        self.check_identical("docker-gzip", "")

    def test_refuses_existing_archive(self):
        args = [*GLOBAL, "copy", f"dir:{FX / 'docker-gzip' / 'dir'}", "docker-archive:out.tar"]
        cs, rs, ch, rh = self.both(args, prepare=lambda cwd: (cwd / "out.tar").write_bytes(b"old"))
        self.assert_same_result(rs, rh)
        self.assertIn("docker-archive doesn't support modifying existing images", rh.stderr)
        self.assertEqual((ch / "out.tar").read_bytes(), b"old")

    @hoist_only
    def test_decompressed_layers_are_not_staged(self):
        """A docker-archive stores layers uncompressed, so their size is known only after
        decompressing. skopeo spools each one to --tmpdir first; hoist writes it straight
        into the archive and patches the member header: with an unusable --tmpdir hoist still
        writes skopeo's exact bytes, and skopeo fails."""
        args = [f"dir:{FX / 'docker-gzip' / 'dir'}", "docker-archive:out.tar:example.com/ns/img:v1"]
        cs, ch = self.fresh_cwds()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", *args], cs))
        rh = self.hoist(["--tmpdir", "/nonexistent/tmp", *GLOBAL, "copy", *args], ch)
        self.assert_ok(rh)
        self.assertEqual((ch / "out.tar").read_bytes(), (cs / "out.tar").read_bytes())
        rs = self.skopeo(["--tmpdir", "/nonexistent/tmp", *GLOBAL, "copy", *args], self.fresh_cwds()[0])
        self.assertNotEqual(rs.rc, 0, "skopeo no longer spools: the premise of this test changed")

    def test_index_destination_is_refused(self):
        cs, rs, ch, rh = self.both([*GLOBAL, "copy", f"dir:{FX / 'docker-gzip' / 'dir'}", "docker-archive:out.tar:@0"])
        self.assert_same_result(rs, rh)
        self.assertNotEqual(rh.rc, 0)


class OciArchiveWrite(Base):
    # Only images whose layers are already compressed: an OCI destination gzips uncompressed
    # layers, and hoist's gzip bytes differ from Go's pgzip (skopeo-compat.md §7.5).
    def test_same_members_as_skopeo(self):
        for fixture in ("docker-gzip", "oci-gzip"):
            with self.subTest(fixture):
                cs, rs, ch, rh = self.both([*GLOBAL, "copy", f"dir:{FX / fixture / 'dir'}", "oci-archive:out.tar:v1"])
                self.assert_same_result(rs, rh)
                ms, mh = members(cs / "out.tar"), members(ch / "out.tar")
                ms = [m[:7] + (len(newest_oci_file(m[0], m[9], VS)),) + m[8:9] + (newest_oci_file(m[0], m[9], VS),)
                      for m in ms]
                mh = [m[:7] + (len(newest_oci_file(m[0], m[9], VH)),) + m[8:9] + (newest_oci_file(m[0], m[9], VH),)
                      for m in mh]
                self.assertEqual(in_skopeo_order(ms), ms)
                self.assertEqual(in_skopeo_order(mh), ms)
                self.assert_streamed_order([m[0] for m in mh])
                self.assertEqual(sorted(os.listdir(ch)), ["out.tar"])

    def assert_streamed_order(self, names):
        """hoist writes blobs as they are copied: directories first, index.json and oci-layout last."""
        if HOIST_IS_SKOPEO:
            return
        self.assertEqual(names[:2], ["blobs", "blobs/sha256"])  # tarfile drops the "/"
        self.assertEqual(names[-2:], ["index.json", "oci-layout"])

    def test_replaces_an_existing_archive(self):
        prepare = lambda cwd: shutil.copy(FX / "oci-none" / "dir" / "manifest.json", cwd / "out.tar")  # noqa: E731
        cs, rs, ch, rh = self.both([*GLOBAL, "copy", f"dir:{FX / 'oci-gzip' / 'dir'}", "oci-archive:out.tar"],
                                   prepare=prepare)
        self.assert_same_result(rs, rh)
        self.assertEqual([m[0] for m in members(cs / "out.tar")],
                         [m[0] for m in in_skopeo_order(members(ch / "out.tar"))])


    @hoist_only
    def test_layers_are_not_staged(self):
        """skopeo builds the layout in --tmpdir and tars it at commit; hoist streams each blob
        into the archive once, so an unusable --tmpdir does not matter and skopeo fails."""
        args = [f"dir:{FX / 'oci-gzip' / 'dir'}", "oci-archive:out.tar:v1"]
        cs, ch = self.fresh_cwds()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", *args], cs))
        self.assert_ok(self.hoist(["--tmpdir", "/nonexistent/tmp", *GLOBAL, "copy", *args], ch))
        blobs = lambda path: [m for m in in_skopeo_order(members(path)) if m[0].startswith("blobs")]  # noqa: E731
        self.assertEqual(blobs(ch / "out.tar"), blobs(cs / "out.tar"))
        rs = self.skopeo(["--tmpdir", "/nonexistent/tmp", *GLOBAL, "copy", *args], self.fresh_cwds()[0])
        self.assertNotEqual(rs.rc, 0, "skopeo no longer stages: the premise of this test changed")

    def test_failed_copy_keeps_the_old_archive(self):
        """A layer that fails its digest check mid-copy: the same error as skopeo, PATH untouched,
        no temporary file left beside it."""
        bad = self.work / "bad-src"
        shutil.copytree(FX / "oci-gzip" / "dir", bad)
        layer = max((p for p in bad.iterdir() if len(p.name) == 64), key=lambda p: p.stat().st_size)
        data = bytearray(layer.read_bytes())
        data[len(data) // 2] ^= 1
        layer.write_bytes(bytes(data))
        old = b"previous archive"
        cs, rs, ch, rh = self.both([*GLOBAL, "copy", f"dir:{bad}", "oci-archive:out.tar:v1"],
                                   prepare=lambda cwd: (cwd / "out.tar").write_bytes(old))
        # stdout aside: skopeo copies the layers in parallel and announces them all before the
        # bad one fails; hoist writes them one at a time into the archive and stops there.
        self.assert_same_result(rs, rh, stdout=False)
        self.assertNotEqual(rh.rc, 0)
        self.assertEqual((ch / "out.tar").read_bytes(), old)
        self.assertEqual(sorted(os.listdir(ch)), ["out.tar"])


class CrossRead(Base):
    """Each tool reads the archives the other wrote; the results must be identical dir: trees."""

    def make_archives(self, binary, cwd):
        for fixture in FIXTURES:
            self.assert_ok(util.run([binary, *GLOBAL, "copy", f"dir:{FX / fixture / 'dir'}",
                                     f"docker-archive:{fixture}.da.tar:example.com/x:{fixture}"], cwd=cwd))
            self.assert_ok(util.run([binary, *GLOBAL, "copy", f"dir:{FX / fixture / 'dir'}",
                                     f"oci-archive:{fixture}.oa.tar:v1"], cwd=cwd))

    def test_each_reads_the_others_archives(self):
        written = {}
        for name, binary in (("skopeo", SKOPEO), ("hoist", HOIST)):
            written[name] = self.work / ("by-" + name)
            written[name].mkdir()
            self.make_archives(binary, written[name])
        for fixture in FIXTURES:
            for suffix, ref in ((".da.tar", "docker-archive:{}"), (".oa.tar", "oci-archive:{}:v1")):
                for writer in ("skopeo", "hoist"):
                    archive = written[writer] / (fixture + suffix)
                    with self.subTest(fixture=fixture, archive=suffix, writer=writer):
                        cs, rs, ch, rh = self.both([*GLOBAL, "copy", ref.format(archive), "dir:out"])
                        self.assert_same_result(rs, rh)
                        self.assertEqual(util.tree_diff(util.tree(cs / "out"), util.tree(ch / "out")), "")
                        cs, rs, ch, rh = self.both(["inspect", "--raw", ref.format(archive)])
                        self.assert_same_result(rs, rh)

    @hoist_only
    def test_compressed_docker_archive(self):
        # skopeo 1.9.3 (c/image 5.22) fails on every compressed docker-archive with "loading tar
        # component manifest.json: unexpected EOF"; the newest reads them (§4.4).  So hoist on the
        # gzipped archive is compared with skopeo on the plain one.
        base = self.work / "base"
        base.mkdir()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"dir:{FX / 'docker-gzip' / 'dir'}", "docker-archive:a.tar"], base))
        (base / "a.tar.gz").write_bytes(gzip.compress((base / "a.tar").read_bytes()))
        cs, ch = self.fresh_cwds()
        rs = self.skopeo([*GLOBAL, "copy", f"docker-archive:{base / 'a.tar'}", "dir:out"], cs)
        rh = self.hoist([*GLOBAL, "copy", f"docker-archive:{base / 'a.tar.gz'}", "dir:out"], ch)
        self.assert_ok(rh)
        self.assertEqual(util.normalize(rs, VS).stdout, util.normalize(rh, VH).stdout)
        self.assertEqual(util.tree_diff(util.tree(cs / "out"), util.tree(ch / "out")), "")

    @hoist_only
    def test_compressed_archive_is_read_only_to_its_end(self):
        """docker save | gzip, then 8 MiB of noise after the tar's end marker, the gzip stream
        cut short: hoist stops decompressing where the tar ends, so it never meets the damage
        (skopeo decompresses all of it to --tmpdir). The same archive without its end marker
        fails with a clear error."""
        base = self.work / "base"
        base.mkdir()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"dir:{FX / 'docker-gzip' / 'dir'}", "docker-archive:a.tar"], base))
        plain = (base / "a.tar").read_bytes()
        noisy = gzip.compress(plain + os.urandom(8 << 20))
        (base / "noisy.tar.gz").write_bytes(noisy[:-4096])
        cs, ch = self.fresh_cwds()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"docker-archive:{base / 'a.tar'}", "dir:out"], cs))
        self.assert_ok(self.hoist([*GLOBAL, "copy", f"docker-archive:{base / 'noisy.tar.gz'}", "dir:out"], ch))
        self.assertEqual(util.tree_diff(util.tree(cs / "out"), util.tree(ch / "out")), "")
        stripped = plain.rstrip(b"\0")
        (base / "cut.tar.gz").write_bytes(gzip.compress(stripped + os.urandom(8 << 20))[:-4096])
        r = self.hoist([*GLOBAL, "copy", f"docker-archive:{base / 'cut.tar.gz'}", "dir:out2"], ch)
        self.assertEqual(r.rc, 1, r.describe())
        self.assertIn("invalid tar header at offset", r.stderr)


    @hoist_only
    def test_archive_from_a_pipe(self):
        """`producer | hoist copy docker-archive:/dev/stdin …` with 8 MiB of zero padding after the
        tar: the producer must not die of EPIPE (pipefail), and the image equals skopeo's copy of
        the archive file (skopeo 1.9.3 reads no archive from a pipe: like a compressed one, its
        spooled copy fails with "loading tar component manifest.json: archive/tar: invalid tar
        header")."""
        base = self.work / "base"
        base.mkdir()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"dir:{FX / 'docker-gzip' / 'dir'}", "docker-archive:a.tar"], base))
        (base / "padded.tar").write_bytes((base / "a.tar").read_bytes() + bytes(8 << 20))
        cs, ch = self.fresh_cwds()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"docker-archive:{base / 'a.tar'}", "dir:out"], cs))
        cmd = f"cat {base / 'padded.tar'} | {HOIST} {' '.join(GLOBAL)} copy docker-archive:/dev/stdin dir:out"
        r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ch, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, f"{cmd}\n{r.stderr}")
        self.assertEqual(util.tree_diff(util.tree(cs / "out"), util.tree(ch / "out")), "")


class MultiImageArchive(Base):
    def setUp(self):
        super().setUp()
        self.archive = self.work / "multi.tar"
        layer = lambda n: images.make_layer_tar(seed=40 + n, index=0, size=512)  # noqa: E731
        docker_save_tar(self.archive, [(["example.com/a:1", "b:2"], layer(0)), ([], layer(1)), (["c:3"], layer(2))])

    def test_list_tags(self):
        cs, rs, ch, rh = self.both(["list-tags", f"docker-archive:{self.archive}"])
        self.assert_same_result(rs, rh)
        self.assertEqual(json.loads(rh.stdout)["Tags"], ["example.com/a:1", "b:2", "@1", "c:3"])

    def test_selection_and_errors(self):
        for suffix in ("", ":@1", ":@7", ":b:2", ":docker.io/library/c:3", ":nope:1"):
            with self.subTest(suffix):
                cs, rs, ch, rh = self.both(["inspect", f"docker-archive:{self.archive}{suffix}"])
                self.assert_same_result(rs, rh)


    def test_compressed_layer_members(self):
        archive = self.work / "gz-layers.tar"
        docker_save_tar(archive, [(["x:1"], images.make_layer_tar(seed=7, index=0, size=2048))], gzip_layers=True)
        cs, rs, ch, rh = self.both(["inspect", "--raw", f"docker-archive:{archive}"])
        self.assert_same_result(rs, rh)
        cs, rs, ch, rh = self.both([*GLOBAL, "copy", f"docker-archive:{archive}", "dir:out"])
        self.assert_same_result(rs, rh)
        self.assertEqual(util.tree_diff(util.tree(cs / "out"), util.tree(ch / "out")), "")


class Errors(Base):
    def test_missing_archives(self):
        for ref in ("docker-archive:nope.tar", "oci-archive:nope.tar", "oci-archive:nope.tar:v1"):
            with self.subTest(ref):
                cs, rs, ch, rh = self.both([*GLOBAL, "copy", ref, "dir:out"])
                self.assertEqual(rs.rc, rh.rc)
                self.assertNotEqual(rh.rc, 0)
                self.assertFalse((ch / "out" / "manifest.json").exists())

    def test_unknown_oci_archive_ref(self):
        base = self.work / "base"
        base.mkdir()
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"dir:{FX / 'oci-gzip' / 'dir'}", "oci-archive:a.tar:v1"], base))
        cs, rs, ch, rh = self.both(["inspect", f"oci-archive:{base / 'a.tar'}:other"])
        self.assert_same_result(rs, rh)
        self.assertIn('no descriptor found for reference \\"other\\"', rh.stderr)


class HostileArchives(Base):
    """Archives that try to escape, lie about sizes or end early: refused with a clear error,
    nothing written outside the destination, no image visible at the destination."""

    def valid_docker_archive(self, path):
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"dir:{FX / 'docker-gzip' / 'dir'}", f"docker-archive:{path}"],
                                   self.work))

    def attempt(self, transport, archive, expected):
        cwd = self.work / "run"
        cwd.mkdir(exist_ok=True)
        before = sorted(os.listdir(self.work))
        r = self.hoist([*GLOBAL, "copy", f"{transport}:{archive}", "dir:out"], cwd)
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertIn(expected, r.stderr, r.describe())
        self.assertFalse((cwd / "out" / "manifest.json").exists(), "an image became visible")
        self.assertEqual(sorted(os.listdir(self.work)), before, "files appeared outside the destination")
        self.assertFalse((self.work.parent / "evil").exists())

    def rewrite(self, src, dst, edit):
        """Copies the tar src to dst member by member, letting edit(info, data) change each."""
        with tarfile.open(src) as tin, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as tout:
            for m in tin.getmembers():
                data = tin.extractfile(m).read() if m.isreg() else b""
                m, data = edit(m, data)
                tout.addfile(m, io.BytesIO(data) if m.isreg() else None)

    @hoist_only
    def test_path_escape(self):
        good, bad = self.work / "good.tar", self.work / "bad.tar"
        self.valid_docker_archive(good)

        def edit(m, data):
            if m.name == "manifest.json":
                m.name = "../evil"
            return m, data
        self.rewrite(good, bad, edit)
        self.attempt("docker-archive", bad, 'archive member \\"../evil\\": path escapes the archive root')

    @hoist_only
    def test_symlink_escape(self):
        good, bad = self.work / "good.tar", self.work / "bad.tar"
        self.valid_docker_archive(good)

        def edit(m, data):
            if m.issym():
                m.linkname = "../../../etc/passwd"
            return m, data
        self.rewrite(good, bad, edit)
        self.attempt("docker-archive", bad, "outside the archive root")

    @hoist_only
    def test_oci_archive_escape(self):
        good, bad = self.work / "good.tar", self.work / "bad.tar"
        self.assert_ok(self.skopeo([*GLOBAL, "copy", f"dir:{FX / 'oci-gzip' / 'dir'}", f"oci-archive:{good}"],
                                   self.work))

        def edit(m, data):
            if m.name == "oci-layout":
                m.name = "blobs/../../evil"
            return m, data
        self.rewrite(good, bad, edit)
        self.attempt("oci-archive", bad, "path escapes the archive root")

    @hoist_only
    def test_size_lie(self):
        good, bad = self.work / "good.tar", self.work / "bad.tar"
        self.valid_docker_archive(good)
        data = bytearray(good.read_bytes())
        # The first member is a layer: claim it is 1 GiB (077777777 bytes) and fix the checksum.
        data[124:136] = b"%011o\0" % (1 << 30)
        data[148:156] = b" " * 8
        data[148:156] = b"%06o\0 " % sum(data[:512])
        bad.write_bytes(bytes(data))
        self.attempt("docker-archive", bad, "is truncated: its header declares 1073741824 bytes")

    @hoist_only
    def test_truncated_member(self):
        good, bad = self.work / "good.tar", self.work / "bad.tar"
        self.valid_docker_archive(good)
        with tarfile.open(good) as t:
            last = t.getmembers()[-1]
        bad.write_bytes(good.read_bytes()[:last.offset_data + last.size // 2])
        self.attempt("docker-archive", bad, "is truncated")

    def test_both_refuse_a_corrupt_header(self):
        good = self.work / "good.tar"
        self.valid_docker_archive(good)
        data = bytearray(good.read_bytes())
        data[5] ^= 0x20  # breaks the first header's checksum
        (self.work / "bad.tar").write_bytes(bytes(data))
        for binary in (SKOPEO, HOIST):
            r = util.run([binary, *GLOBAL, "copy", f"docker-archive:{self.work / 'bad.tar'}", "dir:out"], cwd=self.work)
            self.assertNotEqual(r.rc, 0, r.describe())
            self.assertFalse((self.work / "out" / "manifest.json").exists())


if __name__ == "__main__":
    unittest.main()
