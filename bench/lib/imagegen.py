"""Benchmark images: realistic gzip layers, written as skopeo `dir:` layouts, and a small
registry pusher (HTTP API v2, monolithic uploads, cross-repo mounts). python3 stdlib only.

Layer content is a PAX tar of files whose sizes follow a log-normal law (median 8 KiB),
in nested directories, with symlinks. File bodies mix three kinds of bytes (shares of
bytes): 55 % code-like text, 30 % instruction-like binary (skewed byte distribution, zero
runs), 15 % incompressible. Bodies are slices of large pre-generated pools taken at random
offsets (repeats are far beyond gzip's 32 KiB window), so generation is fast and gzip -6
gives ≈2:1, like real images. Everything is seeded: same arguments → same bytes.
"""
import gzip
import hashlib
import http.client
import io
import json
import os
import random
import tarfile
import threading
import time
import urllib.parse
import zlib
from concurrent.futures import ThreadPoolExecutor

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
EPOCH = 1704067200  # 2024-01-01

_POOLS = {}
_POOL_SIZE = 8 << 20


def _pools():
    if _POOLS:
        return _POOLS
    rng = random.Random(12345)
    words = ("int return if else for while const auto void struct class static std size_t "
             "namespace template typename public private include define error value name data "
             "buffer length index count result status config path file open close read write "
             "0 1 2 16 255 NULL true false ( ) { } [ ] ; , -> :: == != = + - * / < > && ||").split()
    weights = [1.0 / (i + 1) for i in range(len(words))]
    toks = rng.choices(words, weights, k=_POOL_SIZE // 4)
    for i in range(0, len(toks), 9):
        toks[i] = "\n" + " " * (4 * (i % 3)) + toks[i]
    for i in range(5, len(toks), 23):
        toks[i] = str(i % 4099)
    text = " ".join(toks)[:_POOL_SIZE]
    # binary: random bytes mapped onto a skewed alphabet, with zero runs
    table = bytes(min(255, int((i / 256.0) ** 3 * 256)) if i % 3 else i for i in range(256))
    parts = []
    size = 0
    while size < _POOL_SIZE:
        k = rng.randrange(64, 4096)
        parts.append(rng.randbytes(k).translate(table))
        if rng.random() < 0.25:
            parts.append(b"\0" * rng.randrange(16, 512))
        size += k
    _POOLS["text"] = text.encode()
    _POOLS["bin"] = b"".join(parts)
    return _POOLS


def _body(rng, size):
    pools = _pools()
    out = []
    while size > 0:
        r = rng.random()
        k = min(size, rng.randrange(1024, 16384))
        if r < 0.15:
            out.append(rng.randbytes(k))
        else:
            pool = pools["text" if r < 0.70 else "bin"]
            off = rng.randrange(0, len(pool) - k)
            out.append(pool[off:off + k])
        size -= k
    return b"".join(out)


class _GzipSink:
    """File-like: gzip-compresses (level 6, no name/mtime) into `path`, hashing both sides."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.z = zlib.compressobj(6, zlib.DEFLATED, 31)
        self.diff = hashlib.sha256()
        self.blob = hashlib.sha256()
        self.out = 0

    def write(self, data):
        self.diff.update(data)
        self._emit(self.z.compress(data))
        return len(data)

    def _emit(self, c):
        if c:
            self.blob.update(c)
            self.f.write(c)
            self.out += len(c)

    def close(self):
        self._emit(self.z.flush())
        self.f.close()


def make_layer(path, target, seed, prefix="usr"):
    """Writes a gzip tar layer of about `target` compressed bytes to path.
    Returns (blob digest, size, diff_id)."""
    rng = random.Random(seed)
    sink = _GzipSink(path)
    tf = tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT)
    dirs = []

    def add_dir(name):
        ti = tarfile.TarInfo(name)
        ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, EPOCH
        tf.addfile(ti)
        dirs.append(name)

    add_dir(prefix)
    nfile = 0
    while sink.out < target:
        if rng.random() < 0.08 or len(dirs) < 3:
            add_dir("%s/d%03d" % (rng.choice(dirs), len(dirs)))
            continue
        name = "%s/f%05d%s" % (rng.choice(dirs), nfile, rng.choice([".so", ".py", ".txt", ".h", "", ".bin"]))
        nfile += 1
        if rng.random() < 0.03:
            ti = tarfile.TarInfo(name)
            ti.type, ti.linkname, ti.mtime = tarfile.SYMTYPE, "../lib/target", EPOCH
            tf.addfile(ti)
            continue
        size = min(int(rng.lognormvariate(9.0, 1.6)), 8 << 20)  # median e^9 ≈ 8 KiB
        data = _body(rng, size)
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime = len(data), rng.choice([0o644, 0o755]), EPOCH
        tf.addfile(ti, io.BytesIO(data))
    tf.close()
    sink.close()
    return "sha256:" + sink.blob.hexdigest(), sink.out, "sha256:" + sink.diff.hexdigest()


def _write_json(path, obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    with open(path, "wb") as f:
        f.write(data)
    return data


def write_image(dirpath, layers, seed, blobdir=None):
    """Writes config + manifest for `layers` [(digest, size, diff_id)] as a dir: layout at
    dirpath (layer blobs must already be there, or hard-linked from blobdir)."""
    os.makedirs(dirpath, exist_ok=True)
    if blobdir:
        for d, _, _ in layers:
            dst = os.path.join(dirpath, d.split(":")[1])
            if not os.path.exists(dst):
                os.link(os.path.join(blobdir, d.split(":")[1]), dst)
    config = {
        "created": "2024-01-01T00:00:00Z", "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "BENCH_SEED=%d" % seed], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [x[2] for x in layers]},
        "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "layer %d" % i}
                    for i in range(len(layers))]
                   + [{"created": "2024-01-01T00:00:00Z", "created_by": "CMD", "empty_layer": True}],
    }
    cdata = json.dumps(config, separators=(",", ":")).encode()
    cdig = "sha256:" + hashlib.sha256(cdata).hexdigest()
    with open(os.path.join(dirpath, cdig.split(":")[1]), "wb") as f:
        f.write(cdata)
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "digest": cdig, "size": len(cdata)},
                "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": d, "size": s} for d, s, _ in layers]}
    _write_json(os.path.join(dirpath, "manifest.json"), manifest)
    with open(os.path.join(dirpath, "version"), "w") as f:
        f.write("Directory Transport Version: 1.1\n")


def _layer_job(args):
    path, target, seed, prefix = args
    tmp = path + ".tmp"
    d, s, diff = make_layer(tmp, target, seed, prefix)
    return tmp, d, s, diff


def _build_layers(blobdir, jobs, parallel=2):
    """jobs: [(target, seed, prefix)] → [(digest, size, diff_id)], cached in blobdir/layers.json."""
    os.makedirs(blobdir, exist_ok=True)
    cache_path = os.path.join(blobdir, "layers.json")
    cache = json.load(open(cache_path)) if os.path.exists(cache_path) else {}
    todo = [j for j in jobs if "%d-%d-%s" % j not in cache
            or not os.path.exists(os.path.join(blobdir, cache["%d-%d-%s" % j][0].split(":")[1]))]
    if todo:
        import multiprocessing
        args = [(os.path.join(blobdir, "layer-%d-%d" % (t, s)), t, s, p) for t, s, p in todo]
        with multiprocessing.Pool(parallel) as pool:
            for (t, s, p), (tmp, d, size, diff) in zip(todo, pool.map(_layer_job, args, chunksize=1)):
                os.replace(tmp, os.path.join(blobdir, d.split(":")[1]))
                cache["%d-%d-%s" % (t, s, p)] = [d, size, diff]
        with open(cache_path + ".tmp", "w") as f:
            json.dump(cache, f)
        os.replace(cache_path + ".tmp", cache_path)
    return [tuple(cache["%d-%d-%s" % j]) for j in jobs]


# Relative layer sizes of the big image (largest first, like a distro base + runtime + app).
BIG_WEIGHTS = [26, 17, 13, 10, 9, 8, 6, 5, 4, 2]


def big_image(root, total):
    """10 gzip layers of about `total` compressed bytes in all, as a dir: layout root/big."""
    blobdir = os.path.join(root, "blobs")
    s = sum(BIG_WEIGHTS)
    jobs = [(max(16384, total * w // s), 100 + i, "layer%d" % i) for i, w in enumerate(BIG_WEIGHTS)]
    layers = _build_layers(blobdir, jobs)
    path = os.path.join(root, "big-%d" % total)
    write_image(path, layers, seed=1, blobdir=blobdir)
    return path, layers


def many_images(root, base, per_repo, per_tag, repos=40, tags=("v1", "v2", "v3")):
    """repos × tags images sharing a base layer: {("many/appNN", tag): dir path}."""
    blobdir = os.path.join(root, "blobs")
    jobs = [(base, 1, "base")]
    for r in range(repos):
        jobs.append((per_repo, 1000 + r, "repo"))
        for t in range(len(tags)):
            jobs.append((per_tag, 10000 + r * 10 + t, "tag"))
    layers = _build_layers(blobdir, jobs)
    out = {}
    i = 1
    for r in range(repos):
        repo_layer = layers[i]
        i += 1
        for t, tag in enumerate(tags):
            path = os.path.join(root, "many-%d-%d-%d" % (base, per_repo, per_tag), "app%02d_%s" % (r + 1, tag))
            write_image(path, [layers[0], repo_layer, layers[i]], seed=r * 10 + t, blobdir=blobdir)
            out[("many/app%02d" % (r + 1), tag)] = path
            i += 1
    return out


# ---- pushing through the registry API -----------------------------------------------------

class Pusher:
    """Pushes dir: layouts to a plain-HTTP registry (127.0.0.1) without skopeo."""

    def __init__(self, host):
        self.host = host
        self.local = threading.local()
        self.lock = threading.Lock()
        self.where = {}  # digest -> a repo that has it (for mounts)

    def _conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = self.local.conn = http.client.HTTPConnection(self.host, timeout=600, blocksize=1 << 20)
        return c

    def _req(self, method, path, body=None, headers=None):
        for attempt in range(3):
            c = self._conn()
            try:
                c.request(method, path, body=body, headers=headers or {})
                r = c.getresponse()
                data = r.read()
                return r.status, r.headers, data
            except (ConnectionError, http.client.HTTPException):
                c.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                if hasattr(body, "seek"):
                    body.seek(0)

    def push_blob(self, repo, path, digest, size):
        st, _, _ = self._req("HEAD", "/v2/%s/blobs/%s" % (repo, digest))
        if st == 200:
            return
        with self.lock:
            src = self.where.get(digest)
        if src and src != repo:
            st, _, _ = self._req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (repo, digest, src),
                                 headers={"Content-Length": "0"})
            if st == 201:
                return
        st, h, body = self._req("POST", "/v2/%s/blobs/uploads/" % repo, headers={"Content-Length": "0"})
        if st != 202:
            raise RuntimeError("POST upload %s: %d %s" % (repo, st, body[:200]))
        loc = urllib.parse.urlsplit(h["Location"])
        url = loc.path + "?" + (loc.query + "&" if loc.query else "") + "digest=" + digest
        with open(path, "rb") as f:
            st, _, body = self._req("PUT", url, body=f, headers={"Content-Length": str(size),
                                                                  "Content-Type": "application/octet-stream"})
        if st != 201:
            raise RuntimeError("PUT blob %s: %d %s" % (digest, st, body[:200]))
        with self.lock:
            self.where.setdefault(digest, repo)

    def put_manifest(self, repo, tag, data, mt=OCI_MANIFEST):
        st, _, body = self._req("PUT", "/v2/%s/manifests/%s" % (repo, tag), body=data,
                                headers={"Content-Type": mt, "Content-Length": str(len(data))})
        if st != 201:
            raise RuntimeError("PUT manifest %s:%s: %d %s" % (repo, tag, st, body[:200]))

    def push_dir(self, dirpath, repo, tags):
        mdata = open(os.path.join(dirpath, "manifest.json"), "rb").read()
        m = json.loads(mdata)
        for d in [m["config"]] + m["layers"]:
            self.push_blob(repo, os.path.join(dirpath, d["digest"].split(":")[1]), d["digest"], d["size"])
        mt = m.get("mediaType", OCI_MANIFEST)
        for tag in tags:
            self.put_manifest(repo, tag, mdata, mt)

    def push_many(self, items, jobs=4):
        """items: [(dirpath, repo, [tags])], pushed with `jobs` threads (repos in order of
        appearance, so shared blobs are uploaded once and mounted afterwards)."""
        if items:
            self.push_dir(*items[0])
        with ThreadPoolExecutor(jobs) as ex:
            for f in [ex.submit(self.push_dir, *it) for it in items[1:]]:
                f.result()
