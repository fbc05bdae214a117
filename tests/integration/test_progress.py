"""hoist's live progress bars (stdout is a terminal), with skopeo as the oracle.

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_progress

Each copy runs with stdout on a pseudo-terminal of a fixed size (TIOCSWINSZ); everything written
to it is fed through Screen, a small VT100 model (autowrap, cursor up/down, erase line/screen),
and the checks are made on what a user would see at the end plus on the raw stream:

* the final screen holds exactly the plain lines ("Getting image source signatures", "Writing
  manifest to image destination") and ONE bar per blob and one for the config, each in its
  final state ("done", or "skipped: already exists" when the destination has the blob);
* bars are redrawn in place: a slow (throttled) pull renders each blob's bar several times,
  in progress with its total size, with cursor-up movements, yet the screen ends with each
  bar once and no stale in-progress line;
* the same copy under skopeo gives the same plain lines and the same final state per digest
  (through lib.util.normalize: skopeo 1.9.3's "Storing signatures" line).
Off a terminal the line output ("Copying blob sha256:…") is tested by the interop suites; a
tool printing those lines here fails every test (its screen would show them, not bars).

Self-check: `HOIST=skopeo python3 -m unittest -v test_progress`.
"""

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.faultproxy import FaultProxy  # noqa: E402
from lib.registry import Registry  # noqa: E402
from lib.tools import GLOBAL, HOIST, SKOPEO  # noqa: E402,F401

LAYER_SIZE = 512 << 10   # incompressible bytes per layer: a throttled pull takes a while
WIDE, ROWS = 120, 60

T = None
IMG = None        # the dir: image
BUILT = None      # its images.Image


def setUpModule():
    global T, IMG, BUILT
    T = Path(tempfile.mkdtemp(prefix="hoist-progress-"))
    IMG = T / "img"
    BUILT = images.build_image(kind="oci", layers=3, seed=41, size=LAYER_SIZE)
    BUILT.write(IMG, "dir")


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


# ---- a terminal ----------------------------------------------------------------------------

class Screen:
    """What a VT100-like terminal of cols x rows shows after `feed`ing it output: printable
    characters with xterm's deferred autowrap, CR, LF (scrolling at the bottom), BS, and CSI
    A/B/C/D/G (cursor), K (erase in line), J (erase in display), m/h/l (ignored).  Other
    escape sequences are collected in `unknown`; `wraps` counts automatic line wraps."""

    CSI = re.compile(r"\x1b\[([?0-9;]*)([@-~])")

    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.buf = [[]]          # scrollback + screen, one list of characters per row
        self.x = self.y = 0      # y indexes buf
        self.pending_wrap = False
        self.unknown, self.wraps = [], 0

    def _top(self):
        return max(0, len(self.buf) - self.rows)

    def _line_feed(self):
        self.y += 1
        if self.y == len(self.buf):
            self.buf.append([])

    def _put(self, ch):
        if self.pending_wrap:
            self.pending_wrap = False
            self.x = 0
            self.wraps += 1
            self._line_feed()
        row = self.buf[self.y]
        row.extend(" " * (self.x + 1 - len(row)))
        row[self.x] = ch
        if self.x == self.cols - 1:
            self.pending_wrap = True
        else:
            self.x += 1

    def _csi(self, params, final):
        private = params.startswith("?")
        nums = [int(p) if p else 0 for p in params.lstrip("?").split(";")] if params.lstrip("?") else []
        n = nums[0] if nums else 0
        if final in "ABCDG":
            self.pending_wrap = False
            if final == "A":
                self.y = max(self._top(), self.y - max(n, 1))
            elif final == "B":
                self.y = min(len(self.buf) - 1, self.y + max(n, 1))
            elif final == "C":
                self.x = min(self.cols - 1, self.x + max(n, 1))
            elif final == "D":
                self.x = max(0, self.x - max(n, 1))
            else:
                self.x = min(self.cols - 1, max(n, 1) - 1)
        elif final == "K" and not private:
            row = self.buf[self.y]
            if n == 0:
                del row[self.x:]
            elif n == 1:
                row[:self.x + 1] = " " * min(len(row), self.x + 1)
            else:
                row.clear()
        elif final == "J" and not private:
            if n == 0:
                del self.buf[self.y][self.x:]
                for i in range(self.y + 1, len(self.buf)):
                    self.buf[i] = []
            elif n == 1:
                for i in range(self._top(), self.y):
                    self.buf[i] = []
                self.buf[self.y][:self.x + 1] = " " * min(len(self.buf[self.y]), self.x + 1)
            else:
                for i in range(self._top(), len(self.buf)):
                    self.buf[i] = []
        elif final in "mhl":
            pass
        else:
            self.unknown.append("ESC[" + params + final)

    def feed(self, text):
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                m = self.CSI.match(text, i)
                if m:
                    self._csi(m.group(1), m.group(2))
                    i = m.end()
                    continue
                self.unknown.append(repr(text[i:i + 2]))
                i += 2
                continue
            if ch == "\r":
                self.x, self.pending_wrap = 0, False
            elif ch == "\n":
                self.pending_wrap = False
                self._line_feed()
            elif ch == "\b":
                self.x, self.pending_wrap = max(0, self.x - 1), False
            elif ch == "\t":
                self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
            elif ch >= " ":
                self._put(ch)
            i += 1
        return self

    def lines(self):
        """Every row (scrollback included), trailing blanks stripped, trailing empty rows dropped."""
        out = ["".join(r).rstrip() for r in self.buf]
        while out and not out[-1]:
            out.pop()
        return out


