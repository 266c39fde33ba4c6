#!/usr/bin/env python3
"""Boot minios.elf and check its console and exit status.

usage: run_minios.py MINIOS_ELF CASE [XVM_HYPERVISOR]

Without XVM_HYPERVISOR the machine is qemu-system-riscv64 -machine virt
with its OpenSBI (the reference machine); with it, the xvm hypervisor's
own machine (`xvm-hypervisor run`, built-in SBI).

Each case in CASES gives the QEMU shape (vCPUs, memory), the command line,
and a check over the console text and exit status.  Guest time is host wall
time here (no -icount), and the machine is shared, so deadlines are long and
the checks are about what happened, never how fast.
"""
import os
import re
import shutil
import subprocess
import sys
import threading
import time

SKIP = 77
STOPPED = 'stopped'
DEADLINE = 240
FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
M64 = (1 << 64) - 1


def splitmix(pa):
    z = (pa + 0x9e3779b97f4a7c15) & M64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


def expected_checksum(base, size):
    """The guest's selfcheck_expected(), independently (guest/minios/selfcheck.c)."""
    h = FNV_OFFSET
    for pa in range(base, base + size, 8):
        h = ((h ^ splitmix(pa)) * FNV_PRIME) & M64
    return h


class Fail(Exception):
    pass


def need(cond, what, out):
    if not cond:
        raise Fail(what)


def lines(out, pattern):
    return re.findall(pattern, out, re.M)


MACHINE = 'qemu'


def check_clean(out, rc):
    need('panic' not in out, 'the kernel panicked', out)
    need(rc == 0, f'qemu exit status {rc}, want 0', out)
    need('minios: booting on hart' in out, 'no boot banner', out)


def check_boot(out, rc):
    check_clean(out, rc)
    ticks = [int(t) for t in lines(out, r'^tick (\d+)$')]
    need(len(ticks) >= 2, f'want >= 2 tick lines, got {ticks}', out)
    need(ticks == sorted(ticks) and ticks[0] == 10 and
         all(b - a == 10 for a, b in zip(ticks, ticks[1:])),
         f'tick lines not 10, 20, 30...: {ticks}', out)
    need('paging: sv39 on' in out, 'paging not turned on', out)
    need('workload: idle' in out, 'default workload is not idle', out)
    need(out.rstrip().endswith('power: poweroff'),
         'poweroff is not the last thing said', out)


def check_selfcheck(out, rc):
    check_clean(out, rc)
    m = lines(out, r'^selfcheck: (\w+): base (0x[0-9a-f]+) size (0x[0-9a-f]+) '
                   r'checksum ([0-9a-f]{16}) ok$')
    need(len(m) == 1, f'want one selfcheck line, got {m}', out)
    _, base, size, csum = m[0]
    base, size = int(base, 16), int(size, 16)
    need(size == 2 << 20, f'region is {size:#x} bytes, asked for 2 MiB', out)
    want = expected_checksum(base, size)
    need(int(csum, 16) == want,
         f'checksum {csum}, recomputed {want:016x}', out)


def check_smp(n):
    def check(out, rc):
        check_clean(out, rc)
        need(f'smp: {n} vCPUs online' in out,
             f'"smp: {n} vCPUs online" missing', out)
        harts = sorted(int(h) for h in
                       lines(out, r'^smp: cpu\d+ \(hart (\d+)\) online$'))
        boot = int(lines(out, r'booting on hart (\d+)')[0])
        need(sorted(harts + [boot]) == list(range(n)),
             f'harts online {harts} + boot {boot}, want 0..{n - 1}', out)
    return check


def check_cpu(out, rc):
    check_clean(out, rc)
    for cpu in (0, 1):
        rates = [int(r) for r in lines(out, rf'^cpu{cpu}: (\d+) loops/s$')]
        need(rates and max(rates) > 0, f'cpu{cpu} reported no loops', out)


