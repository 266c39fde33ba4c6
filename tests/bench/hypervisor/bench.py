#!/usr/bin/env python3
"""Guest MIPS of our core's two engines beside qemu-system-riscv64, in one run.

  tests/bench/hypervisor/bench.py [BUILDDIR] [ROUNDS]

Runs guest/bench/bench.c (built as BUILDDIR/guest/bench.elf):
  1. on QEMU with -icount shift=0 to count its instructions exactly
     (the guest prints minstret deltas; the whole-run count comes from
     our core's exact instret, which must agree on the benchmark part,
     on both engines);
  2. timed on QEMU (TCG, no icount), on our interpreter (--cpu interp)
     and on our translator (--cpu jit), interleaved, best of ROUNDS
     (default 3) each, minus each machine's start-up cost measured on
     the 'hello' guest, both as wall time and as the child's CPU time
     (user + sys), which suffers less when other jobs share the machine.
Prints MIPS for each, the ratios to QEMU, the translator's figures
(host bytes per guest instruction, translation time) and
start-to-first-instruction.  The machine is shared: figures are noisy.
"""
import os
import re
import subprocess
import sys
import time

build = sys.argv[1] if len(sys.argv) > 1 else 'build'
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
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


def field(text, name):
    m = re.search(name + r' ([0-9a-f]+)', text)
    return m.group(1) if m else None


def ours(engine, elf, stats=False):
    return [hv, 'run', '--cpu', engine, '--firmware', 'none'] + \
        (['--stats'] if stats else []) + [elf]


_, _, qout, _ = run(qemu + ['-icount', 'shift=0', '-kernel', bench])
q_insns = int(field(qout, 'instructions'))
counts = {}
for e in ('interp', 'jit'):
    _, _, out, err = run(ours(e, bench, True))
    if field(qout, 'checksum') != field(out, 'checksum'):
        sys.exit(f'checksums differ ({e}): {qout} vs {out}')
    counts[e] = (int(field(out, 'instructions')),
                 int(re.search(r'(\d+) instructions in', err).group(1)))
    if e == 'jit':
        jstats = re.search(r'stats: jit .*', err).group(0)
total = counts['interp'][1]
if counts['jit'][1] != total:
    sys.exit(f'instret differs: interp {total}, jit {counts["jit"][1]}')

# interleaved, so a change in the machine's load hits all three alike
cmds = {'qemu': (qemu + ['-kernel', hello], qemu + ['-kernel', bench]),
        'interp': (ours('interp', hello), ours('interp', bench)),
        'jit': (ours('jit', hello), ours('jit', bench))}
res = {k: ([], []) for k in cmds}
for _ in range(rounds):
    for k, (h, b) in cmds.items():
        res[k][0].append(run(h)[:2])
        res[k][1].append(run(b)[:2])


def net(k):
    hs, bs = res[k]
    return (min(r[0] for r in bs) - min(r[0] for r in hs),
            min(r[1] for r in bs) - min(r[1] for r in hs),
            min(r[0] for r in hs))


first = [float(re.search(r'first-instruction ([0-9.]+) ms',
                         run(ours('jit', hello, True))[3]).group(1))
         for _ in range(5)]
q_t, q_c, q_s = net('qemu')
print(f'instructions (benchmark loop): qemu -icount {q_insns}, '
      f'interp {counts["interp"][0]}, jit {counts["jit"][0]}')
print(f'instructions (whole run, ours, both engines): {total}')
print(f'start-up (hello guest, wall): qemu {q_s * 1e3:.1f} ms, '
      f'interp {net("interp")[2] * 1e3:.1f} ms, '
      f'jit {net("jit")[2] * 1e3:.1f} ms')
print(f'start-to-first-instruction (jit, in-process): '
      f'min {min(first):.2f} ms, max {max(first):.2f} ms')
print(f'qemu TCG: {total / q_t / 1e6:.0f} MIPS wall ({q_t:.3f} s), '
      f'{total / q_c / 1e6:.0f} MIPS per CPU second ({q_c:.3f} s)')
for k in ('interp', 'jit'):
    t, c, _ = net(k)
    print(f'{k + ":":9} {total / t / 1e6:.0f} MIPS wall ({t:.3f} s), '
          f'{total / c / 1e6:.0f} MIPS per CPU second ({c:.3f} s); '
          f'/qemu {q_t / t:.3f} wall, {q_c / c:.3f} CPU')
print(jstats)
print(f'load average: {os.getloadavg()[0]:.1f}')
