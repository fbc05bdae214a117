"""hoist login / logout vs skopeo against real docker-registry processes (htpasswd and token).

    cd tests/integration && HOIST=/path/to/build/hoist python3 -m unittest -v test_login

Both tools run the same arguments, each with its own auth file in its own temp dir; the files
they write must be byte-identical (and 0600), each tool must accept the other's file, and the
output must match skopeo's (paths replaced by <cwd>).  A password must never be printed.
Self-check: `HOIST=skopeo python3 -m unittest -v test_login`.
"""

import base64
import concurrent.futures
import json
import os
import shutil
import stat
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import images, util  # noqa: E402
from lib.registry import Registry  # noqa: E402
from lib.tools import HOIST, SKOPEO, VH, VS, hoist_only  # noqa: E402,F401

SECRET = "s3cr3t-Pw-xyzzy"       # distinctive, so a leak is easy to spot
USERS = {"alice": SECRET, "bob": "bobpw"}

T = None
IMG = None


def setUpModule():
    global T, IMG
    os.umask(0o022)
    T = Path(tempfile.mkdtemp(prefix="hoist-login-"))
    IMG = T / "img"
    images.make_image(IMG, kind="oci", layers=1, seed=21)


def tearDownModule():
    if T and not os.environ.get("HOIST_KEEP_TMP"):
        shutil.rmtree(T, ignore_errors=True)


def par(*fns):
    with concurrent.futures.ThreadPoolExecutor(len(fns)) as pool:
        return tuple(f.result() for f in [pool.submit(fn) for fn in fns])


class Base(unittest.TestCase):
    maxDiff = None
    MODE = "htpasswd"
    USERS = USERS

    @classmethod
    def setUpClass(cls):
        cls.reg = Registry(cls.MODE, users=cls.USERS).start()
        r = util.run([SKOPEO, "copy", "--insecure-policy", "--dest-tls-verify=false",
                      f"--dest-creds=alice:{SECRET}", f"dir:{IMG}", f"docker://{cls.reg.host}/l/x:v1"])
        assert r.rc == 0, r.describe()

    @classmethod
    def tearDownClass(cls):
        cls.reg.stop()

    def setUp(self):
        self.work = T / "work" / self.id().rsplit(".", 2)[-2] / self._testMethodName
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.cs, self.ch = self.work / "skopeo", self.work / "hoist"
        self.cs.mkdir()
        self.ch.mkdir()

    def tool(self, binary, cwd, *args, input=None, env=None):
        full_env = {"REGISTRY_AUTH_FILE": str(cwd / "auth.json"), "XDG_RUNTIME_DIR": str(cwd / "run"),
                    "HOME": str(cwd / "home"), "XDG_CONFIG_HOME": str(cwd / "home" / ".config")}
        full_env.pop("DOCKER_CONFIG", None)
        full_env.update(env or {})
        r = util.run([binary, *args], cwd=cwd, input=input, env=full_env)
        r = util.normalize(r, VS if binary == SKOPEO else VH)
        return util.Result(r.argv, r.rc, r.stdout.replace(str(cwd), "<cwd>"), r.stderr.replace(str(cwd), "<cwd>"))

    def both(self, *args, input=None, env_s=None, env_h=None):
        return par(lambda: self.tool(SKOPEO, self.cs, *args, input=input, env=env_s),
                   lambda: self.tool(HOIST, self.ch, *args, input=input, env=env_h))

    def assert_same(self, rs, rh):
        ctx = f"\n== skopeo (oracle) ==\n{rs.describe()}\n== hoist ==\n{rh.describe()}"
        self.assertEqual(rs.rc, rh.rc, "exit codes differ" + ctx)
        self.assertEqual(rs.stdout, rh.stdout, "stdout differs" + ctx)
        self.assertEqual(rs.stderr, rh.stderr, "stderr differs" + ctx)

    def assert_same_or_newest(self, rs, rh, newest_msg):
        """For messages whose wording changed after 1.9.3 (not a §0 delta, so not normalized):
        same exit code and stdout; hoist's fatal message is skopeo 1.9.3's or the newest
        skopeo's (`newest_msg`, from go.podman.io/common pkg/auth/auth.go, see §3.6)."""
        ctx = f"\n== skopeo (oracle) ==\n{rs.describe()}\n== hoist ==\n{rh.describe()}"
        self.assertEqual(rs.rc, rh.rc, "exit codes differ" + ctx)
        self.assertEqual(rs.stdout, rh.stdout, "stdout differs" + ctx)
        newest = f'time="<masked>" level=fatal msg="{newest_msg}"\n'
        self.assertIn(rh.stderr, (rs.stderr, newest), "stderr is neither 1.9.3's nor newest's" + ctx)

    def assert_same_file(self, name="auth.json"):
        ps, ph = self.cs / name, self.ch / name
        self.assertEqual(ps.exists(), ph.exists(), f"{name}: skopeo wrote it: {ps.exists()}, hoist: {ph.exists()}")
        if ps.exists():
            self.assertEqual(ps.read_bytes(), ph.read_bytes(), f"{name} differs from skopeo's")
            self.assertEqual(stat.S_IMODE(ph.stat().st_mode), stat.S_IMODE(ps.stat().st_mode), f"{name} mode")
            self.assertEqual(stat.S_IMODE(ph.stat().st_mode), 0o600)

    def assert_no_secret(self, r):
        b64 = base64.b64encode(f"alice:{SECRET}".encode()).decode()
        for leak in (SECRET, b64):
            self.assertNotIn(leak, r.stdout, "secret in stdout:\n" + r.describe())
            self.assertNotIn(leak, r.stderr, "secret in stderr:\n" + r.describe())

    def login(self, *extra, user="alice", pw=SECRET):
        return self.both("login", "--tls-verify=false", "-u", user, "-p", pw, *extra, self.reg.host)


