#!/usr/bin/env python3
"""M-mode firmware runs for real: OpenSBI (fw_dynamic) boots an S-mode guest
(the SMP guest, which must report every hart, or another test guest).

  opensbi.py HYPERVISOR VCPUS GUEST.elf [ENGINE]   (77 = skipped: no OpenSBI)
"""
import os
import subprocess
import sys

FW = '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf'
hv, vcpus, elf = sys.argv[1:4]
engine = sys.argv[4] if len(sys.argv) > 4 else 'interp'
if not os.path.exists(FW):
    print(f'{FW} not installed (package qemu-system-data): skipped')
    sys.exit(77)
r = subprocess.run([hv, 'run', '--cpu', engine, '--firmware', FW,
                    '--vcpus', vcpus, elf],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
out = r.stdout.decode(errors='replace')
print(out)
smp = os.path.basename(elf) == 'smp.elf'
want = f'smp: {vcpus} harts' if smp else ''
if r.returncode != 0 or 'OpenSBI v' not in out or want not in out \
        or ', 0 failed' not in out:
    print(f'status {r.returncode}; want OpenSBI banner, {want!r}, no failures')
    sys.exit(1)
