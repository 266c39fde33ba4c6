#!/usr/bin/env python3
"""Guest MFLOPS of our core beside qemu-system-riscv64, in the same run.

  tests/bench/hypervisor/fpbench.py [BUILDDIR]

Runs guest/bench/fpbench.c (LU factorisation and solve of a 100x100
double matrix, 20 times, and a single-precision FMA polynomial kernel;
BUILDDIR/guest/fpbench.elf), checks that both machines print the same
result checksum, then times each, best of 5, minus each machine's
start-up (the 'hello' guest), as wall time and as the child's CPU time
(user + sys), which suffers less on a shared machine.  MFLOPS = the flop
count the guest prints / time.  The machine is shared: figures are noisy.
"""
import os
import re
import subprocess
import sys
import time

build = sys.argv[1] if len(sys.argv) > 1 else 'build'
hv = os.path.join(build, 'hypervisor', 'xvm-hypervisor')
bench = os.path.join(build, 'guest', 'fpbench.elf')
hello = os.path.join(build, 'guest', 'hello.elf')
qemu = ['qemu-system-riscv64', '-machine', 'virt', '-bios', 'none',
        '-nographic', '-m', '128M']


def run(cmd):
    """(wall s, cpu s, stdout); cpu = the child's user + sys."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    out = p.stdout.read()
    p.stderr.read()
    _, st, ru = os.wait4(p.pid, 0)
    t = time.monotonic() - t0
    if st != 0:
        sys.exit(f'{cmd}: status {st}')
    return t, ru.ru_utime + ru.ru_stime, out.decode()


def best(cmd, n=5):
    res = [run(cmd) for _ in range(n)]
    return min(r[0] for r in res), min(r[1] for r in res)


def field(text, name):
    m = re.search(name + r' ([0-9a-f]+)', text)
    return m.group(1) if m else None


_, _, qout = run(qemu + ['-kernel', bench])
_, _, oout = run([hv, 'run', '--firmware', 'none', bench])
if field(qout, 'checksum') != field(oout, 'checksum'):
    sys.exit('checksums differ:\n%s\n%s' % (qout, oout))
flops = int(field(oout, 'flops'))
q_start = best(qemu + ['-kernel', hello])
o_start = best([hv, 'run', '--firmware', 'none', hello])
q_b = best(qemu + ['-kernel', bench])
o_b = best([hv, 'run', '--firmware', 'none', bench])
q_t, q_c = q_b[0] - q_start[0], q_b[1] - q_start[1]
o_t, o_c = o_b[0] - o_start[0], o_b[1] - o_start[1]
print(f'flops per run: {flops}; checksum {field(oout, "checksum")} on both')
print(f'qemu TCG: {flops / q_t / 1e6:.0f} MFLOPS wall ({q_t:.3f} s), '
      f'{flops / q_c / 1e6:.0f} MFLOPS per CPU second ({q_c:.3f} s)')
print(f'ours:     {flops / o_t / 1e6:.0f} MFLOPS wall ({o_t:.3f} s), '
      f'{flops / o_c / 1e6:.0f} MFLOPS per CPU second ({o_c:.3f} s)')
print(f'ratio ours/qemu: {q_t / o_t:.3f} wall, {q_c / o_c:.3f} CPU time')
print(f'load average: {os.getloadavg()[0]:.1f}')
