"""Deterministic test-image generator (python3 stdlib only; zstd via the `zstd` CLI).

Every image is built in memory from a seed and written as a skopeo `dir:` directory or an OCI
image layout.  Nothing is stored in the repository: tests call these functions into temp dirs.

    from lib import images
    digest = images.make_image(tmp / "img", kind="oci", layers=3, compression="gzip")
    img = images.build_image(kind="docker", seed=7)          # in memory, then:
    img.write(tmp / "layout", layout="oci", ref="v1")

Kinds:
  * ``oci``     OCI manifest + OCI config (compression gzip | zstd | none)
  * ``docker``  Docker schema2 manifest + Docker config (gzip | none)
  * ``schema1`` Docker schema1 *signed* manifest (JWS ``signatures`` block with a syntactically valid
                but cryptographically meaningless ES256 signature; c/image strips signatures without
                verifying them).  ``dir`` layout only.
With ``platforms=[...]`` (e.g. ``["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]``) the result is an
OCI index (kind oci) or a Docker manifest list (kind docker) over one image per platform; the first
layer is shared by all instances.

Layers are real tar streams (PAX format): directories, text and pseudo-random regular files,
symlinks, hard links, a whiteout (`.wh.` file) and an opaque-dir whiteout, pax long / non-ASCII
names, a fractional mtime, uid/gid/uname/gname.  ``size`` is the number of pseudo-random bytes per
layer (default small so the suite is fast; raise it for benchmarks).  The config carries the right
``rootfs.diff_ids`` (sha256 of the uncompressed tar) and one ``history`` entry per layer plus an
``empty_layer`` entry.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

# ---- media types ---------------------------------------------------------------------------

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = OCI_LAYER + "+gzip"
OCI_LAYER_ZSTD = OCI_LAYER + "+zstd"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP = DOCKER_LAYER + ".gzip"

REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name"
DEFAULT_PLATFORMS = ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]
EPOCH = 1700000000  # 2023-11-14T22:13:20Z, base mtime of tar entries


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def hex_of(digest: str) -> str:
    return digest.split(":", 1)[1]


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


# ---- layers --------------------------------------------------------------------------------

def _text(rng: random.Random, lines: int) -> bytes:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
    out = []
    for n in range(lines):
        out.append(f"{n:05d} " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))))
    return ("\n".join(out) + "\n").encode()


_BLOCK = 8 << 20


def _random_bytes(key: str, size: int) -> bytes:
    """Deterministic incompressible bytes, fast for big sizes: SHAKE-128 output up to 8 MiB,
    beyond that 8 MiB blocks of it rotated by a different offset each."""
    base = hashlib.shake_128(key.encode()).digest(min(size, _BLOCK))
    if size <= _BLOCK:
        return base
    parts = []
    for k in range((size + _BLOCK - 1) // _BLOCK):
        off = (k * 1_000_003) % _BLOCK
        parts.append(base[off:] + base[:off])
    return b"".join(parts)[:size]


def _add(tf: tarfile.TarFile, name: str, kind: bytes, data: bytes = b"", *, mode=0o644,
         mtime=EPOCH, uid=0, gid=0, linkname="", pax=None):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = mode
    ti.mtime = mtime
    ti.uid, ti.gid = uid, gid
    ti.uname, ti.gname = ("root", "root") if uid == 0 else ("user%d" % uid, "group%d" % gid)
    ti.linkname = linkname
    if pax:
        ti.pax_headers = dict(pax)
    if kind == tarfile.REGTYPE:
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    else:
        tf.addfile(ti)


def make_layer_tar(seed: int, index: int, size: int = 4096) -> bytes:
    """An uncompressed tar layer, byte-for-byte deterministic for (seed, index, size)."""
    rng = random.Random(f"layer-{seed}-{index}")
    base = f"usr/share/hoist-{index}"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        t = EPOCH + index
        _add(tf, "etc/", tarfile.DIRTYPE, mode=0o755, mtime=t)
        _add(tf, f"etc/hoist-{index}.conf", tarfile.REGTYPE, _text(rng, 5), mtime=t)
        if index > 0:  # delete the previous layer's conf file, and make one dir opaque
            _add(tf, f"etc/.wh.hoist-{index - 1}.conf", tarfile.REGTYPE, b"", mode=0o600, mtime=t)
            _add(tf, f"var/lib/layer-{index - 1}/", tarfile.DIRTYPE, mode=0o755, mtime=t)
            _add(tf, f"var/lib/layer-{index - 1}/.wh..wh..opq", tarfile.REGTYPE, b"", mtime=t)
        _add(tf, "usr/", tarfile.DIRTYPE, mode=0o755, mtime=t)
        _add(tf, "usr/share/", tarfile.DIRTYPE, mode=0o755, mtime=t)
        _add(tf, base + "/", tarfile.DIRTYPE, mode=0o750, mtime=t, uid=1000, gid=1000)
        _add(tf, base + "/random.bin", tarfile.REGTYPE, _random_bytes(f"{seed}-{index}", size), mode=0o600,
             mtime=t + 0.25, uid=1000, gid=1000)  # float mtime -> pax "mtime" record
        _add(tf, base + "/text.txt", tarfile.REGTYPE, _text(rng, 40 + min(size, 1 << 20) // 200), mtime=t)
        _add(tf, base + "/run.sh", tarfile.REGTYPE, b"#!/bin/sh\necho layer %d\n" % index,
             mode=0o755, mtime=t)
        _add(tf, base + "/link-to-text", tarfile.SYMTYPE, linkname="text.txt", mode=0o777, mtime=t)
        _add(tf, base + "/hardlink-to-text", tarfile.LNKTYPE, linkname=base + "/text.txt", mtime=t)
        long_dir = base + "/" + "d" * 90
        _add(tf, long_dir + "/", tarfile.DIRTYPE, mode=0o755, mtime=t)
        _add(tf, long_dir + "/" + "long-file-name-" + "x" * 120 + ".txt", tarfile.REGTYPE,
             b"long name\n", mtime=t)
        _add(tf, base + "/caf\u00e9-\u00fcn\u00efc\u00f8d\u00e9.txt", tarfile.REGTYPE, "h\u00e9llo\n".encode(),
             mtime=t)
        _add(tf, base + "/empty", tarfile.REGTYPE, b"", mode=0o444, mtime=t, uid=65534, gid=65534,
             pax={"SCHILY.xattr.user.hoist": "fixture"})
    return buf.getvalue()


def compress(data: bytes, compression: str) -> bytes:
    if compression == "none":
        return data
    if compression == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if compression == "zstd":
        if not shutil.which("zstd"):
            raise RuntimeError("the zstd CLI is required (apt-get install zstd)")
        return subprocess.run(["zstd", "-q", "-3", "-c", "--no-progress"], input=data,
                              stdout=subprocess.PIPE, check=True).stdout
    raise ValueError(f"unknown compression {compression!r}")


# ---- images --------------------------------------------------------------------------------

@dataclass
class Layer:
    tar: bytes          # uncompressed
    blob: bytes         # as stored
    media_type: str
    diff_id: str
    digest: str


@dataclass
class Image:
    kind: str                     # oci | docker | schema1
    manifest: bytes               # top-level manifest (index/list for multi-platform)
    media_type: str
    blobs: dict = field(default_factory=dict)   # digest -> bytes (layers, configs, and for
                                                # OCI layouts also every instance manifest)
    instances: list = field(default_factory=list)  # per-platform sub-Images (lists only)
    platform: dict | None = None
    config: bytes | None = None
    layers: list = field(default_factory=list)  # [Layer]
    seed: int = 0                 # make_layer_tar(seed, i, size) regenerates layer i
    size: int = 4096

    @property
    def digest(self) -> str:
        return manifest_digest(self.manifest)

    @property
    def config_digest(self) -> str | None:
        return sha256(self.config) if self.config is not None else None

    def all_blobs(self) -> dict:
        out = dict(self.blobs)
        for inst in self.instances:
            out.update(inst.all_blobs())
        return out

    def write(self, path, layout: str = "dir", ref: str | None = None) -> str:
        path = Path(path)
        if layout == "dir":
            _write_dir(self, path)
        elif layout == "oci":
            if self.kind == "schema1":
                raise ValueError("schema1 images can only be written as dir: layouts")
            _write_oci(self, path, ref)
        else:
            raise ValueError(f"unknown layout {layout!r}")
        return self.digest


def manifest_digest(manifest: bytes) -> str:
    """sha256 of a manifest as skopeo computes it (schema1: over the JWS-stripped payload)."""
    try:
        obj = json.loads(manifest)
    except ValueError:
        return sha256(manifest)
    if isinstance(obj, dict) and obj.get("schemaVersion") == 1 and "signatures" in obj:
        import base64
        prot = obj["signatures"][0]["protected"]
        hdr = json.loads(base64.urlsafe_b64decode(prot + "=" * (-len(prot) % 4)))
        tail = base64.urlsafe_b64decode(hdr["formatTail"] + "=" * (-len(hdr["formatTail"]) % 4))
        return sha256(manifest[:hdr["formatLength"]] + tail)
    return sha256(manifest)


def _parse_platform(p: str) -> dict:
    parts = p.split("/")
    out = {"architecture": parts[1], "os": parts[0]}
    if len(parts) > 2:
        out["variant"] = parts[2]
    return out


def _config_obj(kind, seed, layers, platform, labels, env, cmd, created):
    arch = platform["architecture"]
    hist = [{"created": "2023-12-31T23:59:59.5+02:00", "created_by": "/bin/sh -c #(nop)  LABEL a=b",
             "comment": "empty", "empty_layer": True}]
    for i, _ in enumerate(layers):
        hist.append({"created": f"2024-01-0{1 + i % 9}T00:00:{i % 60:02d}.{i:09d}Z",
                     "created_by": f"/bin/sh -c make layer {i} # seed {seed}", "author": "hoist"})
    cfg = {
        "User": "1000:1000",
        "ExposedPorts": {"8080/tcp": {}},
        "Env": env,
        "Entrypoint": ["/bin/sh", "-c"],
        "Cmd": cmd,
        "WorkingDir": "/srv",
        "Labels": labels,
        "StopSignal": "SIGTERM",
    }
    rootfs = {"type": "layers", "diff_ids": [lay.diff_id for lay in layers]}
    if kind == "oci":
        obj = {"created": created, "author": "hoist fixtures <fixtures@example.com>",
               "architecture": arch, "os": platform["os"]}
        if "variant" in platform:
            obj["variant"] = platform["variant"]
        obj.update({"config": cfg, "rootfs": rootfs, "history": hist})
        return obj
    # Docker config: Docker-only keys (container, container_config, docker_version, …) that an
    # OCI conversion drops.
    dcfg = {"Hostname": "", "Domainname": "", "User": cfg["User"], "AttachStdin": False,
            "AttachStdout": False, "AttachStderr": False, "ExposedPorts": cfg["ExposedPorts"],
            "Tty": False, "OpenStdin": False, "StdinOnce": False, "Env": env, "Cmd": cmd,
            "Image": "sha256:" + hashlib.sha256(b"parent%d" % seed).hexdigest(), "Volumes": None,
            "WorkingDir": "/srv", "Entrypoint": cfg["Entrypoint"], "OnBuild": None, "Labels": labels}
    obj = {"architecture": arch, "config": dcfg,
           "container": hashlib.sha256(b"container%d" % seed).hexdigest(),
           "container_config": dict(dcfg, Cmd=["/bin/sh", "-c", "#(nop) CMD"]),
           "created": created, "docker_version": "20.10.23", "history": hist, "os": platform["os"],
           "rootfs": rootfs}
    if "variant" in platform:
        obj["variant"] = platform["variant"]
    return obj


def _single(kind, seed, nlayers, compression, size, platform, shared_first=None, labels=None,
            env=None, cmd=None, created=None) -> Image:
    if kind == "docker" and compression == "zstd":
        raise ValueError("Docker schema2 has no zstd layer type")
    layers = []
    for i in range(nlayers):
        if i == 0 and shared_first is not None:
            layers.append(shared_first)
            continue
        tar = make_layer_tar(seed, i, size)
        blob = compress(tar, compression)
        if kind == "oci":
            mt = {"gzip": OCI_LAYER_GZIP, "zstd": OCI_LAYER_ZSTD, "none": OCI_LAYER}[compression]
        else:
            mt = {"gzip": DOCKER_LAYER_GZIP, "none": DOCKER_LAYER}[compression]
        layers.append(Layer(tar, blob, mt, sha256(tar), sha256(blob)))
    if labels is None:
        labels = {"org.opencontainers.image.title": f"hoist fixture {seed}",
                  "org.example.escape": "<a&b>", "org.example.unicode": "gr\u00fc\u00df",
                  "org.example.arch": platform["architecture"]}
    env = env if env is not None else ["PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/bin",
                                       f"HOIST_SEED={seed}", "EMPTY="]
    cmd = cmd if cmd is not None else ["echo", "hello from fixture"]
    created = created or f"2024-03-04T05:06:07.{123456789 + seed:09d}Z"
    cfg_obj = _config_obj(kind, seed, layers, platform, labels, env, cmd, created)
    config = compact(cfg_obj) if kind == "oci" else json.dumps(cfg_obj).encode()
    blobs = {sha256(config): config}
    for lay in layers:
        blobs[lay.digest] = lay.blob
    if kind == "oci":
        ldescs = []
        for i, lay in enumerate(layers):
            d = {"mediaType": lay.media_type, "digest": lay.digest, "size": len(lay.blob)}
            if i == 0:
                d["annotations"] = {"org.example.layer": "base"}
            ldescs.append(d)
        man = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
               "config": {"mediaType": OCI_CONFIG, "digest": sha256(config), "size": len(config)},
               "layers": ldescs,
               "annotations": {"org.opencontainers.image.created": created}}
        manifest = compact(man)
        mt = OCI_MANIFEST
    else:
        man = {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
               "config": {"mediaType": DOCKER_CONFIG, "size": len(config), "digest": sha256(config)},
               "layers": [{"mediaType": lay.media_type, "size": len(lay.blob), "digest": lay.digest}
                          for lay in layers]}
        manifest = json.dumps(man, indent=3).encode()
        mt = DOCKER_MANIFEST
    return Image(kind, manifest, mt, blobs, platform=platform, config=config, layers=layers,
                 seed=seed, size=size)


# ---- minimal P-256 / ES256 for schema1 JWS signatures (test fixtures only, not constant-time) ----

_P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
_P256_A = _P256_P - 3
_P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
_P256_G = (0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
           0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5)


def _p256_add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % _P256_P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + _P256_A) * pow(2 * y1, -1, _P256_P)
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, _P256_P)
    x3 = (lam * lam - x1 - x2) % _P256_P
    return x3, (lam * (x1 - x3) - y1) % _P256_P


def _p256_mul(k, point):
    acc = None
    while k:
        if k & 1:
            acc = _p256_add(acc, point)
        point = _p256_add(point, point)
        k >>= 1
    return acc


def _es256_sign(priv: int, message: bytes) -> bytes:
    """ECDSA P-256/SHA-256, deterministic nonce (hash of key+message), JWS r||s encoding."""
    z = int.from_bytes(hashlib.sha256(message).digest(), "big")
    k = int.from_bytes(hashlib.sha256(priv.to_bytes(32, "big") + message).digest(), "big") % _P256_N or 1
    r = _p256_mul(k, _P256_G)[0] % _P256_N
    s = pow(k, -1, _P256_N) * (z + r * priv) % _P256_N
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _libtrust_key_id(x: bytes, y: bytes) -> str:
    """libtrust key ID: sha256 of the PKIX DER public key, first 240 bits, base32, 4-char groups."""
    import base64
    der = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200") + b"\x04" + x + y
    b32 = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))



def _schema1(seed, nlayers, size, name="hoist/schema1", tag="latest") -> Image:
    """A signed schema1 manifest (real ES256 JWS over a throw-away key); layers gzip,
    fsLayers/history newest first."""
    import base64
    rng = random.Random(f"schema1-{seed}")
    layers = []
    for i in range(nlayers):
        tar = make_layer_tar(seed, i, size)
        blob = compress(tar, "gzip")
        layers.append(Layer(tar, blob, "application/vnd.docker.container.image.rootfs.diff+x-gtar",
                            sha256(tar), sha256(blob)))
    ids = [rng.randbytes(32).hex() for _ in layers]
    history = []
    for i in reversed(range(nlayers)):
        v1 = {"id": ids[i]}
        if i > 0:
            v1["parent"] = ids[i - 1]
        v1["created"] = f"2024-02-0{1 + i % 9}T10:00:00.{i + 1:09d}Z"
        v1["container_config"] = {"Cmd": ["/bin/sh", "-c", f"make layer {i}"]}
        if i == nlayers - 1:  # the top entry carries the image config
            v1.update({"architecture": "amd64", "os": "linux", "docker_version": "1.13.1",
                       "config": {"Env": ["PATH=/usr/bin:/bin", f"HOIST_SEED={seed}"],
                                  "Cmd": ["/bin/sh"], "Labels": {"org.example.schema": "1"}}})
        history.append({"v1Compatibility": json.dumps(v1, separators=(",", ":"))})
    obj = {"schemaVersion": 1, "name": name, "tag": tag, "architecture": "amd64",
           "fsLayers": [{"blobSum": layers[i].digest} for i in reversed(range(nlayers))],
           "history": history}
    payload = json.dumps(obj, indent=3).encode()   # ends with "\n}"
    format_length = len(payload) - 2

    def b64(b: bytes) -> str:
        return base64.urlsafe_b64encode(b).decode().rstrip("=")

    protected = b64(compact({"formatLength": format_length, "formatTail": b64(payload[format_length:]),
                             "time": "2024-02-10T10:00:00Z"}))
    priv = int.from_bytes(hashlib.sha256(b"schema1-key-%d" % seed).digest(), "big") % _P256_N or 1
    x, y = _p256_mul(priv, _P256_G)
    xb, yb = x.to_bytes(32, "big"), y.to_bytes(32, "big")
    signature = _es256_sign(priv, (protected + "." + b64(payload)).encode())
    sig = [{"header": {"jwk": {"crv": "P-256", "kid": _libtrust_key_id(xb, yb), "kty": "EC",
                               "x": b64(xb), "y": b64(yb)},
                       "alg": "ES256"},
            "signature": b64(signature),
            "protected": protected}]
    sig_json = json.dumps(sig, indent=3).replace("\n", "\n   ")
    manifest = payload[:format_length] + b',\n   "signatures": ' + sig_json.encode() + payload[format_length:]
    blobs = {lay.digest: lay.blob for lay in layers}
    return Image("schema1", manifest, DOCKER_SCHEMA1_SIGNED, blobs, layers=layers,
                 platform={"architecture": "amd64", "os": "linux"}, seed=seed, size=size)


def build_image(kind: str = "oci", layers: int = 3, compression: str = "gzip", platforms=None,
                seed: int = 0, size: int = 4096, **config_kw) -> Image:
    """Build an image in memory (see module doc).  config_kw: labels=, env=, cmd=, created=."""
    if kind == "schema1":
        if platforms:
            raise ValueError("schema1 has no manifest lists")
        return _schema1(seed, layers, size)
    if not platforms:
        return _single(kind, seed, layers, compression, size, {"architecture": "amd64", "os": "linux"},
                       **config_kw)
    shared = None
    instances = []
    for n, p in enumerate(platforms):
        plat = _parse_platform(p)
        inst = _single(kind, seed * 100 + n + 1, layers, compression, size, plat, shared_first=shared,
                       **config_kw)
        shared = inst.layers[0]
        instances.append(inst)
    descs = []
    for inst in instances:
        if kind == "oci":
            descs.append({"mediaType": inst.media_type, "digest": inst.digest, "size": len(inst.manifest),
                          "platform": inst.platform})
        else:
            descs.append({"mediaType": inst.media_type, "size": len(inst.manifest), "digest": inst.digest,
                          "platform": inst.platform})
    if kind == "oci":
        top = compact({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descs,
                       "annotations": {"org.example.index": "hoist"}})
        mt = OCI_INDEX
    else:
        top = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": descs},
                         indent=3).encode()
        mt = DOCKER_LIST
    return Image(kind, top, mt, {}, instances=instances)


def _atomic_write(path: Path, data: bytes, mode=0o644):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp-fixture")
    tmp.write_bytes(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _write_dir(img: Image, path: Path):
    path.mkdir(parents=True, exist_ok=True)
    for d, data in img.all_blobs().items():
        _atomic_write(path / hex_of(d), data)
    for inst in img.instances:
        _atomic_write(path / (hex_of(inst.digest) + ".manifest.json"), inst.manifest)
    _atomic_write(path / "manifest.json", img.manifest)
    _atomic_write(path / "version", b"Directory Transport Version: 1.1\n")


def _write_oci(img: Image, path: Path, ref: str | None):
    path.mkdir(parents=True, exist_ok=True)
    blobs = img.all_blobs()
    blobs[img.digest] = img.manifest
    for inst in img.instances:
        blobs[inst.digest] = inst.manifest
    for d, data in blobs.items():
        alg, hx = d.split(":", 1)
        _atomic_write(path / "blobs" / alg / hx, data)
    _atomic_write(path / "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    index_path = path / "index.json"
    if index_path.exists():
        index = json.loads(index_path.read_bytes())
    else:
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
    desc = {"mediaType": img.media_type, "digest": img.digest, "size": len(img.manifest)}
    if ref is not None:
        desc["annotations"] = {REF_NAME_ANNOTATION: ref}
        for m in index["manifests"]:  # a ref names one image: take the name from older entries
            ann = m.get("annotations") or {}
            if ann.get(REF_NAME_ANNOTATION) == ref:
                del ann[REF_NAME_ANNOTATION]
    index["manifests"].append(desc)
    _atomic_write(index_path, compact(index))


def make_image(path, kind: str = "oci", layers: int = 3, compression: str = "gzip", platforms=None,
               layout: str = "dir", ref: str | None = None, seed: int = 0, size: int = 4096,
               **config_kw) -> str:
    """Generate an image and write it at `path` (dir: layout, or OCI layout with optional ref;
    an existing OCI layout gets one more index.json entry).  Returns the top-level manifest digest."""
    img = build_image(kind, layers, compression, platforms, seed, size, **config_kw)
    return img.write(path, layout, ref)


# ---- named fixture variants ----------------------------------------------------------------

FIXTURES = {
    # name: build_image keyword arguments
    "oci-gzip": dict(kind="oci", compression="gzip", layers=3),
    "oci-zstd": dict(kind="oci", compression="zstd", layers=2),
    "oci-none": dict(kind="oci", compression="none", layers=2),
    "docker-gzip": dict(kind="docker", compression="gzip", layers=3),
    "oci-40": dict(kind="oci", compression="gzip", layers=40, size=256),
    "oci-index": dict(kind="oci", compression="gzip", layers=2, platforms=DEFAULT_PLATFORMS),
    "docker-list": dict(kind="docker", compression="gzip", layers=2, platforms=DEFAULT_PLATFORMS),
    "schema1": dict(kind="schema1", layers=2),
}


def build_fixture(name: str, seed: int = 1, **overrides) -> Image:
    kw = dict(FIXTURES[name])
    kw.update(overrides)
    return build_image(seed=seed, **kw)
