"""The demo behind scripts/demo: a skopeo user's day with hoist against a real registry.

Generates a 3-platform OCI image, logs in to a local docker-registry (TLS with a CA made for
the run, htpasswd auth), pushes the image with all platforms, inspects it, lists tags, mirrors
it registry→registry, pulls it to dir:, pushes it back (blobs already there are skipped) and
deletes the mirror. Each step prints the command and its output.
"""
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from lib import images  # noqa: E402
from lib.registry import Registry  # noqa: E402

HOIST = sys.argv[1] if len(sys.argv) > 1 else "build/hoist"


def step(title, *args, stdin=None, show=40):
    print(f"\n== {title}")
    print("$ hoist " + " ".join(shlex.quote(a) for a in args))
    start = time.monotonic()
    proc = subprocess.run([HOIST, *args], input=stdin, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    lines = (proc.stdout + proc.stderr).splitlines()
    for line in lines[:show]:
        print("  " + line)
    if len(lines) > show:
        print(f"  ... ({len(lines) - show} more lines)")
    print(f"  [exit {proc.returncode}, {elapsed:.2f}s]")
    if proc.returncode != 0:
        raise SystemExit(f"demo step failed: {title}")
    return proc.stdout


def main():
    work = tempfile.mkdtemp(prefix="hoist-demo-")
    os.environ["REGISTRY_AUTH_FILE"] = os.path.join(work, "auth.json")
    src = os.path.join(work, "app-oci")
    digest = images.make_image(src, kind="oci", layers=3, platforms=images.DEFAULT_PLATFORMS,
                               layout="oci", ref="v1", size=256 * 1024)
    print(f"Generated a 3-platform OCI image at {src}:v1 (index {digest})")
    with Registry("htpasswd", tls=True) as reg:
        host, certs = reg.host, reg.ca_dir
        print(f"Started docker-registry at https://{host} (CA in {certs}, user alice)")
        step("Inspect the local image (the platform of this machine is chosen)", "inspect", f"oci:{src}:v1")
        step("Log in", "login", "--cert-dir", certs, "-u", "alice", "--password-stdin", host, stdin="alicepw\n")
        step("Push every platform", "copy", "--all", "--dest-cert-dir", certs, f"oci:{src}:v1",
             f"docker://{host}/demo/app:v1")
        step("Inspect it in the registry", "inspect", "--cert-dir", certs, f"docker://{host}/demo/app:v1")
        step("List its tags", "list-tags", "--cert-dir", certs, f"docker://{host}/demo/app")
        step("Mirror registry→registry (blobs are mounted, not re-sent)", "copy", "--multi-arch", "all",
             "--src-cert-dir", certs, "--dest-cert-dir", certs,
             f"docker://{host}/demo/app:v1", f"docker://{host}/mirror/app:v1")
        step("Pull to a directory", "copy", "--src-cert-dir", certs, f"docker://{host}/demo/app:v1",
             f"dir:{work}/app-dir")
        step("Push the directory back under a new tag (blobs already there are skipped)", "copy",
             "--dest-cert-dir", certs, f"dir:{work}/app-dir", f"docker://{host}/demo/app:v1-from-dir")
        step("Tags now", "list-tags", "--cert-dir", certs, f"docker://{host}/demo/app")
        step("Delete the mirror", "delete", "--cert-dir", certs, f"docker://{host}/mirror/app:v1")
        step("Log out", "logout", host)
    print(f"\nDone. Registry stopped; files were under {work} (removed).")
    subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()
