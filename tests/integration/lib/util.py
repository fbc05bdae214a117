"""Shared helpers for the integration tests (stdlib only).

* run(argv)            -> Result(rc, stdout, stderr): run a command, capture everything.
* tree(path)           -> {relative path: Entry}: a byte-exact snapshot (contents + mode) of a directory.
* tree_diff(a, b)      -> "" or a readable description of the first differences.
* normalize(x, version, ...) -> the ONE function mapping skopeo 1.9.3 output to newest-skopeo output
                          (skopeo-compat.md §0), plus logrus time masking.  Every interop test routes
                          both tools' output through it.
* tool_version(binary) -> (major, minor, patch) from `<binary> --version`, or NEWEST if it does not parse.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

NEWEST = (999, 0, 0)   # a tool whose --version does not parse is assumed to implement the newest skopeo


# ---- running commands ----------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    argv: tuple
    rc: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (f"$ {' '.join(map(str, self.argv))}\nexit code {self.rc}\n"
                f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}--------------")


def run(argv, *, input: bytes | None = None, timeout: float = 300, env: dict | None = None,
        cwd=None) -> Result:
    """Run argv (no shell); stdout/stderr decoded as UTF-8 (invalid bytes replaced)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run([str(a) for a in argv], input=input, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, env=full_env, cwd=cwd)
    return Result(tuple(str(a) for a in argv), p.returncode,
                  p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


_versions: dict = {}


def tool_version(binary: str) -> tuple:
    """Version triple of a skopeo-compatible binary (`skopeo version 1.9.3` -> (1, 9, 3))."""
    if binary not in _versions:
        try:
            out = run([binary, "--version"], timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        m = re.match(r"skopeo version (\d+)\.(\d+)\.(\d+)", out)
        _versions[binary] = tuple(int(x) for x in m.groups()) if m else NEWEST
    return _versions[binary]


# ---- directory trees -----------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    kind: str            # "file" | "dir" | "symlink" | "other"
    mode: int            # permission bits (stat.S_IMODE)
    data: bytes = b""    # file contents, or the symlink target


def tree(path, ignore=()) -> dict:
    """Snapshot of everything under path: {posix relative path: Entry}.  Nothing is skipped
    unless its relative path is listed in `ignore`."""
    root = Path(path)
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if rel in ignore:
                continue
            st = p.lstat()
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = Entry("symlink", mode, os.readlink(p).encode())
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = Entry("dir", mode)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = Entry("file", mode, p.read_bytes())
            else:
                out[rel] = Entry("other", mode)
    return out


def _first_difference(a: bytes, b: bytes) -> str:
    n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    lo = max(0, n - 40)
    return (f"sizes {len(a)} vs {len(b)}, first difference at byte {n}:\n"
            f"      expected …{a[lo:n + 60]!r}\n      actual   …{b[lo:n + 60]!r}")


def tree_diff(expected: dict, actual: dict, limit: int = 10) -> str:
    """Empty string if equal, else up to `limit` differences: missing/extra paths, kinds,
    modes, and for files the first differing bytes."""
    problems = []
    for rel in sorted(set(expected) | set(actual)):
        e, a = expected.get(rel), actual.get(rel)
        if a is None:
            problems.append(f"missing  {rel} ({e.kind})")
        elif e is None:
            problems.append(f"extra    {rel} ({a.kind})")
        elif e.kind != a.kind:
            problems.append(f"kind     {rel}: {e.kind} vs {a.kind}")
        elif e.mode != a.mode:
            problems.append(f"mode     {rel}: {e.mode:o} vs {a.mode:o}")
        elif e.data != a.data:
            problems.append(f"content  {rel}: {_first_difference(e.data, a.data)}")
    if len(problems) > limit:
        problems = problems[:limit] + [f"… and {len(problems) - limit} more"]
    return "\n".join(problems)


def text_diff(expected: str, actual: str, name: str = "output") -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        f"expected {name}", f"actual {name}"))


# ---- §0 normalization ----------------------------------------------------------------------

_TIME = re.compile(r'time="[^"]*"')
_LEGACY_LIST_HEADER = re.compile(r"^Copying (\d+) of (\d+) images in list$", re.M)
_NOT_FOUND = re.compile(r'no descriptor found for reference \\?"|manifest unknown')
_ARGCOUNT_MSG = {"copy": "Exactly two arguments expected", "sync": "Exactly two arguments expected",
                 "list-tags": "Exactly one non-option argument expected"}
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
USAGE_MASK = "<usage text>\n"


_GLOBAL_VALUE_FLAGS = {"--policy", "--registries.d", "--override-arch", "--override-os",
                       "--override-variant", "--command-timeout", "--tmpdir", "--user-agent-prefix",
                       "--tls-details", "--registries-conf"}


