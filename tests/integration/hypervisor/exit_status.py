#!/usr/bin/env python3
"""The runner's exit status for a guest: exit_status.py HV GUEST.elf WANT"""
import subprocess
import sys

hv, elf, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = subprocess.run([hv, 'run', '--firmware', 'none', elf], capture_output=True,
                   timeout=60, stdin=subprocess.DEVNULL)
print(r.stdout.decode(errors='replace'), end='')
print(r.stderr.decode(errors='replace'), end='')
if r.returncode != want:
    print(f'exit status {r.returncode}, want {want}')
    sys.exit(1)
print(f'exit status {want}, as it should be')
