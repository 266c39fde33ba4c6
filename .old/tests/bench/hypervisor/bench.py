#!/usr/bin/env python3
"""Guest MIPS of our core beside qemu-system-riscv64, in the same run.

  tests/bench/hypervisor/bench.py [BUILDDIR]

Runs guest/bench/bench.c (built as BUILDDIR/guest/bench.elf):
  1. on QEMU with -icount shift=0 to count its instructions exactly
     (the guest prints minstret deltas; the whole-run count comes from
     our core's exact instret, which must agree on the benchmark part);
  2. timed on QEMU (TCG, no icount) and on our core, best of 3 each,
     minus each machine's start-up cost measured on the 'hello' guest,
     both as wall time and as the child's CPU time (user + sys), which
     suffers less when other jobs share the machine.
Prints MIPS for both, the ratio, and start-to-first-instruction.
The machine is shared: figures are noisy.
"""
import os
import re
import subprocess
import sys
import time

build = sys.argv[1] if len(sys.argv) > 1 else 'build'
hv = os.path.join(build, 'hypervisor', 'xvm-hypervisor')
bench = os.path.join(build, 'guest', 'bench.elf')
hello = os.path.join(build, 'guest', 'hello.elf')
qemu = ['qemu-system-riscv64', '-machine', 'virt', '-bios', 'none',
        '-nographic', '-m', '128M']


def run(cmd):
    """(wall s, cpu s, stdout, stderr); cpu = the child's user + sys."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    out, err = p.communicate(timeout=600)
    t = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f'{cmd}: status {p.returncode}: {err.decode()}')
    return t, p.cpu, out.decode(), err.decode()


class Popen(subprocess.Popen):
    """Records the child's CPU time (os.wait4) as .cpu."""
    cpu = 0.0

    def _try_wait(self, wait_flags):
        pid, sts, ru = os.wait4(self.pid, wait_flags)
        if pid == self.pid:
            self.cpu = ru.ru_utime + ru.ru_stime
        return pid, sts


subprocess.Popen = Popen


def best(cmd, n=3):
    res = [run(cmd) for _ in range(n)]
    return (min(r[0] for r in res), min(r[1] for r in res))


def field(text, name):
    m = re.search(name + r' ([0-9a-f]+)', text)
    return m.group(1) if m else None


_, _, qout, _ = run(qemu + ['-icount', 'shift=0', '-kernel', bench])
q_insns = int(field(qout, 'instructions'))
_, _, oout, oerr = run([hv, 'run', '--firmware', 'none', '--stats', bench])
o_insns = int(field(oout, 'instructions'))
if field(qout, 'checksum') != field(oout, 'checksum'):
    sys.exit('checksums differ: %s vs %s' % (qout, oout))
total = int(re.search(r'(\d+) instructions in', oerr).group(1))

q_start = best(qemu + ['-kernel', hello])
o_start = best([hv, 'run', '--firmware', 'none', hello])
q_b = best(qemu + ['-kernel', bench])
o_b = best([hv, 'run', '--firmware', 'none', bench])
q_t, q_c = q_b[0] - q_start[0], q_b[1] - q_start[1]
o_t, o_c = o_b[0] - o_start[0], o_b[1] - o_start[1]
first = [float(re.search(r'first-instruction ([0-9.]+) ms',
                         run([hv, 'run', '--firmware', 'none', '--stats',
                              hello])[3]).group(1)) for _ in range(5)]

print(f'instructions (benchmark loop): qemu -icount {q_insns}, ours {o_insns}')
print(f'instructions (whole run, ours): {total}')
print(f'start-up (hello guest, wall): qemu {q_start[0] * 1e3:.1f} ms, '
      f'ours {o_start[0] * 1e3:.1f} ms')
print(f'start-to-first-instruction (ours, in-process): '
      f'min {min(first):.2f} ms, max {max(first):.2f} ms')
print(f'qemu TCG: {total / q_t / 1e6:.0f} MIPS wall ({q_t:.3f} s), '
      f'{total / q_c / 1e6:.0f} MIPS per CPU second ({q_c:.3f} s)')
print(f'ours:     {total / o_t / 1e6:.0f} MIPS wall ({o_t:.3f} s), '
      f'{total / o_c / 1e6:.0f} MIPS per CPU second ({o_c:.3f} s)')
print(f'ratio ours/qemu: {q_t / o_t:.3f} wall, {q_c / o_c:.3f} CPU time')
print(f'load average: {os.getloadavg()[0]:.1f}')
