#!/usr/bin/env python3
"""Start-to-first-instruction of `xvm-hypervisor run`, step by step.

  tests/bench/hypervisor/startup.py [BUILDDIR] [ROUNDS] [HYPERVISOR...]

Runs each hypervisor binary (default BUILDDIR/hypervisor/xvm-hypervisor;
give two, e.g. a build before a change and after, to compare them in the
same run, interleaved) ROUNDS times (default 5) on two guests:
  - hello: the 8 KiB test ELF (BUILDDIR/guest/hello.elf);
  - linux: the Linux Image and the glibc test init's initramfs
    (BUILDDIR/guest/linux/Image, testinit.cpio), which boots to
    INIT-DONE and powers off (a few seconds a round);
and reads `--stats`: the time from the start of `run` to the first
instruction, split into its steps (machine: the RAM memfd, harts and
devices; kernel: parse and load the image; initrd; device tree; harts
started to the first instruction), and the main thread's CPU time up to
the device tree, which suffers less than wall time when other jobs share
the machine.  Prints the best and the median of each.  Skips a guest
that is not built.
"""
import os
import re
import statistics
import subprocess
import sys

build = sys.argv[1] if len(sys.argv) > 1 else 'build'
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
hvs = sys.argv[3:] or [os.path.join(build, 'hypervisor', 'xvm-hypervisor')]
lin = os.path.join(build, 'guest', 'linux')
guests = {
    'hello': [os.path.join(build, 'guest', 'hello.elf')],
    'linux': ['--memory', '256', '--initrd',
              os.path.join(lin, 'testinit.cpio'), '--append',
              'console=hvc0 quiet', os.path.join(lin, 'Image')],
}
STEPS = ['total', 'machine', 'kernel', 'initrd', 'device tree',
         'harts started to the first instruction', 'CPU time']


def once(hv, args):
    r = subprocess.run([hv, 'run', '--stats'] + args, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=600)
    err = r.stderr.decode(errors='replace')
    m = re.search(r'start-to-first-instruction ([0-9.]+) ms', err)
    s = re.search(r'start-up: machine ([0-9.]+) ms, kernel ([0-9.]+) ms, '
                  r'initrd ([0-9.]+) ms, device tree ([0-9.]+) ms, harts '
                  r'started to the first instruction ([0-9.-]+) ms; CPU '
                  r'time to the device tree ([0-9.]+) ms', err)
    if r.returncode != 0 or m is None or s is None:
        sys.exit(f'{hv} run {" ".join(args)}: status {r.returncode}\n'
                 f'{err[-2000:]}')
    return [float(m.group(1))] + [float(x) for x in s.groups()]


def main():
    load = open('/proc/loadavg').read().split()[0]
    print(f'start-to-first-instruction, {rounds} rounds, load {load} '
          f'({os.cpu_count()} CPUs)')
    for name, args in guests.items():
        if not all(os.path.exists(a) for a in args if '/' in a):
            print(f'{name}: not built, skipped')
            continue
        res = {hv: [] for hv in hvs}
        for _ in range(rounds):
            for hv in hvs:
                res[hv].append(once(hv, args))
        for hv in hvs:
            print(f'{name} ({hv}), ms: best / median')
            for i, step in enumerate(STEPS):
                col = [r[i] for r in res[hv]]
                print(f'  {step:40s} {min(col):8.3f} / '
                      f'{statistics.median(col):8.3f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