HELPER = """#!/bin/sh
# fake docker-credential-rec: records each call, knows no credentials
input=$(cat)
printf '%s %s\\n' "$1" "$input" >> "$(dirname "$0")/calls.log"
case "$1" in
  get) echo "credentials not found in native keychain"; exit 1 ;;
  list) echo "{}" ;;
esac
"""


class Login(Base):
    def _with_helper(self, cwd):
        bindir = cwd / "bin"
        bindir.mkdir()
        helper = bindir / "docker-credential-rec"
        helper.write_text(HELPER)
        helper.chmod(0o755)
        (cwd / "auth.json").write_text(json.dumps({"credHelpers": {self.reg.host: "rec"}}, indent="\t") + "\n")
        return {"PATH": f"{bindir}:{os.environ['PATH']}"}

    @hoist_only
    def test_compat_auth_file_keeps_docker_keys(self):
        """--compat-auth-file (newer than 1.9.3) edits a Docker config.json: its other keys stay."""
        cfg = self.ch / "config.json"
        cfg.write_text(json.dumps({"auths": {"other.example": {"auth": "eDp5"}}, "HttpHeaders": {"X-Meta": "1"},
                                   "detachKeys": "ctrl-e,e"}))
        r = self.tool(HOIST, self.ch, "login", "--tls-verify=false", "--compat-auth-file", str(cfg), "-u", "alice",
                      "-p", SECRET, self.reg.host)
        self.assertEqual(r.rc, 0, r.describe())
        got = json.loads(cfg.read_text())
        self.assertEqual(got["HttpHeaders"], {"X-Meta": "1"})
        self.assertEqual(got["detachKeys"], "ctrl-e,e")
        self.assertEqual(got["auths"]["other.example"], {"auth": "eDp5"})
        self.assertEqual(base64.b64decode(got["auths"][self.reg.host]["auth"]).decode(), f"alice:{SECRET}")
        r = self.tool(HOIST, self.ch, "logout", "--compat-auth-file", str(cfg), self.reg.host)
        self.assertEqual(r.rc, 0, r.describe())
        got = json.loads(cfg.read_text())
        self.assertNotIn(self.reg.host, got["auths"])
        self.assertEqual(got["HttpHeaders"], {"X-Meta": "1"})

    def test_login_logout_use_the_credential_helper(self):
        env_s, env_h = self._with_helper(self.cs), self._with_helper(self.ch)
        before = (self.ch / "auth.json").read_bytes()
        rs, rh = self.both("login", "--tls-verify=false", "-u", "alice", "-p", SECRET, self.reg.host,
                           env_s=env_s, env_h=env_h)
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assertEqual((self.ch / "auth.json").read_bytes(), before, "the secret went to auth.json")
        self.assertEqual((self.cs / "auth.json").read_bytes(), before)
        calls = lambda cwd: (cwd / "bin" / "calls.log").read_text()  # noqa: E731
        self.assertIn(f'store {{"ServerURL":"{self.reg.host}","Username":"alice","Secret":"{SECRET}"}}', calls(self.ch))
        self.assertEqual([c for c in calls(self.ch).splitlines() if c.startswith("store")],
                         [c for c in calls(self.cs).splitlines() if c.startswith("store")])
        rs, rh = self.both("logout", self.reg.host, env_s=env_s, env_h=env_h)
        self.assert_same(rs, rh)
        self.assertIn(f"erase {self.reg.host}", calls(self.ch))
        self.assertEqual((self.ch / "auth.json").read_bytes(), (self.cs / "auth.json").read_bytes())

    def test_login_writes_identical_auth_json(self):
        rs, rh = self.login()
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assertEqual(rh.stdout, "Login Succeeded!\n")
        self.assert_same_file()
        self.assert_no_secret(rh)
        # a second registry key (namespaced) and a second user: still identical
        rs, rh = self.both("login", "--tls-verify=false", "-u", "bob", "-p", "bobpw", f"{self.reg.host}/l/x")
        self.assert_same(rs, rh)
        self.assert_same_file()

    def test_authfile_flag_and_verbose(self):
        rs, rh = self.both("login", "--tls-verify=false", "--authfile", "sub/my.json", "-v", "-u", "alice",
                           "-p", SECRET, self.reg.host)
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assertIn("Used:  ", rh.stdout)
        self.assert_same_file("sub/my.json")
        self.assertFalse((self.ch / "auth.json").exists(), "--authfile must override REGISTRY_AUTH_FILE")

    def test_password_stdin(self):
        for data in (SECRET.encode(), SECRET.encode() + b"\n"):
            with self.subTest(stdin=data):
                rs, rh = self.both("login", "--tls-verify=false", "-u", "alice", "--password-stdin",
                                   self.reg.host, input=data)
                self.assertEqual(rs.rc, 0, rs.describe())
                self.assert_same(rs, rh)
                self.assert_same_file()
                self.assert_no_secret(rh)
        with self.subTest("--password-stdin without -u"):
            rs, rh = self.both("login", "--tls-verify=false", "--password-stdin", self.reg.host, input=b"x\n")
            self.assertNotEqual(rs.rc, 0)
            self.assert_same_or_newest(rs, rh, "must provide --username with --password-stdin")

    def test_get_login(self):
        with self.subTest("not logged in"):
            rs, rh = self.both("login", "--get-login", self.reg.host)
            self.assertNotEqual(rs.rc, 0)
            self.assert_same(rs, rh)
        self.login()
        rs, rh = self.both("login", "--get-login", self.reg.host)
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assertEqual(rh.stdout, "alice\n")

    def test_existing_credentials(self):
        self.login()
        rs, rh = self.both("login", "--tls-verify=false", self.reg.host, input=b"")
        self.assert_same(rs, rh)
        self.assert_no_secret(rh)

    def test_wrong_password(self):
        rs, rh = self.login(pw="wrong")
        self.assertNotEqual(rs.rc, 0)
        self.assert_same(rs, rh)
        self.assert_same_file()
        with self.subTest("unknown user"):
            rs, rh = self.login(user="mallory", pw="x")
            self.assertNotEqual(rs.rc, 0)
            self.assert_same(rs, rh)

    def test_logout(self):
        with self.subTest("no auth file"):
            rs, rh = self.both("logout", self.reg.host)
            self.assertNotEqual(rs.rc, 0)
            # newest: CheckAuthFile -> fileutils.Exists (faccessat)
            self.assert_same_or_newest(rs, rh, "credential file is not accessible: faccessat <cwd>/auth.json: "
                                       "no such file or directory")
        with self.subTest("not logged in (auth file with another key)"):
            self.both("login", "--tls-verify=false", "-u", "bob", "-p", "bobpw", f"{self.reg.host}/l/x")
            rs, rh = self.both("logout", self.reg.host)
            self.assertNotEqual(rs.rc, 0)
            self.assert_same(rs, rh)
            self.assert_same_file()
        self.login()
        self.both("login", "--tls-verify=false", "-u", "bob", "-p", "bobpw", f"{self.reg.host}/l/x")
        rs, rh = self.both("logout", self.reg.host)
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assert_same_file()
        rs, rh = self.both("logout", self.reg.host)
        self.assertNotEqual(rs.rc, 0)
        self.assert_same(rs, rh)
        self.login()
        rs, rh = self.both("logout", "--all")
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assert_same_file()
        with self.subTest("--all with nothing stored"):
            rs, rh = self.both("logout", "-a")
            self.assert_same(rs, rh)
        with self.subTest("no registry"):
            rs, rh = self.both("logout")
            self.assert_same_or_newest(rs, rh, "please provide a registry to log out from")
            rs, rh = self.both("login", "-u", "alice", "-p", SECRET)
            self.assert_same_or_newest(rs, rh, "please provide a registry to log in to")
            self.assert_no_secret(rh)

    def test_each_tool_uses_the_others_file(self):
        self.login()
        ref = f"docker://{self.reg.host}/l/x:v1"
        for reader, cwd, writer_cwd in ((SKOPEO, self.cs, self.ch), (HOIST, self.ch, self.cs)):
            with self.subTest(reader=reader):
                authfile = writer_cwd / "auth.json"
                r = self.tool(reader, cwd, "inspect", "--tls-verify=false", "--authfile", authfile, ref)
                self.assertEqual(r.rc, 0, r.describe())
                r = self.tool(reader, cwd, "list-tags", "--tls-verify=false", ref.rsplit(":", 1)[0],
                              env={"REGISTRY_AUTH_FILE": str(authfile)})
                self.assertEqual(r.rc, 0, r.describe())
                r = self.tool(reader, cwd, "login", "--get-login", "--authfile", authfile, self.reg.host)
                self.assertEqual(r.stdout, "alice\n", r.describe())
                r = self.tool(reader, cwd, "login", "--tls-verify=false", "--authfile", authfile, self.reg.host,
                              input=b"")
                self.assertEqual(r.rc, 0, r.describe())

    def test_no_password_in_debug_output(self):
        for args in (["--debug", "login", "--tls-verify=false", "-u", "alice", "-p", SECRET, self.reg.host],
                     ["--debug", "login", "--tls-verify=false", "-u", "alice", "-p", "wrong" + SECRET, self.reg.host],
                     ["--debug", "inspect", "--tls-verify=false", f"--creds=alice:{SECRET}",
                      f"docker://{self.reg.host}/l/x:v1"],
                     ["--debug", "copy", "--insecure-policy", "--src-tls-verify=false",
                      f"--src-creds=alice:{SECRET}", f"docker://{self.reg.host}/l/x:v1", "dir:out"],
                     ["--debug", "inspect", "--tls-verify=false", f"docker://{self.reg.host}/l/x:v1"]):
            with self.subTest(args=args[1]):
                r = self.tool(HOIST, self.ch, *args)
                self.assert_no_secret(r)


class TokenLogin(Base):
    MODE = "token"
    USERS = {"alice": (SECRET, ["pull", "push", "delete"]), "reader": ("readerpw", ["pull"])}

    def test_login_logout_token_registry(self):
        rs, rh = self.login()
        self.assertEqual(rs.rc, 0, rs.describe())
        self.assert_same(rs, rh)
        self.assert_same_file()
        self.assert_no_secret(rh)
        r = self.tool(HOIST, self.ch, "inspect", "--tls-verify=false", f"docker://{self.reg.host}/l/x:v1")
        self.assertEqual(r.rc, 0, r.describe())
        rs, rh = self.login(pw="wrong")
        self.assertNotEqual(rs.rc, 0)
        self.assert_same(rs, rh)
        rs, rh = self.both("logout", self.reg.host)
        self.assert_same(rs, rh)
        self.assert_same_file()


if __name__ == "__main__":
    unittest.main()
