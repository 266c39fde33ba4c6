#!/usr/bin/env python3
"""libvirt front-end benchmark: virsh against xvmd, beside xm and beside
libvirt's own test driver, on the same machine in the same run.

Starts the stack in a private root, creates N domains (paused: they have
domids and states but use no CPU) through the HTTP API, and times, as the
median of 20 runs of each command, end to end (process start included):

  virsh_list_ms        virsh -c xen+unix:///...virtxend-sock list --all
  xm_list_ms           xm list (the HTTP API)
  test_list_ms         virsh -c test:///NODE.xml list --all, the test driver
                       loaded with N domains of its own
  virsh_dominfo_ms     virsh dominfo on one domain
  test_dominfo_ms      the same against the test driver
  py_list_ms           libvirt-python listAllDomains + info() of each, one
                       connection (no process start)

usage: virsh.py BUILD_DIR [N]      (N defaults to 200)
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lifecycle import call, wait_sock  # noqa: E402


def timed(cmd, env, runs=20):
    ms = []
    for _ in range(runs):
        t0 = time.monotonic()
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        ms.append((time.monotonic() - t0) * 1000)
        if r.returncode != 0:
            sys.exit("bench: %s failed: %s" % (" ".join(cmd), r.stdout[-500:]))
    return statistics.median(ms), r.stdout.decode()


def test_node(path, n):
    """A test-driver node file with n running domains."""
    with open(path, "w") as f:
        f.write("<node>\n")
        for i in range(n):
            f.write("<domain type='test'><name>seq%d</name>"
                    "<memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                    "<os><type>hvm</type></os></domain>\n" % i)
        f.write("</node>\n")


def main():
    build = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    guest = f"{build}/guest/minios/minios.elf"
    root = tempfile.mkdtemp(prefix="xvm-bench-")
    env = dict(os.environ, XVM_ROOT=root)
    procs = []
    for prog, sock in (("hypervisor/xvm-hypervisor", "run/xvm/privcmd"),
                       ("xenstored/xenstored", "run/xenstored/socket"),
                       ("console/xvm-consoled", "run/xvm/consoled.sock"),
                       ("xvmd/xvmd", "run/libvirt/virtxend-sock")):
        procs.append(subprocess.Popen([f"{build}/{prog}", "-F", "--root", root],
                                      env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        wait_sock(f"{root}/{sock}")
    api = f"{root}/run/xvm/xvmd.sock"
    uri = f"xen+unix:///system?socket={root}/run/libvirt/virtxend-sock"
    try:
        for i in range(n):
            st, doc = call(api, "POST", "/domains", {
                "config": f'name = "seq{i}"\nmemory = 16\nkernel = "{guest}"\n',
                "paused": True})
            assert st == 201, doc
        node = f"{root}/test-node.xml"
        test_node(node, n)
        test_uri = f"test://{node}"
        v, out = timed(["virsh", "-c", uri, "list", "--all"], env)
        rows = len([l for l in out.splitlines() if "seq" in l])
        print(f"virsh_list_ms    median {v:.1f}   ({rows} domains + Domain-0, "
              f"virsh list --all over virtxend-sock)")
        x, out = timed([f"{build}/tools/xm/xm", "--root", root, "list"], env)
        print(f"xm_list_ms       median {x:.1f}   (xm list, the HTTP API)")
        t, out = timed(["virsh", "-c", test_uri, "list", "--all"], env)
        rows = len([l for l in out.splitlines() if "seq" in l])
        print(f"test_list_ms     median {t:.1f}   ({rows} domains, libvirt's "
              f"test driver in virsh's process)")
        d, _ = timed(["virsh", "-c", uri, "dominfo", "seq7"], env)
        print(f"virsh_dominfo_ms median {d:.1f}")
        td, _ = timed(["virsh", "-c", test_uri, "dominfo", "seq7"], env)
        print(f"test_dominfo_ms  median {td:.1f}")
        base, _ = timed(["virsh", "-c", test_uri, "version"], env)
        print(f"virsh_start_ms   median {base:.1f}   (virsh version against "
              f"the test driver: the client's own start-up)")
        import libvirt
        conn = libvirt.open(uri)
        ms = []
        for _ in range(20):
            t0 = time.monotonic()
            doms = conn.listAllDomains()
            for dom in doms:
                dom.info()
            ms.append((time.monotonic() - t0) * 1000)
        print(f"py_list_ms       median {statistics.median(ms):.1f}   "
              f"(libvirt-python: listAllDomains + info() of {len(doms)})")
        conn.close()
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait()
        subprocess.run(["rm", "-rf", root])


if __name__ == "__main__":
    main()
