"""Real registries for the integration tests: Debian's `docker-registry` (distribution 2.8).

    with Registry("plain") as reg:                       # HTTP, anonymous
        run(["skopeo", "copy", "--dest-tls-verify=false", src, f"docker://{reg.host}/a/b:t"])

Modes:
  plain     HTTP, no auth
  tls       HTTPS with a per-run CA; reg.ca_dir holds only ca.crt (use as --cert-dir / certs.d)
  mtls      tls that also requires a client certificate signed by the same CA (http.tls.clientcas);
            reg.client_dir holds ca.crt + client.cert + client.key (tls_flags() use it), reg.ca_dir
            still only ca.crt (a client without a certificate)
  htpasswd  HTTP basic auth (bcrypt htpasswd); users={"name": "password"}
  token     bearer tokens from tokenserver.py; users={"name": ("password", ["pull", "push", "delete"])}
            (plain passwords mean every action). Default users: see DEFAULT_TOKEN_USERS.
            anonymous=["pull"] lets clients without credentials pull (default: refused).
tls=True adds HTTPS to htpasswd/token (the token server then also speaks HTTPS).

Everything (storage, config, logs) lives in reg.dir, a fresh temp dir removed on exit
unless HOIST_KEEP_TMP is set or the block raised; reg.logs() returns the server logs.
Servers are started as child processes and stopped by PID.
"""
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

LIB_DIR = os.path.dirname(os.path.abspath(__file__))

# name -> (password, actions): a full-access user and a pull-only user.
DEFAULT_TOKEN_USERS = {
    "alice": ("alicepw", ["pull", "push", "delete"]),
    "reader": ("readerpw", ["pull"]),
}
DEFAULT_HTPASSWD_USERS = {"alice": "alicepw"}
SERVICE = "hoist-test-registry"
ISSUER = "hoist-test-issuer"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def make_ca_and_server_cert(d):
    """CA + server certificate for 127.0.0.1 and localhost in d; returns (ca.crt, server.crt, server.key)."""
    os.makedirs(d, exist_ok=True)
    ca_key, ca_crt = os.path.join(d, "ca.key"), os.path.join(d, "ca.crt")
    key, csr, crt, ext = (os.path.join(d, n) for n in ("server.key", "server.csr", "server.crt", "server.ext"))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run(["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_crt, "-days", "2",
          "-subj", "/CN=hoist test CA", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    _run(["openssl", "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"])
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    _run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
          "-out", crt, "-days", "2", "-extfile", ext])
    return ca_crt, crt, key


def make_client_cert(ca_d, out_d, name="client"):
    """A client certificate (CN=hoist test client, clientAuth) signed by the CA in ca_d (made by
    make_ca_and_server_cert); writes out_d/<name>.cert and out_d/<name>.key, returns their paths."""
    ca_key, ca_crt = os.path.join(ca_d, "ca.key"), os.path.join(ca_d, "ca.crt")
    crt, key = os.path.join(out_d, name + ".cert"), os.path.join(out_d, name + ".key")
    csr, ext = os.path.join(ca_d, name + ".csr"), os.path.join(ca_d, name + ".ext")
    _run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", key, "-out", csr, "-subj", "/CN=hoist test client"])
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
    _run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
          "-out", crt, "-days", "2", "-extfile", ext])
    return crt, key


def _normalize_token_users(users):
    out = {}
    for name, spec in users.items():
        if isinstance(spec, str):
            out[name] = {"password": spec, "actions": ["pull", "push", "delete"]}
        else:
            out[name] = {"password": spec[0], "actions": list(spec[1])}
    return out


