"""The two tools every suite compares, and the decorators that depend on which one is under test.

HOIST (default: the repository's build/hoist) is the binary under test; SKOPEO (default
`skopeo`) is the oracle. HOIST=skopeo makes a suite check itself: @hoist_only tests, for
behaviour where hoist deliberately differs from skopeo, are skipped then.
"""
import os
import shutil
import unittest
from pathlib import Path

from lib import util

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

SKOPEO = os.environ.get("SKOPEO", "skopeo")
HOIST = os.environ.get("HOIST") or os.path.join(_ROOT, "build", "hoist")
VS = util.tool_version(SKOPEO)
VH = util.tool_version(HOIST)
GLOBAL = ["--insecure-policy"]


def _real(binary):
    return os.path.realpath(shutil.which(binary) or binary)


HOIST_IS_SKOPEO = _real(HOIST) == _real(SKOPEO)


def hoist_only(f):
    """Behaviour where hoist deliberately differs from skopeo: skipped when HOIST is skopeo."""
    return unittest.skipIf(HOIST_IS_SKOPEO, "hoist-only behaviour (skopeo differs)")(f)


def since(version):
    """Newest-skopeo behaviour introduced in skopeo `version`: skipped for older tools under test."""
    return unittest.skipIf(VH < version, f"needs skopeo >= {'.'.join(map(str, version))} behaviour")


class WorkDirCase(unittest.TestCase):
    """A fresh directory per test, `self.work` (below the module's temp root that
    `work_root()` returns), and `cwd()` for numbered working directories inside it."""
    maxDiff = None

    def work_root(self):
        raise NotImplementedError("a suite's Base returns its module temp root")

    def setUp(self):
        self.work = Path(self.work_root()) / "work" / self.id().rsplit(".", 2)[-2] / self._testMethodName
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self._n = 0

    def cwd(self):
        self._n += 1
        p = self.work / str(self._n)
        p.mkdir(parents=True)
        return p
