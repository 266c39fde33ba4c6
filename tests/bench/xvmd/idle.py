#!/usr/bin/env python3
"""Idle domains through the whole stack: what N idle mini-OS domains cost.

Starts xvm-hypervisor, xenstored, xvm-consoled and xvmd in a private root,
creates N mini-OS domains through xvmd (as `xm create` does: POST /domains,
running) with the given command line, waits until every one has printed
its `workload:` line, lets them settle, and prints:

  create_s        wall time to create and start all N
  hv_cpu_pct      the hypervisor's CPU over WINDOW s (utime+stime from
                  /proc/PID/stat), % of one core
  hv_cpu_us       the same per domain per second
  hv_rss_kib      the hypervisor's RSS growth per domain (guest pages
                  included), then split: anon_kib is the hypervisor's own
                  memory (its heap: vCPU state, decode caches, rings),
                  shmem_kib the guest pages it has mapped (the domains'
                  memfds), file_kib mapped files

usage: idle.py BUILD_DIR [N [EXTRA [MEMORY_MIB [WINDOW_S]]]]
       (defaults: 100, "idle", 64, 10)
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(self.path)


def call(sock, method, uri, body=None):
    c = UnixHTTP(sock)
    c.request(method, uri, body=json.dumps(body) if body else None,
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def wait_sock(path, secs=30):
    end = time.monotonic() + secs
    while not os.path.exists(path):
        if time.monotonic() > end:
            sys.exit(f"bench: {path} did not appear")
        time.sleep(0.02)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])    # utime + stime


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


RSS_PARTS = ("RssAnon", "RssShmem", "RssFile")


def booted(log):
    try:
        with open(log, "rb") as f:
            return b"workload: " in f.read()
    except FileNotFoundError:
        return False


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    extra = sys.argv[3] if len(sys.argv) > 3 else "idle"
    mem = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    window = float(sys.argv[5]) if len(sys.argv) > 5 else 10.0
    guest = f"{build}/guest/minios/minios.elf"
    root = tempfile.mkdtemp(prefix="xvm-bench-")
    env = dict(os.environ, XVM_ROOT=root)
    procs = []
    hz = os.sysconf("SC_CLK_TCK")
    try:
        for prog, sock in (("hypervisor/xvm-hypervisor", "run/xvm/privcmd"),
                           ("xenstored/xenstored", "run/xenstored/socket"),
                           ("console/xvm-consoled", "run/xvm/consoled.sock"),
                           ("xvmd/xvmd", "run/xvm/xvmd.sock")):
            procs.append(subprocess.Popen(
                [f"{build}/{prog}", "-F", "--root", root], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_sock(f"{root}/{sock}")
        hv = procs[0].pid
        api = f"{root}/run/xvm/xvmd.sock"
        rss0 = rss_kib(hv)
        part0 = [rss_kib(hv, f) for f in RSS_PARTS]
        t0 = time.monotonic()
        for i in range(n):
            body = {"config": f'name = "idle{i}"\nmemory = {mem}\n'
                              f'kernel = "{guest}"\nextra = "{extra}"\n',
                    "file": f"idle{i}.cfg"}
            st, doc = call(api, "POST", "/domains", body)
            if st != 201:
                sys.exit(f"bench: create idle{i}: {st} {doc}")
        created = time.monotonic() - t0
        logs = [f"{root}/var/log/xvm/console/guest-idle{i}.log"
                for i in range(n)]
        end = time.monotonic() + 60 + n * 0.1
        left = list(logs)
        while left:
            left = [log for log in left if not booted(log)]
            if left and time.monotonic() > end:
                sys.exit(f"bench: {len(left)} domains did not boot")
            time.sleep(0.2)
        time.sleep(2)
        c0, w0 = cpu_ticks(hv), time.monotonic()
        time.sleep(window)
        c1, w1 = cpu_ticks(hv), time.monotonic()
        cpu = (c1 - c0) / hz / (w1 - w0)
        print(f'{n} domains, {mem} MiB, extra "{extra}"')
        print(f"create_s      {created:.2f}  ({created / n * 1000:.1f} ms each)")
        print(f"hv_cpu_pct    {cpu * 100:.2f}  (over {w1 - w0:.1f} s)")
        print(f"hv_cpu_us     {cpu * 1e6 / n:.2f}  per domain per second")
        print(f"hv_rss_kib    {(rss_kib(hv) - rss0) / n:.0f}  per domain")
        for f, v0, name in zip(RSS_PARTS, part0, ("anon", "shmem", "file")):
            print(f"{name + '_kib':14s}{(rss_kib(hv, f) - v0) / n:.0f}  "
                  "per domain")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait()
        subprocess.run(["rm", "-rf", root])


if __name__ == "__main__":
    main()
