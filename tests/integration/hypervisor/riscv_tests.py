#!/usr/bin/env python3
"""The official riscv-tests ISA suites against our core (both engines) and QEMU.

  riscv_tests.py HYPERVISOR QEMU OUTDIR

The sources are not part of this repository and cannot be downloaded on
the project's machines: point XVM_RISCV_TESTS at a riscv-tests tree (isa/
with rv64ui, rv64um, rv64ua, rv64uc, rv64uf, rv64ud, rv64si, rv64mi, and
env/ with p/ and v/ from riscv-test-env); without it the test is skipped
(77).  Every isa/rv64*/*.S is built as riscv-tests' isa/Makefile builds it
(rv64g, rv64gc for rv64uc; the p environment for every suite, the v
environment, virtual memory, for the user-level ones), into OUTDIR, where
a binary is rebuilt only when its source or the environment is newer.  Each
runs under `xvm-hypervisor run --firmware none` with --cpu interp and jit
(HTIF: exit 0 = pass, else the failing test number) and on QEMU's spike
machine.  Passes when every test that passes on QEMU passes on both our
engines; prints the counts and every difference.
"""
import glob
import hashlib
import os
import subprocess
import sys

CC = 'riscv64-unknown-elf-gcc'
PICOLIBC = '/usr/lib/picolibc/riscv64-unknown-elf/include'
SUITES = ['rv64ui', 'rv64um', 'rv64ua', 'rv64uc', 'rv64uf', 'rv64ud',
          'rv64si', 'rv64mi']
# Names older test sources use (riscv-tests before priv 1.10, gcc before 8)
COMPAT = ['-D__riscv64=1', '-DINIT_RNMI=', '-DSPTBR_MODE=SATP_MODE',
          '-DSPTBR_MODE_SV39=SATP_MODE_SV39', '-DSSTATUS_IE=SSTATUS_SIE']


def newest(paths):
    return max((os.path.getmtime(p) for p in paths), default=0)


def build(src, suite, name, env, out):
    exe = os.path.join(out, f'{suite}-{env}-{name}')
    envdir = os.path.join(src, 'env', env)
    deps = [os.path.join(src, 'isa', suite, name + '.S')]
    deps += glob.glob(os.path.join(src, 'env', '**', '*'), recursive=True)
    deps += glob.glob(os.path.join(src, 'isa', 'macros', 'scalar', '*'))
    if os.path.exists(exe) and os.path.getmtime(exe) >= newest(deps):
        return exe
    march = 'rv64gc' if suite == 'rv64uc' else 'rv64g'
    cmd = [CC, f'-march={march}', '-mabi=lp64d', '-static',
           '-mcmodel=medany', '-fvisibility=hidden', '-nostdlib',
           '-nostartfiles', '-Wl,--no-warn-rwx-segments'] + COMPAT + [
           '-I' + os.path.join(src, 'isa', 'macros', 'scalar'),
           '-I' + os.path.join(src, 'isa', suite), '-I' + envdir,
           '-I' + os.path.join(src, 'env'),
           '-T', os.path.join(envdir, 'link.ld')]
    if env == 'v':
        entropy = hashlib.md5((exe + '\n').encode()).hexdigest()[:7]
        cmd += [f'-DENTROPY=0x{entropy}', '-std=gnu99', '-O2', '-isystem',
                PICOLIBC, os.path.join(envdir, 'entry.S')]
        cmd += sorted(glob.glob(os.path.join(envdir, '*.c')))
    cmd += [deps[0], '-o', exe]
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        print(f'build {suite}-{env}-{name}: '
              f'{r.stderr.decode(errors="replace")[-500:]}')
        return None
    return exe


def status(cmd):
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=120).returncode
    except subprocess.TimeoutExpired:
        return 'timeout'


def main():
    hv, qemu, out = sys.argv[1:4]
    src = os.environ.get('XVM_RISCV_TESTS', '')
    if not src or not os.path.isdir(os.path.join(src, 'isa')):
        print('XVM_RISCV_TESTS is not set to a riscv-tests tree: skipped')
        return 77
    os.makedirs(out, exist_ok=True)
    total = ours = theirs = 0
    diffs = []
    for suite in SUITES:
        for s in sorted(glob.glob(os.path.join(src, 'isa', suite, '*.S'))):
            name = os.path.basename(s)[:-2]
            envs = ['p', 'v'] if suite.startswith('rv64u') else ['p']
            for env in envs:
                t = f'{suite}-{env}-{name}'
                exe = build(src, suite, name, env, out)
                if exe is None:
                    diffs.append(f'{t}: does not build')
                    continue
                total += 1
                r = [status([hv, 'run', '--cpu', c, '--firmware', 'none',
                             exe]) for c in ('interp', 'jit')]
                q = 'none'
                if qemu != 'none':
                    q = status([qemu, '-machine', 'spike', '-bios', 'none',
                                '-nographic', '-kernel', exe])
                ours += r == [0, 0]
                theirs += q == 0
                print(f'{t}: interp {r[0]}, jit {r[1]}, qemu {q}')
                if r != [0, 0] and (q == 0 or qemu == 'none'):
                    diffs.append(f'{t}: ours {r}, qemu {q}')
    print(f'riscv-tests: ours {ours} of {total} (both engines), '
          f'qemu {theirs} of {total}')
    for d in diffs:
        print('DIFF ' + d)
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main())
