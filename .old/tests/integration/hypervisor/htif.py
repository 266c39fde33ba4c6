#!/usr/bin/env python3
"""HTIF: console characters and the exit code travel through tohost."""
import subprocess
import sys

hv, elf = sys.argv[1:3]
r = subprocess.run([hv, 'run', '--firmware', 'none', elf],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
out = r.stdout.decode()
if r.returncode != 3 or out != 'htif console ok\n':
    print(f'status {r.returncode} (want 3), output {out!r}')
    sys.exit(1)
