#!/usr/bin/env python3
"""Mini-OS figures on the xvm machine beside QEMU, in the same run.

usage: boot_idle.py MINIOS_ELF [XVM_HYPERVISOR]

For each machine (QEMU virt + OpenSBI always; `xvm-hypervisor run` when
given) and 1, 4 and 8 vCPUs, prints the median over 3 runs of:
  boot_ms   host wall time from spawning the machine to the guest's
            "workload:" line (firmware and all vCPUs up included)
  idle_cpu  host CPU time (user + sys) the machine used per second of an
            idle guest (hz=10), measured over 5 s after boot
The host is shared and loaded: compare machines within one run only.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

IDLE_S = 5


def cmd_for(machine, elf, vcpus):
    args = 'idle hz=10 ticks=0'
    if machine == 'qemu':
        return [shutil.which('qemu-system-riscv64'), '-machine', 'virt',
                '-bios', 'default', '-display', 'none', '-serial', 'stdio',
                '-monitor', 'none', '-smp', str(vcpus), '-m', '128M',
                '-kernel', elf, '-append', args]
    return [machine, 'run', '--memory', '128', '--vcpus', str(vcpus),
            '--append', args, elf]


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as fh:
        f = fh.read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')


def one(machine, elf, vcpus):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd_for(machine, elf, vcpus),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        for line in iter(p.stdout.readline, b''):
            if line.startswith(b'workload:'):
                break
        else:
            raise RuntimeError(f'{machine}: no workload line')
        boot = (time.monotonic() - t0) * 1000
        c0 = cpu_seconds(p.pid)
        time.sleep(IDLE_S)
        idle = (cpu_seconds(p.pid) - c0) / IDLE_S
    finally:
        p.kill()
        p.wait()
    return boot, idle


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    elf = sys.argv[1]
    machines = ['qemu'] + sys.argv[2:3]
    print(f'{"machine":<8} {"vcpus":>5} {"boot_ms":>8} {"idle_cpu":>9}')
    for machine in machines:
        name = 'qemu' if machine == 'qemu' else 'xvm'
        for vcpus in (1, 4, 8):
            runs = [one(machine, elf, vcpus) for _ in range(3)]
            boot = statistics.median(r[0] for r in runs)
            idle = statistics.median(r[1] for r in runs)
            print(f'{name:<8} {vcpus:>5} {boot:>8.0f} {idle * 100:>8.1f}%')
    return 0


if __name__ == '__main__':
    sys.exit(main())
