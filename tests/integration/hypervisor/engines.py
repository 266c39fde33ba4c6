#!/usr/bin/env python3
"""The interpreter and the translator agree on a guest, to the instruction.

  engines.py HYPERVISOR FIRMWARE VCPUS GUEST.elf

Runs the guest with --cpu interp and with --cpu jit: the exit status and
the whole console output must be equal, including the instruction counts
the guests print (minstret deltas: instret is exact on both engines).
"""
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=600)
    return r.returncode, r.stdout.decode(errors='replace')


def main():
    hv, fw, vcpus, elf = sys.argv[1:5]
    res = {}
    for engine in ('interp', 'jit'):
        res[engine] = run([hv, 'run', '--cpu', engine, '--firmware', fw,
                           '--vcpus', vcpus, elf])
    (si, oi), (sj, oj) = res['interp'], res['jit']
    print(oj)
    if si != sj or oi != oj:
        print(f'engines differ: interp status {si}, jit status {sj}')
        print('--- interp\n' + oi + '--- jit\n' + oj)
        return 1
    if si != 0:
        print(f'guest failed with status {si}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