def _subcommand(argv) -> str | None:
    """The skopeo subcommand in argv (first non-flag argument after the binary, skipping the
    values of global flags given as `--flag value`)."""
    args = list(argv)[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a in _GLOBAL_VALUE_FLAGS:
            i += 2
            continue
        if not a.startswith("-"):
            return a
        i += 1
    return None


def normalize(x, version: tuple, *, peer_version: tuple | None = None, has_signatures: bool = False,
              fresh_index: bool = True):
    """Map output produced by a skopeo-compatible tool of `version` to what the newest skopeo
    prints/writes, applying exactly the skopeo-compat.md §0 deltas, and mask logrus timestamps.

    x is a Result (command output) or a tree() dict (files written).  Output of a newest tool
    passes through unchanged except for the time mask.  Applied only when version < the release
    that changed it:

    Result:
      * all: `time="…"` -> `time="<masked>"` (logrus timestamps; always).
      * < 1.13  "Storing signatures" line: newest prints it only when the image has signatures;
                without `has_signatures` the legacy line is dropped.  ("Storing list signatures"
                is printed by both, untouched.)
      * < 1.14  list header `Copying N of M images in list` ->
                `Copying N images generated from M images in list`.
      * < 1.16  exit code 1 -> 2 when the error is "image not found" (oci/oci-archive
                `no descriptor found for reference "x"`, registry MANIFEST_UNKNOWN).
      * < 1.18  copy/sync/list-tags argument-count error: legacy prints help on stdout and exits
                0 with no error; newest prints help on stderr, then the fatal error, exit 1.  The
                help text itself is not comparable (flag sets differ), so in BOTH forms it is
                replaced by USAGE_MASK: result = (rc 1, stdout "", stderr USAGE_MASK + fatal line).
      * inspect `LayersData` (added in 1.10): 1.9.3 cannot produce it, so when this output OR the
        output it is compared with (`peer_version`) comes from a tool < 1.10, the key is removed
        from inspect JSON.  (test_local_interop checks LayersData separately.)
    tree:
      * < 1.14  `oci-layout` `{"imageLayoutVersion": "1.0.0"}` -> `{"imageLayoutVersion":"1.0.0"}`.
      * < 1.22  `index.json` created by the copy (fresh_index=True) lacks
                `"mediaType":"application/vnd.oci.image.index.v1+json"` after `"schemaVersion":2,`;
                newest writes it.  (An index.json that existed before the copy keeps whatever it
                had, so pass fresh_index=False then.)
    Deltas not listed in §0 are NOT normalized (they are real differences).
    """
    if isinstance(x, dict):
        return _normalize_tree(x, version, fresh_index)
    return _normalize_result(x, version, peer_version, has_signatures)


def _normalize_tree(t: dict, version: tuple, fresh_index: bool) -> dict:
    out = dict(t)
    for rel, e in t.items():
        base = rel.rsplit("/", 1)[-1]
        if base == "oci-layout" and version < (1, 14, 0) and e.kind == "file":
            out[rel] = replace(e, data=e.data.replace(b'{"imageLayoutVersion": "1.0.0"}',
                                                      b'{"imageLayoutVersion":"1.0.0"}'))
        if base == "index.json" and fresh_index and version < (1, 22, 0) and e.kind == "file":
            prefix = b'{"schemaVersion":2,'
            if e.data.startswith(prefix) and not e.data.startswith(prefix + b'"mediaType"'):
                out[rel] = replace(e, data=prefix + b'"mediaType":"' + OCI_INDEX.encode() + b'",'
                                   + e.data[len(prefix):])
    return out


def _drop_layersdata(text: str) -> str:
    """Remove the top-level "LayersData" member from MarshalIndent(4) output, textually, so
    that every other byte of the output is still compared."""
    lines = text.splitlines(True)
    for i, line in enumerate(lines):
        if line.startswith('    "LayersData": '):
            j = i
            if line.rstrip().endswith("["):
                j = next(k for k in range(i + 1, len(lines)) if re.match(r"    \],?\n?$", lines[k]))
            removed_last = not lines[j].rstrip("\n").endswith(",")
            del lines[i:j + 1]
            if removed_last and i > 0:  # it was the last member: drop the comma before it
                lines[i - 1] = lines[i - 1].replace(",\n", "\n", 1) if lines[i - 1].endswith(",\n") else lines[i - 1]
            return "".join(lines)
    return text


def _normalize_result(r: Result, version: tuple, peer_version, has_signatures: bool) -> Result:
    stdout, stderr, rc = r.stdout, r.stderr, r.rc
    sub = _subcommand(r.argv)
    if version < (1, 13, 0) and not has_signatures:
        stdout = "".join(line for line in stdout.splitlines(True) if line != "Storing signatures\n")
    if version < (1, 14, 0):
        stdout = _LEGACY_LIST_HEADER.sub(r"Copying \1 images generated from \2 images in list", stdout)
    if version < (1, 16, 0) and rc == 1 and _NOT_FOUND.search(stderr):
        rc = 2
    if sub in _ARGCOUNT_MSG:
        if version < (1, 18, 0) and rc == 0 and "\nUsage:\n" in stdout and not stderr:
            rc, stdout = 1, ""
            stderr = f'{USAGE_MASK}time="" level=fatal msg="{_ARGCOUNT_MSG[sub]}"\n'
        elif rc != 0 and "\nUsage:\n" in stderr and "level=fatal" in stderr:
            stderr = USAGE_MASK + stderr[stderr.rindex("time=\""):]
    if sub == "inspect" and min(version, peer_version or NEWEST) < (1, 10, 0):
        stdout = _drop_layersdata(stdout)
    stderr = _TIME.sub('time="<masked>"', stderr)
    return Result(r.argv, rc, stdout, stderr)
