"""Command-line surface: hoist against the real skopeo for argument handling.

hoist is run through a symlink named `skopeo` (it prints the program name as invoked),
so messages that name the program compare byte for byte. Only cases where skopeo fails
before doing any I/O, with texts unchanged between 1.9.3 and the newest skopeo, are
compared directly; version deltas (skopeo-compat.md §0) are asserted as the newest
behaviour.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HOIST = os.environ.get("HOIST", os.path.join(os.path.dirname(__file__), "..", "..", "build", "hoist"))
SKOPEO = shutil.which("skopeo")
TIME_RE = re.compile(r'^time="[^"]*" ', re.M)


def run(binary, args, stdin=None):
    p = subprocess.run([binary] + args, capture_output=True, text=True, input=stdin, timeout=60,
                       env=dict(os.environ, LC_ALL="C"))
    return p.returncode, p.stdout, TIME_RE.sub('', p.stderr)


@unittest.skipUnless(SKOPEO and os.path.exists(HOIST), "needs skopeo and build/hoist")
class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hoist-cli-")
        cls.alias = os.path.join(cls.tmp, "skopeo")
        os.symlink(os.path.abspath(HOIST), cls.alias)
        cls.manifest = os.path.join(cls.tmp, "manifest.json")
        with open(cls.manifest, "w") as f:
            f.write('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
                    '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'
                    + "a" * 64 + '","size":2},"layers":[]}')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def same_failure(self, args):
        want = run(SKOPEO, args)
        got = run(self.alias, args)
        self.assertEqual(want[0], 1, f"skopeo {args} unexpectedly: {want}")
        self.assertEqual((got[0], got[1], got[2]), want, f"args: {args}")

    def test_dispatch_errors(self):
        for args in ([], ["bogus"], ["cop"], ["--bogus"], ["--policy"], ["--debug=maybe", "copy", "a", "b"],
                     ["copy", "--version", "a", "b"]):
            with self.subTest(args=args):
                self.same_failure(args)

    def test_flag_errors(self):
        for args in (["copy", "--bogus", "a", "b"], ["copy", "-x", "a", "b"], ["copy", "--authfile"],
                     ["copy", "-f"], ["copy", "--retry-times", "x", "a", "b"],
                     ["copy", "--retry-times", "99999999999999999999", "a", "b"],
                     ["copy", "--quiet=maybe", "a", "b"], ["copy", "--src-tls-verify=maybe", "a", "b"],
                     ["copy", "--command-timeout", "5", "a", "b"], ["--command-timeout", "5", "copy", "a", "b"],
                     ["copy", "--encrypt-layer", "a", "dir:/x", "dir:/y"], ["copy", "-h", "--bogus"],
                     ["copy", "--bogus", "-h"]):
            with self.subTest(args=args):
                self.same_failure(args)

    def test_argument_validation(self):
        for args in (["inspect"], ["inspect", "a", "b"], ["delete"], ["manifest-digest"],
                     ["standalone-sign"], ["inspect", "--raw", "--format", "x", "docker://a"],
                     ["inspect", "a"], ["inspect", "docker:busybox"],
                     ["copy", "a", "b"], ["copy", "dir:/x", "docker:busybox"],
                     ["delete", "dir:/x"], ["delete", "oci:/x"]):
            with self.subTest(args=args):
                self.same_failure(args)

    def test_credential_flags(self):
        for args in (["inspect", "--creds", "a", "--no-creds", "dir:/x"],
                     ["inspect", "--username", "a", "--no-creds", "dir:/x"],
                     ["inspect", "--creds", "a", "--username", "b", "dir:/x"],
                     ["inspect", "--username", "a", "dir:/x"], ["inspect", "--password", "a", "dir:/x"],
                     ["inspect", "--creds=", "dir:/x"], ["inspect", "--creds", ":p", "dir:/x"],
                     ["copy", "--src-creds", "a", "--src-no-creds", "dir:/x", "dir:/y"],
                     ["copy", "--dest-creds", ":x", "dir:/x", "dir:/y"]):
            with self.subTest(args=args):
                self.same_failure(args)

    def test_copy_option_validation(self):
        for args in (["copy", "-f", "bogus", "dir:/x", "dir:/y"],
                     ["copy", "--additional-tag", "UPPER", "dir:/x", "dir:/y"],
                     ["copy", "--additional-tag", "foo", "dir:/x", "dir:/y"],
                     ["copy", "--additional-tag", "foo@sha256:" + "0" * 64, "dir:/x", "dir:/y"],
                     ["copy", "--multi-arch", "bogus", "dir:/x", "dir:/y"],
                     ["copy", "--all", "--multi-arch", "all", "dir:/x", "dir:/y"],
                     ["copy", "--encrypt-layer", "1", "dir:/x", "dir:/y"],
                     ["copy", "--encryption-key", "a", "--decryption-key", "b", "dir:/x", "dir:/y"],
                     ["copy", "--sign-identity", "busybox", "dir:/x", "dir:/y"],
                     ["copy", "--dest-compress-format", "bogus", "dir:/x", "dir:/y"]):
            with self.subTest(args=args):
                self.same_failure(args)

    def test_list_tags_and_sync_validation(self):
        for args in (["list-tags", "oci:/x"], ["list-tags", "foo"], ["list-tags", "docker:x"],
                     ["list-tags", "docker://busybox:latest"], ["list-tags", "docker://UPPER"],
                     ["sync", "a", "b"], ["sync", "--src", "bogus", "a", "b"], ["sync", "--src", "docker", "a", "b"],
                     ["sync", "--src", "docker", "--dest", "bogus", "a", "b"],
                     ["sync", "--src", "dir", "--dest", "dir", "a", "b"]):
            with self.subTest(args=args):
                self.same_failure(args)

    def test_login_logout_validation(self):
        for args in (["login", "docker.io/library/busybox:latest"], ["login", "busybox/x"],
                     ["logout", "--all", "x"]):
            with self.subTest(args=args):
                self.same_failure(args)
        # Texts the newest skopeo spells "log in"/"log out" (1.9.3: "login"/"logout").
        self.assertIn('msg="please provide a registry to log in to"', run(self.alias, ["login"])[2])
        self.assertIn('msg="please provide a registry to log out from"', run(self.alias, ["logout"])[2])

    def test_manifest_digest(self):
        self.same_failure(["manifest-digest", "/nonexistent/m.json"])
        want = run(SKOPEO, ["manifest-digest", self.manifest])
        got = run(self.alias, ["manifest-digest", self.manifest])
        self.assertEqual(got, (0, want[1], ""))
        self.assertRegex(got[1], r"^sha256:[0-9a-f]{64}\n$")

    def test_arg_count_shows_help_on_stderr(self):
        # Newest skopeo (1.18+): help on stderr, then the error, exit 1 (1.9.3: help on stdout, exit 0).
        for cmd, msg in (("copy", "Exactly two arguments expected"), ("sync", "Exactly two arguments expected"),
                         ("list-tags", "Exactly one non-option argument expected")):
            with self.subTest(cmd=cmd):
                rc, out, err = run(self.alias, [cmd])
                old = run(SKOPEO, [cmd])
                self.assertEqual((rc, out), (1, ""))
                self.assertEqual(err.splitlines()[0], old[1].splitlines()[0])
                self.assertTrue(err.endswith(f'level=fatal msg="{msg}"\n'), err)

    def test_help_exit_codes_and_layout(self):
        for args in (["--help"], ["-h"], ["help"], ["copy", "--help"], ["help", "copy"], ["inspect", "-h"],
                     ["list-tags", "--help"], ["sync", "-h"], ["login", "--help"], ["--help", "copy"]):
            with self.subTest(args=args):
                rc, out, err = run(self.alias, args)
                want = run(SKOPEO, args)
                self.assertEqual((rc, err), (0, ""))
                self.assertEqual(out.splitlines()[0], want[1].splitlines()[0])
                self.assertIn("\nFlags:\n", out)
        # manifest-digest's help is identical in 1.9.3 and newest: byte equality.
        self.assertEqual(run(self.alias, ["manifest-digest", "--help"]), run(SKOPEO, ["manifest-digest", "--help"]))

    def test_root_help_lists_commands_like_cobra(self):
        out = run(self.alias, ["--help"])[1]
        want = run(SKOPEO, ["--help"])[1]
        # Same column layout: cobra pads names to the longest (hidden) command name.
        self.assertIn("  copy                                          Copy an IMAGE-NAME from one location to another\n", out)
        self.assertTrue(out.endswith('Use "skopeo [command] --help" for more information about a command.\n'))
        self.assertEqual(out.split("Available Commands:")[0], want.split("Available Commands:")[0])

    def test_version(self):
        self.assertEqual(run(self.alias, ["--version"]), (0, "skopeo version 0.1.0\n", ""))
        self.assertEqual(run(self.alias, ["-v"]), (0, "skopeo version 0.1.0\n", ""))
        self.assertEqual(run(HOIST, ["--version"]), (0, "hoist version 0.1.0\n", ""))
        self.assertRegex(run(SKOPEO, ["--version"])[1], r"^skopeo version \S+\n$")

    def test_program_name_in_messages(self):
        rc, out, err = run(HOIST, [])
        self.assertEqual(rc, 1)
        self.assertIn("Missing command 'hoist COMMAND'\\nTry 'hoist --help' for more information", err)

    def test_unsupported_flags_are_refused(self):
        rc, _, err = run(self.alias, ["copy", "--sign-by", "ABCD", "dir:/x", "dir:/y"])
        self.assertEqual(rc, 1)
        self.assertIn("--sign-by is not supported by hoist yet", err)


@unittest.skipUnless(SKOPEO and os.path.exists(HOIST) and shutil.which("docker-registry") and shutil.which("htpasswd"),
                     "needs skopeo, docker-registry, htpasswd")
class LoginTest(unittest.TestCase):
    """login/logout against a local htpasswd registry: stdout texts and auth.json bytes equal skopeo's."""

    @classmethod
    def setUpClass(cls):
        import socket
        cls.tmp = tempfile.mkdtemp(prefix="hoist-login-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            cls.host = "127.0.0.1:%d" % s.getsockname()[1]
        htpasswd = subprocess.run(["htpasswd", "-Bbn", "u", "p"], capture_output=True, text=True, check=True).stdout
        with open(os.path.join(cls.tmp, "htpasswd"), "w") as f:
            f.write(htpasswd)
        config = os.path.join(cls.tmp, "config.yml")
        with open(config, "w") as f:
            f.write("version: 0.1\nstorage: {filesystem: {rootdirectory: %s/data}}\nhttp: {addr: %s}\n"
                    "auth: {htpasswd: {realm: test, path: %s/htpasswd}}\n" % (cls.tmp, cls.host, cls.tmp))
        cls.registry = subprocess.Popen(["docker-registry", "serve", config], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        import time
        for _ in range(50):
            if subprocess.run(["curl", "-s", "-o", "/dev/null", "http://%s/v2/" % cls.host]).returncode == 0:
                break
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.registry.kill()
        cls.registry.wait()
        shutil.rmtree(cls.tmp)

    def both(self, args, stdin=None):
        out = []
        for binary, name in ((SKOPEO, "skopeo.json"), (HOIST, "hoist.json")):
            auth = os.path.join(self.tmp, name)
            out.append(run(binary, [args[0], "--tls-verify=false", "--authfile", auth] + args[1:], stdin))
        return out

    def test_login_logout(self):
        for args, stdin in ((["login", "-u", "u", "-p", "p", "-v", self.host], None),
                            (["login", self.host], ""),
                            (["login", "-u", "u", "-p", "bad", self.host], None),
                            (["login", "-u", "u", "--password-stdin", self.host], "p\n"),
                            (["login", "--get-login", self.host], None)):
            with self.subTest(args=args):
                want, got = self.both(args, stdin)
                self.assertEqual(got[0], want[0])
                self.assertEqual(got[1].replace("hoist.json", "X"), want[1].replace("skopeo.json", "X"))
                self.assertEqual(got[2], want[2])
        with open(os.path.join(self.tmp, "skopeo.json"), "rb") as a, open(os.path.join(self.tmp, "hoist.json"), "rb") as b:
            self.assertEqual(b.read(), a.read())
        got = run(HOIST, ["logout", "--authfile", os.path.join(self.tmp, "hoist.json"), self.host])
        self.assertEqual(got, (0, "Removed login credentials for %s\n" % self.host, ""))


if __name__ == "__main__":
    unittest.main()
