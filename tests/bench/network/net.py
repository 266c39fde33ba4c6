#!/usr/bin/env python3
"""Guest networking on our stack beside QEMU's virtio-net, same Linux Image, in one run.

  tests/bench/network/net.py BUILDDIR [ROUNDS]

Runs itself inside a new network namespace (unshare -n): nothing touches the
host's interfaces.  Two Linux guests (guest/linux Image + rootfs.cpio.gz,
128 MiB, 1 vCPU each) on each side:
  ours  xvmd + xvm-dm, vifs on xvmbr0 (dom0 10.0.0.1, guests .2 and .3)
  QEMU  qemu-system-riscv64 -machine virt + OpenSBI, -device
        virtio-net-device on taps on qbr0 (dom0 10.0.1.1, guests .2 and .3)
and measures, ROUNDS times each (default 3; the median and the best):
  ping    dom0 -> guest round trip (ping -c 20 -i 0.2), and guest -> guest
          with the guest's BusyBox ping where it runs
  g->dom0 TCP throughput: the guest's dd | nc to a dom0 receiver, timed on
          dom0 from the first byte to EOF
  dom0->g TCP throughput: dom0 sends to the guest's nc -l, timed from the
          connect to the guest's close
  g->g    TCP throughput: dd | nc between the guests, dd's own figure
Figures only: nothing is asserted (HACKING.md).
"""
import os
import pty
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
MIB = 16                     # per throughput transfer


class Console:
    """A guest's serial console through a pty: type, and wait for text."""
    n = 1000

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.buf = b''

    def expect(self, text, limit=600):
        want = text.encode()
        t0 = time.monotonic()
        while want not in self.buf:
            if time.monotonic() - t0 > limit:
                raise TimeoutError(f'no {text!r} in {self.buf[-300:]!r}')
            r, _, _ = select.select([self.fd], [], [], 1)
            if r:
                try:
                    self.buf += os.read(self.fd, 65536)
                except OSError:
                    raise TimeoutError('console closed')
        i = self.buf.index(want) + len(want)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode(errors='replace')

    def send(self, s):
        os.write(self.fd, s.encode())

    def run(self, cmd, limit=600):
        """Run cmd in the guest's shell; its output (with the echo)."""
        Console.n += 1
        self.send(f'{cmd}; echo @@$(({Console.n}+0))\r')
        return self.expect(f'@@{Console.n}', limit)

    def login(self):
        self.expect('login: ')
        self.send('root\r')
        self.expect('# ')

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def sh(*argv):
    subprocess.run(argv, check=True)


