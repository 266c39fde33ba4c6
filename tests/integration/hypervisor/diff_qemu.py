#!/usr/bin/env python3
"""Differential test: the same guest ELF on our core and on QEMU.

  diff_qemu.py HYPERVISOR QEMU FIRMWARE VCPUS GUEST.elf

FIRMWARE is 'none' (M-mode, QEMU -bios none) or 'builtin' (S-mode under
SBI: ours in C, QEMU's OpenSBI).  Console output (from the guest's own
lines; OpenSBI's banner is dropped) and exit status must be equal, and
both must exit 0.  Exits 77 (skip) when QEMU is not installed.
"""
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=240)
    return r.returncode, r.stdout.decode(errors='replace').replace('\r', '')


def guest_lines(text):
    # OpenSBI prints a banner before the guest starts; the guest's own
    # output starts after it.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith('Boot HART MEDELEG'):
            lines = lines[i + 1:]
            break
    return [l for l in lines if l.strip()]


def main():
    hv, qemu, fw, vcpus, elf = sys.argv[1:6]
    engine = sys.argv[6] if len(sys.argv) > 6 else 'interp'
    if qemu == 'none':
        print('qemu-system-riscv64 not installed: skipped')
        return 77
    ours = run([hv, 'run', '--cpu', engine, '--firmware', fw, '--vcpus',
                vcpus, elf])
    qcmd = [qemu, '-machine', 'virt', '-nographic', '-m', '128M',
            '-smp', vcpus, '-kernel', elf]
    if vcpus == '1':
        # counters (minstret) exact, as on our core; with several harts
        # icount's round-robin makes spinlocks crawl, and no SMP guest
        # prints counts
        qcmd += ['-icount', 'shift=0']
    if fw == 'none':
        qcmd += ['-bios', 'none']
    theirs = run(qcmd)
    ok = True
    if ours[0] != theirs[0]:
        print(f'exit status: ours {ours[0]}, qemu {theirs[0]}')
        ok = False
    a, b = guest_lines(ours[1]), guest_lines(theirs[1])
    # instruction counts are exact only with -icount; compare the rest
    a = [l for l in a if 'instructions' not in l]
    b = [l for l in b if 'instructions' not in l]
    if a != b:
        print('console differs:')
        print('--- ours\n' + '\n'.join(a))
        print('--- qemu\n' + '\n'.join(b))
        ok = False
    if ours[0] != 0:
        print(f'guest failed with status {ours[0]}:\n{ours[1]}')
        ok = False
    print('\n'.join(a))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
