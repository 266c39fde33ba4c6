#!/usr/bin/env python3
"""The runner refuses bad input with one clear line and a nonzero status."""
import os
import subprocess
import sys
import tempfile

hv = sys.argv[1]
tmp = tempfile.mkdtemp()
junk = os.path.join(tmp, 'junk')
with open(junk, 'wb') as f:
    f.write(b'\x7fELF' + b'\x02\x01\x01' + b'\0' * 100)
empty = os.path.join(tmp, 'empty')
open(empty, 'w').close()

# (arguments, text the error must contain)
CASES = [
    ([], 'usage'),
    (['frobnicate'], 'unknown command'),
    (['run'], 'usage'),
    (['run', '/nonexistent/kernel'], 'No such file'),
    (['run', empty], 'not a regular, non-empty file'),
    (['run', '--firmware', 'none', junk], 'not a 64-bit little-endian RISC-V ELF'),
    (['run', '--memory', '0', junk], '--memory 0'),
    (['run', '--memory', 'lots', junk], '--memory lots'),
    (['run', '--vcpus', '0', junk], '--vcpus 0'),
    (['run', '--vcpus', '65', junk], '--vcpus 65'),
    (['run', '--cpu', 'tcg', junk], '--cpu tcg: not a CPU engine'),
    (['run', '--firmware', '/nonexistent/fw', junk], '/nonexistent/fw'),
]

bad = 0
for args, want in CASES:
    r = subprocess.run([hv] + args, capture_output=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    err = r.stderr.decode()
    if r.returncode == 0 or want not in err or len(err.strip().splitlines()) > 2:
        print(f'{args}: status {r.returncode}, stderr {err!r}; want {want!r}')
        bad += 1
print(f'{len(CASES) - bad}/{len(CASES)} cases')
sys.exit(1 if bad else 0)