def check_dirty(out, rc):
    check_clean(out, rc)
    need(re.search(r'^dirty: 8 MiB/s over 32 MiB at 0x', out, re.M),
         'dirty working set line missing', out)
    kib = [int(k) for k in lines(out, r'^dirty: (\d+) KiB in \d+ ms')]
    need(len(kib) >= 2, f'want >= 2 dirty reports, got {kib}', out)
    # Never more than the rate allows (1 s of grant, plus one second's cap).
    need(all(k <= 2 * 8 * 1024 for k in kib), f'over the rate: {kib}', out)
    need(max(kib) >= 1024, f'wrote almost nothing: {kib}', out)


def check_reboot(out, rc):
    # QEMU runs with -no-reboot (status 0); xvm-hypervisor run exits 4
    # when its guest reboots (man/xvm-hypervisor.8).
    if MACHINE == 'xvm':
        need(rc == 4, f'xvm-hypervisor exit status {rc}, want 4', out)
        rc = 0
    check_clean(out, rc)
    need(out.count('minios: booting on hart') == 1, 'booted twice', out)
    need(out.rstrip().endswith('power: reboot'), 'no reboot message', out)


def check_badargs(out, rc):
    # The bad word rejects the whole line, ticks=1 and poweroff=1 included,
    # so the guest idles on, silent, until the runner stops it 3 s after
    # its workload line (rc is then STOPPED).
    need(rc == STOPPED, f'guest stopped by itself (rc {rc})', out)
    need(not lines(out, r'^tick \d+$'), 'ticks=1 of a rejected line applied',
         out)
    need('panic' not in out, 'the kernel panicked', out)
    need('bootargs: dirty=lots: want a number from 1 to 65536; using the '
         'defaults' in out, 'no clear error for dirty=lots', out)
    need('workload: idle' in out, 'bad command line was half applied', out)


def check_dbcn(out, rc):
    check_boot(out, rc)
    banner = lines(out, r'^minios: booting on hart .*$')[0]
    if MACHINE == 'xvm':
        need(banner.endswith(', debug console'),
             f'the xvm machine offers SBI DBCN, unused: {banner}', out)


def check_mem(mib):
    def check(out, rc):
        check_clean(out, rc)
        need(f'({mib} MiB)' in out, f'{mib} MiB of RAM not found', out)
        free, total = map(int, lines(out, r'^mm: (\d+) of (\d+) pages free')[0])
        need(total == mib * 256, f'{total} pages, want {mib * 256}', out)
        need(total - free < 256, f'{total - free} pages reserved at boot', out)
    return check


def check_locktest(out, rc):
    check_clean(out, rc)
    m = lines(out, r'^locktest: (\d+) vCPUs x (\d+) rounds: count (\d+), '
                   r'want (\d+) (\w+) \(\d+ ms\)$')
    need(len(m) == 1, f'want one locktest line, got {m}', out)
    n, rounds, count, want, verdict = m[0]
    need(int(n) == 4, f'{n} vCPUs took part, want 4', out)
    need(int(count) == int(want) == 4 * int(rounds) and verdict == 'ok',
         f'lost updates under the spinlock: {m[0]}', out)


def check_trap(out, rc):
    # QEMU's OpenSBI ends every SRST shutdown with status 0; the xvm
    # machine reports the "system failure" reason as a failing status.
    if MACHINE == 'qemu':
        need(rc == 0, f'qemu exit status {rc}', out)
    else:
        need(rc not in (0, None, STOPPED), f'exit status {rc} after a panic',
             out)
    need(re.search(r'^panic: trap: store page fault \(scause 0xf\) on cpu0 '
                   r'at sepc 0x802[0-9a-f]+, stval 0x80200000', out, re.M),
         'writing the kernel text did not fault as a store page fault', out)
    need('power: poweroff' not in out, 'crash reported as poweroff', out)


