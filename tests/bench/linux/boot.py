#!/usr/bin/env python3
"""Boot the Linux guest image (guest/linux) on our core and on QEMU + OpenSBI, same Image.

  tests/bench/linux/boot.py BUILDDIR [ROUNDS]

Host wall time from spawning the machine until the guest prints its marker:
  init   the glibc test init's "INIT-DONE" (testinit.cpio: fork, tmpfs, doubles)
  login  BusyBox's "demo console login:" (rootfs.cpio.gz: init, rcS, acpid, getty)
for 1 and 4 vCPUs, both consoles on SBI (console=hvc0 quiet), in the same run, with
ROUNDS rounds (default 3) interleaved.  Also our start-to-first-instruction
(`xvm-hypervisor run --stats`).  Figures only: nothing is asserted (HACKING.md).
"""
import os
import re
import select
import statistics
import subprocess
import sys
import time

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
MARK = {'init': b'INIT-DONE', 'login': b'console login:'}


def machine(kind, build, vcpus, initrd):
    img = os.path.join(build, 'guest/linux/Image')
    args = 'console=hvc0 quiet'
    if kind == 'ours':
        return [os.path.join(build, 'hypervisor/xvm-hypervisor'), 'run',
                '--vcpus', str(vcpus), '--memory', '256', '--initrd', initrd,
                '--append', args, img]
    return ['qemu-system-riscv64', '-machine', 'virt', '-smp', str(vcpus),
            '-m', '256M', '-nographic', '-bios', FW, '-kernel', img,
            '-initrd', initrd, '-append', args]


def boot(cmd, mark, limit=600):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    seen = b''
    took = None
    while time.monotonic() - t0 < limit:
        r, _, _ = select.select([p.stdout], [], [], 1)
        if not r:
            continue
        data = os.read(p.stdout.fileno(), 65536)
        if not data:
            break
        seen += data
        if mark in seen:
            took = time.monotonic() - t0
            break
    p.kill()
    p.wait()
    return took


def first_insn(build, initrd):
    cmd = machine('ours', build, 1, initrd)
    cmd.insert(2, '--stats')
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=600)
    m = re.search(rb'start-to-first-instruction ([0-9.]+) ms', r.stderr)
    return float(m.group(1)) if m else None


def main():
    build = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rd = {'init': os.path.join(build, 'guest/linux/testinit.cpio'),
          'login': os.path.join(build, 'guest/linux/rootfs.cpio.gz')}
    res = {}
    for _ in range(rounds):
        for target in ('init', 'login'):
            for vcpus in (1, 4):
                for kind in ('ours', 'qemu'):
                    t = boot(machine(kind, build, vcpus, rd[target]),
                             MARK[target])
                    res.setdefault((target, vcpus, kind), []).append(t)
    print(f'{"to":6} {"vCPUs":>5} {"ours (s)":>16} {"QEMU+OpenSBI (s)":>18} '
          f'{"ours/QEMU":>9}')
    for target in ('init', 'login'):
        for vcpus in (1, 4):
            o = [t for t in res[(target, vcpus, 'ours')] if t is not None]
            q = [t for t in res[(target, vcpus, 'qemu')] if t is not None]
            fmt = (lambda v: f'{min(v):.2f} (med {statistics.median(v):.2f})'
                   if v else 'failed')
            ratio = (f'{statistics.median(o) / statistics.median(q):.2f}x'
                     if o and q else '-')
            print(f'{target:6} {vcpus:>5} {fmt(o):>16} {fmt(q):>18} '
                  f'{ratio:>9}')
    fi = [first_insn(build, rd['init']) for _ in range(rounds)]
    fi = [v for v in fi if v is not None]
    if fi:
        print(f'start-to-first-instruction (Linux Image + initramfs): best '
              f'{min(fi):.1f} ms, median {statistics.median(fi):.1f} ms')


main()