def receiver(addr, port, result):
    """Accept one connection, count bytes to EOF, time first byte to EOF."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    s.settimeout(600)
    c, _ = s.accept()
    n, t0 = 0, None
    while True:
        d = c.recv(1 << 20)
        if t0 is None:
            t0 = time.monotonic()
        if not d:
            break
        n += len(d)
    result.append((n, time.monotonic() - t0))
    c.close()
    s.close()


def to_dom0(con, dom0, port):
    res = []
    th = threading.Thread(target=receiver, args=(dom0, port, res))
    th.start()
    time.sleep(0.2)
    con.run(f'dd if=/dev/zero bs=64k count={MIB * 16} 2>/dev/null | '
            f'nc {dom0} {port}')
    th.join(60)
    return res[0][0] / res[0][1] / 1e6 if res else None


def from_dom0(con, guest, port):
    Console.n += 1
    con.send(f'nc -l -p {port} >/dev/null; echo @@$(({Console.n}+0))\r')
    data = b'\0' * (1 << 20)
    for _ in range(100):
        try:
            s = socket.create_connection((guest, port), timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    else:
        return None
    t0 = time.monotonic()
    for _ in range(MIB):
        s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    s.settimeout(600)
    while s.recv(65536):
        pass
    took = time.monotonic() - t0
    s.close()
    con.expect(f'@@{Console.n}')
    return MIB * (1 << 20) / took / 1e6


def guest_to_guest(a, b, bip, port):
    Console.n += 1
    b.send(f'nc -l -p {port} >/dev/null; echo @@$(({Console.n}+0))\r')
    mark = Console.n
    time.sleep(1)
    out = a.run(f'dd if=/dev/zero bs=64k count={MIB * 16} | nc {bip} {port}')
    b.expect(f'@@{mark}')
    m = re.search(r'copied, ([0-9.]+) seconds', out)
    return MIB * (1 << 20) / float(m.group(1)) / 1e6 if m else None


def ping_dom0(guest):
    r = subprocess.run(['ping', '-q', '-c', '20', '-i', '0.2', guest],
                       capture_output=True, text=True)
    m = re.search(r'= ([0-9.]+)/([0-9.]+)/', r.stdout)
    return float(m.group(2)) if m else None


def ping_guest(con, ip):
    out = con.run(f'ping -q -c 10 {ip} 2>&1')
    m = re.search(r'= ([0-9.]+)/([0-9.]+)/', out)
    return float(m.group(2)) if m else None


def ours_up(build, root, lib):
    env = dict(os.environ, XVM_ROOT=root,
               XVM_DM=os.path.join(build, 'dm/xvm-dm'))
    procs = []
    for argv, ready in (
            (['hypervisor/xvm-hypervisor', '-F', '--root', root, '-n', '2'],
             'run/xvm/privcmd'),
            (['xenstored/xenstored', '-F', '--root', root],
             'run/xenstored/socket'),
            (['console/xvm-consoled', '-F', '--root', root],
             'run/xvm/consoled.sock'),
            (['xvmd/xvmd', '-F', '--root', root], 'run/xvm/xvmd.sock')):
        procs.append(subprocess.Popen([os.path.join(build, argv[0])] +
                                      argv[1:], env=env,
                                      stderr=subprocess.DEVNULL))
        for _ in range(600):
            if os.path.exists(os.path.join(root, ready)):
                break
            time.sleep(0.05)
    time.sleep(1)
    xm = os.path.join(build, 'tools/xm/xm')
    cons = []
    for i in (2, 3):
        cfg = os.path.join(root, f'g{i}.cfg')
        with open(cfg, 'w') as f:
            f.write(f'name = "g{i}"\nmemory = 128\nvcpus = 1\n'
                    f'kernel = "{lib}/Image"\n'
                    f'ramdisk = "{lib}/rootfs.cpio.gz"\n'
                    f'extra = "console=ttyS0 quiet"\n'
                    f"vif = [ 'mac=00:16:3e:00:00:0{i}' ]\n")
        subprocess.run([xm, '--root', root, 'create', cfg], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        cons.append(Console([xm, '--root', root, 'console', f'g{i}']))
    sh('ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'xvmbr0')
    return procs, cons


def qemu_up(lib):
    sh('ip', 'link', 'add', 'qbr0', 'type', 'bridge')
    sh('ip', 'addr', 'add', '10.0.1.1/24', 'dev', 'qbr0')
    sh('ip', 'link', 'set', 'qbr0', 'up')
    cons = []
    for i in (2, 3):
        sh('ip', 'tuntap', 'add', f'qtap{i}', 'mode', 'tap')
        sh('ip', 'link', 'set', f'qtap{i}', 'master', 'qbr0')
        sh('ip', 'link', 'set', f'qtap{i}', 'up')
        cons.append(Console([
            'qemu-system-riscv64', '-machine', 'virt', '-smp', '1', '-m',
            '128M', '-nographic', '-bios', FW, '-kernel', f'{lib}/Image',
            '-initrd', f'{lib}/rootfs.cpio.gz', '-append',
            'console=ttyS0 quiet', '-netdev',
            f'tap,id=n0,ifname=qtap{i},script=no,downscript=no', '-device',
            f'virtio-net-device,netdev=n0,mac=52:54:00:00:01:0{i}']))
    return cons


def measure(cons, net, rounds):
    dom0, a_ip, b_ip = f'{net}.1', f'{net}.2', f'{net}.3'
    for con, ip in zip(cons, (a_ip, b_ip)):
        con.login()
        con.run(f'ip addr add {ip}/24 dev eth0 && ip link set eth0 up')
    time.sleep(2)
    r = {}
    for k in range(rounds):
        r.setdefault('ping dom0->guest (ms)', []).append(ping_dom0(a_ip))
        r.setdefault('ping guest->guest (ms)', []).append(
            ping_guest(cons[0], b_ip))
        r.setdefault('TCP guest->dom0 (MB/s)', []).append(
            to_dom0(cons[0], dom0, 5001 + k))
        r.setdefault('TCP dom0->guest (MB/s)', []).append(
            from_dom0(cons[0], a_ip, 5101 + k))
        r.setdefault('TCP guest->guest (MB/s)', []).append(
            guest_to_guest(cons[0], cons[1], b_ip, 5201 + k))
    return r


def fmt(v, lower_better):
    v = [x for x in v if x is not None]
    if not v:
        return 'n/a', None
    best = min(v) if lower_better else max(v)
    med = statistics.median(v)
    return f'{med:.2f} (best {best:.2f})', med


def main():
    if not os.environ.get('XVM_IN_NETNS'):
        os.execvpe('unshare', ['unshare', '-n', sys.executable] + sys.argv,
                   dict(os.environ, XVM_IN_NETNS='1'))
    build = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    lib = os.path.join(build, 'guest/linux')
    sh('ip', 'link', 'set', 'lo', 'up')
    root = tempfile.mkdtemp(prefix='xvm-bench-net.')
    procs, res = [], {}
    allcons = []
    try:
        procs, cons = ours_up(build, root, lib)
        allcons += cons
        qcons = qemu_up(lib)
        allcons += qcons
        res['ours'] = measure(cons, '10.0.0', rounds)
        res['qemu'] = measure(qcons, '10.0.1', rounds)
    finally:
        for c in allcons:
            c.close()
        xm = os.path.join(build, 'tools/xm/xm')
        for g in ('g2', 'g3'):
            subprocess.run([xm, '--root', root, 'destroy', g],
                           stderr=subprocess.DEVNULL)
        for p in reversed(procs):
            p.terminate()
            p.wait()
        shutil.rmtree(root, ignore_errors=True)
    print(f'{"":26} {"ours":>22} {"QEMU virtio-net":>22} {"ours/QEMU":>9}')
    for key in res['ours']:
        low = 'ping' in key
        o, om = fmt(res['ours'][key], low)
        q, qm = fmt(res['qemu'][key], low)
        ratio = f'{om / qm:.2f}x' if om and qm else '-'
        print(f'{key:26} {o:>22} {q:>22} {ratio:>9}')
    print(f'({rounds} rounds; {MIB} MiB per transfer; median, best)')


main()