# name: (vcpus, MiB, bootargs, check[, (stop this many seconds after this
# line is seen, unless it exited by itself)])
CASES = {
    'boot': (1, 128, 'ticks=1 poweroff=3', check_dbcn),
    'selfcheck': (1, 128, 'selfcheck=2 poweroff=1', check_selfcheck),
    'smp1': (1, 128, 'poweroff=2', check_smp(1)),
    'smp2': (2, 128, 'poweroff=2', check_smp(2)),
    'smp4': (4, 128, 'poweroff=3', check_smp(4)),
    'smp8': (8, 256, 'poweroff=4', check_smp(8)),
    'cpu': (2, 128, 'cpu ticks=1 poweroff=3', check_cpu),
    'dirty': (1, 128, 'dirty=8 wss=32 ticks=1 poweroff=4', check_dirty),
    'reboot': (1, 128, 'reboot=1', check_reboot),
    'badargs': (1, 128, 'dirty=lots ticks=1 poweroff=1', check_badargs,
                (r'^workload: idle$', 3.0)),
    'mem64': (1, 64, 'poweroff=1', check_mem(64)),
    'mem512': (1, 512, 'poweroff=1', check_mem(512)),
    'trap': (1, 128, 'crash', check_trap),
    'locktest': (4, 128, 'locktest poweroff=2', check_locktest),
}


def run(cmd, until):
    """Runs QEMU; returns (exit status, output), status STOPPED when the
    until line was seen and QEMU still ran its grace seconds later (then
    it is stopped), None on the deadline."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out, seen = [], threading.Event()
    pattern, grace = until if until is not None else (None, 0.0)

    def reader():
        for line in iter(p.stdout.readline, b''):
            out.append(line.decode(errors='replace'))
            if pattern is not None and not seen.is_set() and \
                    pattern.search(out[-1].rstrip('\r\n')):
                seen.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    end = time.monotonic() + DEADLINE
    stop_at = None
    while p.poll() is None and time.monotonic() < end:
        if seen.is_set() and stop_at is None:
            stop_at = time.monotonic() + grace
        if stop_at is not None and time.monotonic() >= stop_at:
            break
        time.sleep(0.05)
    if p.poll() is None:
        p.kill()
        p.wait()
        t.join(5)
        return (STOPPED if seen.is_set() else None), ''.join(out)
    t.join(5)
    return p.returncode, ''.join(out)


def machine_cmd(elf, vcpus, mib, args, hypervisor):
    if hypervisor is not None:
        return [hypervisor, 'run', '--memory', str(mib), '--vcpus',
                str(vcpus), '--append', args, elf]
    qemu = shutil.which('qemu-system-riscv64')
    if qemu is None:
        return None
    return [qemu, '-machine', 'virt', '-bios', 'default', '-display', 'none',
            '-smp', str(vcpus), '-m', f'{mib}M', '-kernel', elf,
            '-append', args, '-no-reboot', '-monitor', 'none',
            '-serial', 'stdio']


def main():
    global MACHINE
    if len(sys.argv) not in (3, 4) or sys.argv[2] not in CASES:
        sys.exit(f'usage: {sys.argv[0]} MINIOS_ELF {{{",".join(CASES)}}} '
                 '[XVM_HYPERVISOR]')
    elf, case = sys.argv[1], sys.argv[2]
    hypervisor = sys.argv[3] if len(sys.argv) == 4 else None
    MACHINE = 'xvm' if hypervisor is not None else 'qemu'
    vcpus, mib, args, check = CASES[case][:4]
    until = None
    if len(CASES[case]) > 4:
        until = (re.compile(CASES[case][4][0]), CASES[case][4][1])
    cmd = machine_cmd(elf, vcpus, mib, args, hypervisor)
    if cmd is None:
        print('SKIP: qemu-system-riscv64 not installed (qemu-system-misc)')
        return SKIP
    print(' '.join(cmd))
    rc, raw = run(cmd, until)
    if rc is None:
        print(raw)
        print(f'FAIL {case}: no exit within {DEADLINE} s')
        return 1
    out = raw.replace('\r\n', '\n')
    # Only the kernel's part: the firmware's banner comes first.
    start = out.find('minios: ')
    kout = out[start:] if start >= 0 else out
    print(kout)
    try:
        check(kout, rc)
    except Fail as f:
        print(f'FAIL {case} on {MACHINE}: {f}')
        return 1
    print(f'PASS {case} on {MACHINE}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
