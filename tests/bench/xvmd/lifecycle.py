#!/usr/bin/env python3
"""xvmd benchmark: domain creation and listing through the real stack.

Starts xvm-hypervisor, xenstored, xvm-consoled and xvmd in a private root and
measures, printing one line per figure:

  create_ms         POST /domains (create + build + store + unpause) latency
  first_line_ms     from the POST to the guest's first console line
                    ("minios: booting", in xvm-consoled's log of the guest)
  seq_create_s      N domains created one after another, paused
  conc_create_s     N domains created by 8 concurrent clients, paused
  list_ms           GET /domains with the domains of both runs (xm list)
  xm_list_ms        the `xm list` command, end to end

usage: lifecycle.py BUILD_DIR [N]      (N defaults to 100)
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
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


def main():
    build = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    guest = f"{build}/guest/minios/minios.elf"
    root = tempfile.mkdtemp(prefix="xvm-bench-")
    env = dict(os.environ, XVM_ROOT=root)
    procs = []
    for prog, sock in (("hypervisor/xvm-hypervisor", "run/xvm/privcmd"),
                       ("xenstored/xenstored", "run/xenstored/socket"),
                       ("console/xvm-consoled", "run/xvm/consoled.sock"),
                       ("xvmd/xvmd", "run/xvm/xvmd.sock")):
        procs.append(subprocess.Popen([f"{build}/{prog}", "-F", "--root", root],
                                      env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        wait_sock(f"{root}/{sock}")
    api = f"{root}/run/xvm/xvmd.sock"

    def cfg(name, extra="ticks=0"):
        return {"config": f'name = "{name}"\nmemory = 16\nkernel = "{guest}"\n'
                          f'extra = "{extra}"\n', "file": f"{name}.cfg"}

    try:
        # Create latency and time to the first console line, one at a time.
        lat, first = [], []
        for i in range(10):
            t0 = time.monotonic()
            st, doc = call(api, "POST", "/domains", cfg(f"lat{i}"))
            t1 = time.monotonic()
            assert st == 201, doc
            log = f"{root}/var/log/xvm/console/guest-lat{i}.log"
            while True:
                try:
                    with open(log, "rb") as f:
                        if b"minios: booting" in f.read():
                            break
                except FileNotFoundError:
                    pass
                if time.monotonic() - t0 > 30:
                    sys.exit("bench: no first console line in 30 s")
                time.sleep(0.001)
            first.append((time.monotonic() - t0) * 1000)
            lat.append((t1 - t0) * 1000)
            call(api, "DELETE", f"/domains/lat{i}")
        print(f"create_ms        median {statistics.median(lat):.2f}  "
              f"max {max(lat):.2f}   (10 domains, 16 MiB, 1 vCPU)")
        print(f"first_line_ms    median {statistics.median(first):.2f}  "
              f"max {max(first):.2f}   (POST to 'minios: booting', "
              f"polled in the guest's console log)")

        t0 = time.monotonic()
        for i in range(n):
            body = cfg(f"seq{i}")
            body["paused"] = True
            st, doc = call(api, "POST", "/domains", body)
            assert st == 201, doc
        print(f"seq_create_s     {time.monotonic() - t0:.2f}   ({n} domains, paused)")

        errors = []

        def worker(k):
            for i in range(k, n, 8):
                body = cfg(f"conc{i}")
                body["paused"] = True
                st, doc = call(api, "POST", "/domains", body)
                if st != 201:
                    errors.append(doc)

        t0 = time.monotonic()
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"conc_create_s    {time.monotonic() - t0:.2f}   ({n} domains, "
              f"8 clients, {len(errors)} errors)")

        ls = []
        for _ in range(20):
            t0 = time.monotonic()
            st, doc = call(api, "GET", "/domains")
            ls.append((time.monotonic() - t0) * 1000)
        print(f"list_ms          median {statistics.median(ls):.2f}   "
              f"({len(doc['domains'])} domains)")
        xs = []
        for _ in range(10):
            t0 = time.monotonic()
            subprocess.run([f"{build}/tools/xm/xm", "list"], env=env,
                           stdout=subprocess.DEVNULL, check=True)
            xs.append((time.monotonic() - t0) * 1000)
        print(f"xm_list_ms       median {statistics.median(xs):.2f}   "
              f"({len(doc['domains'])} domains)")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait()


if __name__ == "__main__":
    main()