class Registry:
    """A docker-registry child process on 127.0.0.1:<free port>; see the module docstring.

    Attributes once started: host ("127.0.0.1:PORT"), url ("http[s]://host"), scheme, port,
    dir, storage, ca_dir (tls only, else None), ca_cert, client_dir (mtls only, else None), users,
    token_url (token mode),
    tls_verify_flag(prefix) -> the skopeo flags to reach it.
    """

    def __init__(self, mode="plain", users=None, tls=None, anonymous=None, token_expires=300):
        if mode not in ("plain", "tls", "mtls", "htpasswd", "token"):
            raise ValueError("unknown registry mode %r" % mode)
        self.mode = mode
        self.tls = (mode in ("tls", "mtls")) if tls is None else bool(tls or mode in ("tls", "mtls"))
        if mode == "token":
            self.users = dict(users if users is not None else DEFAULT_TOKEN_USERS)
        elif mode == "htpasswd":
            self.users = dict(users if users is not None else DEFAULT_HTPASSWD_USERS)
        else:
            self.users = {}
        self.anonymous = list(anonymous or [])
        self.token_expires = token_expires
        self.scheme = "https" if self.tls else "http"
        self.dir = None
        self.ca_dir = self.ca_cert = None
        self.client_dir = None      # mtls: ca.crt + client.cert + client.key
        self.token_url = None
        self._procs = []  # (name, Popen, log path)

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop(keep=exc_type is not None)
        return False

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="hoist-reg-")
        self.storage = os.path.join(self.dir, "data")
        os.makedirs(self.storage)
        try:
            tls_block = self._setup_tls() if self.tls else ""
            auth_block = ""
            if self.mode == "htpasswd":
                auth_block = self._setup_htpasswd()
            elif self.mode == "token":
                auth_block = self._setup_token()
            self._start_registry(tls_block, auth_block)
        except BaseException:
            self.stop(keep=True)
            raise
        return self

    def stop(self, keep=False):
        for name, proc, _ in reversed(self._procs):
            _terminate(proc)
        self._procs = []
        if self.dir and not keep and not os.environ.get("HOIST_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)
        elif self.dir:
            sys.stderr.write("registry files kept in %s\n" % self.dir)

    # -- helpers for tests -----------------------------------------------------------
    def tls_flags(self, prefix=""):
        """skopeo flags to reach this registry, e.g. prefix="src-"."""
        if self.tls:
            return ["--%scert-dir=%s" % (prefix, self.client_dir or self.ca_dir)]
        return ["--%stls-verify=false" % prefix]

    def creds(self, user):
        """"user:password" for --creds / --src-creds / --dest-creds."""
        spec = self.users[user]
        return "%s:%s" % (user, spec if isinstance(spec, str) else spec[0])

    def push_dir(self, path, ref, user=None):
        """Copies the dir: image at path to docker://HOST/ref with the real skopeo (setup helper)."""
        cmd = ["skopeo", "copy", "--insecure-policy", *self.tls_flags("dest-")]
        if user:
            cmd.append("--dest-creds=" + self.creds(user))
        _run(cmd + ["dir:" + str(path), "docker://%s/%s" % (self.host, ref)])

    def ssl_context(self):
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=self.ca_cert)
        if self.client_dir:
            ctx.load_cert_chain(os.path.join(self.client_dir, "client.cert"), os.path.join(self.client_dir, "client.key"))
        return ctx

    def logs(self):
        out = []
        for name, _, path in self._procs:
            with open(path, errors="replace") as f:
                out.append("==> %s <==\n%s" % (name, f.read()[-20000:]))
        return "\n".join(out)

    def token_requests(self):
        """Token server requests so far (token mode), one dict per request, no secrets."""
        path = os.path.join(self.dir, "token", "requests.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    # -- setup -----------------------------------------------------------------------
    def _setup_tls(self):
        self.ca_cert, crt, key = make_ca_and_server_cert(os.path.join(self.dir, "tls"))
        self.ca_dir = os.path.join(self.dir, "certs")
        os.makedirs(self.ca_dir)
        shutil.copy(self.ca_cert, os.path.join(self.ca_dir, "ca.crt"))  # never the key
        self._server_cert = (crt, key)
        block = "  tls:\n    certificate: %s\n    key: %s\n" % (crt, key)
        if self.mode == "mtls":
            self.client_dir = os.path.join(self.dir, "client-certs")
            os.makedirs(self.client_dir)
            shutil.copy(self.ca_cert, os.path.join(self.client_dir, "ca.crt"))
            make_client_cert(os.path.join(self.dir, "tls"), self.client_dir)
            block += "    clientcas:\n      - %s\n" % self.ca_cert
        return block

    def _setup_htpasswd(self):
        path = os.path.join(self.dir, "htpasswd")
        with open(path, "w") as f:
            for user, password in self.users.items():
                f.write(_run(["htpasswd", "-Bbn", user, password]).stdout.decode().strip() + "\n")
        return "auth:\n  htpasswd:\n    realm: hoist-test\n    path: %s\n" % path

    def _setup_token(self):
        tdir = os.path.join(self.dir, "token")
        os.makedirs(tdir)
        key, cert = os.path.join(tdir, "key.pem"), os.path.join(tdir, "cert.pem")
        _run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
              "-days", "2", "-subj", "/CN=hoist test token signer"])
        users_file = os.path.join(tdir, "users.json")
        with open(users_file, "w") as f:
            json.dump({"users": _normalize_token_users(self.users), "anonymous": self.anonymous}, f)
        port_file = os.path.join(tdir, "port")
        cmd = [sys.executable, os.path.join(LIB_DIR, "tokenserver.py"), "--key", key, "--cert", cert,
               "--users", users_file, "--issuer", ISSUER, "--service", SERVICE, "--port-file", port_file,
               "--expires", str(self.token_expires), "--request-log", os.path.join(tdir, "requests.jsonl")]
        if self.tls:
            cmd += ["--tls-cert", self._server_cert[0], "--tls-key", self._server_cert[1]]
        proc = self._spawn("tokenserver", cmd, os.path.join(tdir, "token.log"))
        port = _wait_for_file(port_file, proc, self)
        self.token_url = "%s://127.0.0.1:%s/token" % (self.scheme, port)
        self._wait_http("%s://127.0.0.1:%s/healthz" % (self.scheme, port), proc)
        return ("auth:\n  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n"
                % (self.token_url, SERVICE, ISSUER, cert))

    def _start_registry(self, tls_block, auth_block):
        for attempt in range(5):
            self.port = free_port()
            self.host = "127.0.0.1:%d" % self.port
            self.url = "%s://%s" % (self.scheme, self.host)
            config = os.path.join(self.dir, "config.yml")
            with open(config, "w") as f:
                f.write(_config_yaml(self.storage, self.host, tls_block, auth_block))
            proc = self._spawn("registry", ["docker-registry", "serve", config],
                               os.path.join(self.dir, "registry-%d.log" % attempt))
            try:
                self._wait_http(self.url + "/v2/", proc)
                return
            except RuntimeError:
                if proc.poll() is None:  # alive but not answering: a real failure
                    raise
                self._procs.pop()  # died (port taken meanwhile?): retry on another port
        raise RuntimeError("docker-registry did not start:\n" + self.logs())

    def _spawn(self, name, cmd, log_path):
        log = open(log_path, "wb")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self._procs.append((name, proc, log_path))
        return proc

    def _wait_http(self, url, proc, timeout=15):
        deadline = time.time() + timeout
        ctx = self.ssl_context()
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("%s exited with %s while starting:\n%s" % (url, proc.returncode, self.logs()))
            try:
                urllib.request.urlopen(url, timeout=1, context=ctx).close()
                return
            except urllib.error.HTTPError:
                return  # 401 and friends: it answers
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise RuntimeError("%s did not answer within %ss:\n%s" % (url, timeout, self.logs()))


def _config_yaml(storage, host, tls_block, auth_block):
    return ("version: 0.1\nlog:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n"
            "storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n"
            "  cache:\n    blobdescriptor: inmemory\n  maintenance:\n    uploadpurging:\n      enabled: false\n"
            "http:\n  addr: %s\n  secret: hoist-test-secret\n  headers:\n    X-Content-Type-Options: [nosniff]\n"
            "%s%s" % (storage, host, tls_block, auth_block))


def _wait_for_file(path, proc, reg, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                return int(f.read().strip())
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    raise RuntimeError("token server did not start:\n" + reg.logs())


def _terminate(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
