"""Checks the integration-test harness itself (lib/) with the real skopeo and curl."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

from lib.faultproxy import FaultProxy
from lib.images import build_image
from lib.registry import Registry


def skopeo(*args, env=None):
    return subprocess.run(["skopeo", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=120, env=env)


class HarnessCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hoist-harness-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.image = build_image(kind="docker", layers=1, compression="gzip")
        self.image_dir = os.path.join(self.tmp, "img")
        self.image.write(self.image_dir, "dir")

    def ok(self, proc):
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc

    def push(self, reg, ref, *flags):
        return skopeo("copy", "--insecure-policy", *reg.tls_flags("dest-"), *flags,
                      "dir:" + self.image_dir, "docker://%s/%s" % (reg.host, ref))

    def tags(self, reg, repo, *flags):
        return skopeo("list-tags", *reg.tls_flags(), *flags, "docker://%s/%s" % (reg.host, repo))


class TestPlainAndTLS(HarnessCase):
    def test_plain_push_list_inspect(self):
        with Registry("plain") as reg:
            self.assertTrue(reg.url.startswith("http://127.0.0.1:"))
            self.ok(self.push(reg, "ns/app:v1"))
            out = json.loads(self.ok(self.tags(reg, "ns/app")).stdout)
            self.assertEqual(out["Tags"], ["v1"])
            raw = self.ok(skopeo("inspect", "--raw", "--tls-verify=false", "docker://%s/ns/app:v1" % reg.host))
            self.assertEqual(raw.stdout.encode(), self.image.manifest)
            req = urllib.request.Request(reg.url + "/v2/ns/app/manifests/v1", headers={"Accept": self.image.media_type})
            with urllib.request.urlopen(req) as r:
                self.assertEqual(r.headers["Docker-Content-Digest"], self.image.digest)
        self.assertFalse(os.path.exists(reg.dir), "temp dir removed on exit")

    def test_tls_with_and_without_ca(self):
        with Registry("tls") as reg:
            self.assertTrue(reg.url.startswith("https://"))
            self.assertEqual(os.listdir(reg.ca_dir), ["ca.crt"])
            self.ok(self.push(reg, "tls/app:v1"))
            self.assertEqual(json.loads(self.ok(self.tags(reg, "tls/app")).stdout)["Tags"], ["v1"])
            bad = skopeo("list-tags", "docker://%s/tls/app" % reg.host)
            self.assertNotEqual(bad.returncode, 0)
            self.assertIn("x509: certificate signed by unknown authority", bad.stderr)
            via_localhost = skopeo("list-tags", "--cert-dir=" + reg.ca_dir,
                                   "docker://localhost:%d/tls/app" % reg.port)
            self.ok(via_localhost)

    def test_mtls_requires_the_client_certificate(self):
        with Registry("mtls") as reg:
            self.assertEqual(os.listdir(reg.ca_dir), ["ca.crt"])
            self.assertEqual(sorted(os.listdir(reg.client_dir)), ["ca.crt", "client.cert", "client.key"])
            self.assertEqual(reg.tls_flags("dest-"), ["--dest-cert-dir=" + reg.client_dir])
            self.ok(self.push(reg, "m/app:v1"))
            self.assertEqual(json.loads(self.ok(self.tags(reg, "m/app")).stdout)["Tags"], ["v1"])
            bad = skopeo("list-tags", "--cert-dir=" + reg.ca_dir, "docker://%s/m/app" % reg.host)
            self.assertNotEqual(bad.returncode, 0)
            self.assertIn("tls: bad certificate", bad.stderr)
            with urllib.request.urlopen(reg.url + "/v2/", context=reg.ssl_context()) as r:
                self.assertEqual(r.status, 200)


class TestHtpasswd(HarnessCase):
    def test_basic_auth(self):
        with Registry("htpasswd", users={"bob": "bobpw"}) as reg:
            anon = self.push(reg, "b/app:v1")
            self.assertNotEqual(anon.returncode, 0)
            self.assertIn("authentication required", anon.stderr)
            wrong = self.push(reg, "b/app:v1", "--dest-creds=bob:nope")
            self.assertNotEqual(wrong.returncode, 0)
            self.ok(self.push(reg, "b/app:v1", "--dest-creds=bob:bobpw"))
            self.assertEqual(json.loads(self.ok(self.tags(reg, "b/app", "--creds=bob:bobpw")).stdout)["Tags"], ["v1"])

    def test_basic_auth_over_tls(self):
        with Registry("htpasswd", tls=True) as reg:
            self.ok(self.push(reg, "b/app:v1", "--dest-creds=alice:alicepw"))
            self.assertEqual(reg.scheme, "https")


class TestToken(HarnessCase):
    def test_grants(self):
        with Registry("token") as reg:
            self.ok(self.push(reg, "t/app:v1", "--dest-creds=alice:alicepw"))
            self.assertEqual(json.loads(self.ok(self.tags(reg, "t/app", "--creds=reader:readerpw")).stdout)["Tags"],
                             ["v1"])
            pulled = os.path.join(self.tmp, "pulled")
            self.ok(skopeo("copy", "--insecure-policy", "--src-tls-verify=false", "--src-creds=reader:readerpw",
                           "docker://%s/t/app:v1" % reg.host, "dir:" + pulled))
            with open(os.path.join(pulled, "manifest.json"), "rb") as f:
                self.assertEqual(f.read(), self.image.manifest)
            denied = self.push(reg, "t/app:v2", "--dest-creds=reader:readerpw")
            self.assertNotEqual(denied.returncode, 0)
            self.assertIn("denied", denied.stderr)
            rm = skopeo("delete", "--tls-verify=false", "--creds=reader:readerpw", "docker://%s/t/app:v1" % reg.host)
            self.assertNotEqual(rm.returncode, 0)
            anon = self.tags(reg, "t/app")
            self.assertNotEqual(anon.returncode, 0)
            self.assertIn("invalid username/password: unauthorized: authentication failed", anon.stderr)
            self.ok(skopeo("delete", "--tls-verify=false", "--creds=alice:alicepw", "docker://%s/t/app:v1" % reg.host))
            users = {r["user"] for r in reg.token_requests() if r["status"] == 200}
            self.assertEqual(users, {"alice", "reader"})

    def test_refresh_token_flow(self):
        with Registry("token") as reg:
            q = urllib.parse.urlencode({"service": "hoist-test-registry", "offline_token": "true",
                                        "scope": "repository:t/app:pull"})
            req = urllib.request.Request(reg.token_url + "?" + q, headers={
                "Authorization": "Basic " + base64.b64encode(b"alice:alicepw").decode()})
            with urllib.request.urlopen(req) as r:
                refresh = json.load(r)["refresh_token"]
            self.ok(self.push(reg, "t/app:v1", "--dest-creds=alice:alicepw"))
            authfile = os.path.join(self.tmp, "auth.json")
            with open(authfile, "w") as f:
                json.dump({"auths": {reg.host: {"auth": base64.b64encode(b"alice:x").decode(),
                                                "identitytoken": refresh}}}, f)
            self.ok(self.tags(reg, "t/app", "--authfile=" + authfile))
            self.assertIn("POST-refresh", [r["method"] for r in reg.token_requests() if r["status"] == 200])

    def test_token_over_tls(self):
        with Registry("token", tls=True) as reg:
            self.assertTrue(reg.token_url.startswith("https://127.0.0.1:"))
            reg.push_dir(self.image_dir, "t/app:v1", user="alice")
            out = self.ok(self.tags(reg, "t/app", "--creds=" + reg.creds("reader")))
            self.assertEqual(json.loads(out.stdout)["Tags"], ["v1"])

    def test_anonymous_pull_option(self):
        with Registry("token", anonymous=["pull"]) as reg:
            self.ok(self.push(reg, "t/app:v1", "--dest-creds=alice:alicepw"))
            self.ok(self.tags(reg, "t/app"))
            self.assertNotEqual(self.push(reg, "t/app:v2").returncode, 0)


class TestFaultProxy(HarnessCase):
    def fetch(self, url):
        try:
            with urllib.request.urlopen(url) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def test_faults(self):
        with Registry("plain") as reg, FaultProxy(reg.url) as proxy:
            self.ok(self.push(reg, "f/app:v1"))
            layer = self.image.layers[0]
            blob_url = "%s/v2/f/app/blobs/%s" % (proxy.url, layer.digest)
            good = layer.blob
            self.assertEqual(self.fetch(blob_url)[2], good)

            proxy.status(503, r"/blobs/")
            self.assertEqual(self.fetch(blob_url)[0], 503)
            self.assertEqual(self.fetch(blob_url)[2], good)

            proxy.status(429, r"/blobs/", retry_after="2")
            code, headers, _ = self.fetch(blob_url)
            self.assertEqual((code, headers["Retry-After"]), (429, "2"))

            proxy.corrupt(r"/blobs/", offset=3)
            bad = self.fetch(blob_url)[2]
            self.assertEqual(len(bad), len(good))
            self.assertEqual([i for i in range(len(good)) if bad[i] != good[i]], [3])

            rule = proxy.reset_after(r"/blobs/", after_bytes=10)
            curl = subprocess.run(["curl", "-s", "-o", os.devnull, blob_url])
            self.assertIn(curl.returncode, (18, 56))  # partial file / connection reset
            self.assertEqual(rule.hits, 1)
            self.assertEqual(self.fetch(blob_url)[2], good)

            # skopeo through the proxy (pushes use chunked PATCH bodies and Location headers)
            out = skopeo("copy", "--insecure-policy", "--dest-tls-verify=false", "dir:" + self.image_dir,
                         "docker://%s/f/other:v1" % proxy.host)
            self.ok(out)
            self.assertTrue(any(p.startswith("/v2/f/other/blobs/uploads/") for _, p, _, _ in proxy.requests))

    def test_redirect(self):
        with Registry("plain") as reg, FaultProxy(reg.url) as proxy:
            self.ok(self.push(reg, "f/app:v1"))
            layer = self.image.layers[0]
            blob_url = "%s/v2/f/app/blobs/%s" % (proxy.url, layer.digest)
            rule = proxy.redirect(r"/blobs/", reg.url)   # to the registry itself: another port
            req = urllib.request.Request(blob_url, headers={"X-Probe": "1"})
            with urllib.request.urlopen(req) as r:
                self.assertEqual((r.url, r.read()), (reg.url + urllib.parse.urlparse(blob_url).path, layer.blob))
            self.assertEqual(rule.hits, 1)
            self.assertEqual(rule.headers[0].get("X-Probe"), "1")
            self.assertEqual(proxy.requests[-1][2:], (307, "redirect"))
            head = urllib.request.Request(blob_url, method="HEAD")
            with urllib.request.urlopen(head) as r:   # method="GET" only: HEAD is forwarded
                self.assertEqual(r.url, blob_url)


if __name__ == "__main__":
    unittest.main()