def run_on_tty(argv, cols=WIDE, rows=ROWS, timeout=120):
    """Run argv with stdout on a fresh pseudo-terminal of cols x rows (stdin /dev/null, stderr
    captured apart): Result(rc, everything written to the terminal, stderr)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    err = tempfile.TemporaryFile()
    env = dict(os.environ, TERM="xterm", COLUMNS=str(cols), LINES=str(rows))
    try:
        p = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=slave, stderr=err,
                             env=env, start_new_session=True)
    finally:
        os.close(slave)
    out = bytearray()
    deadline = time.time() + timeout
    try:
        while True:
            left = deadline - time.time()
            if left <= 0:
                os.killpg(p.pid, signal.SIGKILL)
                raise AssertionError("%s: no end after %ss; output so far %r" % (argv, timeout, bytes(out)))
            ready, _, _ = select.select([master], [], [], min(left, 1.0))
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:   # EIO: every writer of the terminal is gone
                break
            if not data:
                break
            out += data
        rc = p.wait(timeout=30)
    finally:
        os.close(master)
    with err:
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return util.Result(tuple(str(a) for a in argv), rc, out.decode("utf-8", "replace"), stderr)


# ---- what the bars must show ---------------------------------------------------------------

BAR = re.compile(r"^Copying (blob|config) ([0-9a-f]+) (.*)$")


def prefix(kind, digest):
    """skopeo's bar prefix: "Copying <kind> <hex>" cut to len("Copying blob ") + 12 characters."""
    return ("Copying %s %s" % (kind, images.hex_of(digest)))[:25]


def human(n):
    """mpb's "%.1f" KibiByte counter (1.0MiB, 512.0KiB, 123.0b)."""
    units = ["b", "KiB", "MiB", "GiB"]
    x, u = float(n), 0
    while x >= 1024 and u + 1 < len(units):
        x, u = x / 1024, u + 1
    return "%.1f%s" % (x, units[u])


def layers():
    return [(layer.digest, len(layer.blob)) for layer in BUILT.layers]


class ProgressCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reg = Registry("plain").start()
        cls.reg.push_dir(IMG, "p/src:v1")
        cls.proxy = FaultProxy(cls.reg.url).__enter__()
        # ~0.5 s per layer through the proxy: every tool redraws its bars a few times.
        cls.throttle = cls.proxy.throttle(r"/v2/p/src/blobs/sha256:", chunk=32 << 10, seconds=0.03)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.__exit__(None, None, None)
        cls.reg.stop()

    def setUp(self):
        self.work = Path(tempfile.mkdtemp(prefix="case-", dir=T))

    # -- helpers ----------------------------------------------------------------------------
    def copy(self, binary, src, dest, cols=WIDE):
        r = run_on_tty([binary, *GLOBAL, "copy", "--src-tls-verify=false", "--dest-tls-verify=false", src, dest],
                       cols=cols)
        self.assertEqual((r.rc, r.stderr), (0, ""), r.describe())
        return r

    def final_screen(self, r, binary, cols=WIDE):
        """The terminal's final rows for r, routed through util.normalize like any stdout."""
        screen = Screen(cols, ROWS).feed(r.stdout)
        self.assertEqual(screen.unknown, [], "escape sequences this test cannot interpret")
        text = "".join(line + "\n" for line in screen.lines())
        return util.normalize(util.Result(r.argv, r.rc, text, ""), util.tool_version(binary)).stdout.splitlines()

    def assert_final_screen(self, lines, layer_state, r):
        """Exactly: the two plain lines around one final bar per layer (any order) and the config's."""
        expected_bars = sorted("%s %s" % (prefix("blob", d), layer_state) for d, _ in layers())
        config = "%s done" % prefix("config", BUILT.config_digest)
        n = len(expected_bars)
        shown = "\n".join(lines) + "\n--- raw ---\n" + repr(r.stdout)
        self.assertEqual(len(lines), n + 3, shown)
        self.assertEqual(lines[0], "Getting image source signatures", shown)
        self.assertEqual(sorted(lines[1:1 + n]), expected_bars, shown)
        self.assertEqual(lines[1 + n], config, shown)
        self.assertEqual(lines[2 + n], "Writing manifest to image destination", shown)
        self.assertNotIn("Copying blob sha256:", r.stdout, "line output on a terminal")

    def states(self, lines):
        """{(kind, hex prefix): final state} of the bars on a screen."""
        out = {}
        for line in lines:
            m = BAR.match(line)
            if m:
                self.assertNotIn((m.group(1), m.group(2)), out, "bar shown twice: " + line)
                out[(m.group(1), m.group(2))] = m.group(3).strip()
        return out

    def both(self, run_one, layer_state, cols=WIDE):
        """run_one(binary, work dir) for hoist and for skopeo; checks hoist's final screen and
        compares it with skopeo's (plain lines, then final state per digest)."""
        results = {}
        for name, binary in (("hoist", HOIST), ("skopeo", SKOPEO)):
            work = self.work / name
            work.mkdir()
            r = run_one(binary, work)
            results[name] = (r, self.final_screen(r, binary, cols))
        (rh, lh), (rs, ls) = results["hoist"], results["skopeo"]
        self.assert_final_screen(lh, layer_state, rh)
        self.assertEqual([x for x in lh if not BAR.match(x)], [x for x in ls if not BAR.match(x)])
        self.assertEqual(self.states(lh), self.states(ls), "\n".join(lh) + "\n--- skopeo ---\n" + "\n".join(ls))
        return rh, rs

    # -- tests ------------------------------------------------------------------------------
    def test_dir_to_dir_one_done_bar_per_blob(self):
        self.both(lambda b, w: self.copy(b, "dir:%s" % IMG, "dir:%s" % (w / "out")), "done")

    def test_second_push_shows_skipped_blobs(self):
        def push_twice(binary, work):
            with Registry("plain") as dest:
                ref = "docker://%s/p/pushed:v1" % dest.host
                first = self.copy(binary, "dir:%s" % IMG, ref)
                self.assert_final_screen(self.final_screen(first, binary), "done", first)
                return self.copy(binary, "dir:%s" % IMG, ref)
        self.both(push_twice, "skipped: already exists")

    def _slow_pull(self, binary, work, cols=WIDE):
        return self.copy(binary, "docker://%s/p/src:v1" % self.proxy.host, "dir:%s" % (work / "out"), cols=cols)

    def test_slow_pull_redraws_bars_in_place(self):
        hits = self.throttle.hits
        results = self.both(self._slow_pull, "done")
        self.assertGreaterEqual(self.throttle.hits - hits, 2 * len(layers()), "the pulls were not throttled")
        for r in results:
            raw = r.stdout
            self.assertRegex(raw, r"\x1b\[\d*A", "no cursor-up: bars are not redrawn in place")
            for digest, size in layers():
                p = re.escape(prefix("blob", digest))
                # In progress at least once, with the blob's total, then its final state.
                self.assertRegex(raw, p + r" \[[=>-]+\] [0-9.]+(b|KiB|MiB) / " + re.escape(human(size)), r.argv)
                self.assertGreaterEqual(len(re.findall(p, raw)), 2, "bar drawn once: not redrawn")

    def test_bars_fit_an_80_column_terminal(self):
        # A bar line wider than the terminal wraps onto two rows, and redrawing "N rows up"
        # then leaves stale rows behind: bars must be laid out to the terminal's width.
        rh, rs = self.both(lambda b, w: self._slow_pull(b, w, cols=80), "done", cols=80)
        for r in (rh, rs):
            screen = Screen(80, ROWS).feed(r.stdout)
            self.assertEqual(screen.wraps, 0, "a line was wider than 80 columns:\n%s" % "\n".join(screen.lines()))


if __name__ == "__main__":
    unittest.main()
