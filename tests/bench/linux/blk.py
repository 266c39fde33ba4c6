#!/usr/bin/env python3
"""virtio-blk inside the Linux guest: ours (xvmd + xvm-dm) against QEMU, same Image and disk.

  tests/bench/linux/blk.py BUILDDIR [ROUNDS] [MIB] [SECONDS]

The guest image of guest/linux (Linux 6.1, BusyBox), 1 vCPU, 256 MiB, console=ttyS0,
two virtio-blk disks: a 128 MiB raw image (a fresh copy of one made of random bytes for
each machine) and a small ext2 image holding blkbench (tests/bench/linux/blkbench.c,
built static for riscv64 here).  In the guest, blkbench runs O_DIRECT at queue depth 1
over the first MIB MiB (default 64) of the raw disk: sequential 1 MiB writes and reads
(MB/s), then random 4 KiB writes and reads for SECONDS (default 10) each (IOPS).
Ours: the whole stack in a private root (xvm-hypervisor, xenstored, xvm-consoled, xvmd,
which starts xvm-dm), disks from `disk = [...]`.  QEMU 7.2 + OpenSBI: `-machine virt`,
virtio-blk-device (virtio-mmio) with QEMU's default cache (writeback: host page cache,
FLUSH = fdatasync, as ours).  ROUNDS (default 1) rounds, machines interleaved.
Figures only: nothing is asserted (HACKING.md).
"""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
HERE = os.path.dirname(os.path.abspath(__file__))
DISK_MIB = 128
FIND = ('for b in /sys/block/vd*; do case $(cat $b/size) in 262144) D=${b##*/};; '
        '16384) T=${b##*/};; esac; done')


class Console:
    """A program on a pseudo-terminal: expect text, send text."""

    def __init__(self, cmd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(cmd[0], cmd)
        self.seen = b''

    def expect(self, text, secs):
        want = text.encode()
        deadline = time.monotonic() + secs
        while want not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('waiting for %r; last output: %r' % (text, self.seen[-300:]))
            r, _, _ = select.select([self.fd], [], [], min(left, 1))
            if r:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    raise TimeoutError('console closed waiting for %r' % text)
        at = self.seen.index(want) + len(want)
        out, self.seen = self.seen[:at], self.seen[at:]
        return out.decode(errors='replace')

    def send(self, text):
        os.write(self.fd, text.encode())

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def bench_in_guest(con, mib, secs):
    con.expect('login: ', 600)
    con.send('root\r')
    con.expect('# ', 60)
    con.send('%s; mount -o ro /dev/$T /mnt && /mnt/blkbench /dev/$D %d %d; echo BENCH-"DONE"\r'
             % (FIND, mib, secs))
    out = con.expect('BENCH-DONE', 600 + 4 * secs)
    figs = dict((m.group(1), float(m.group(2)))
                for m in re.finditer(r'blkbench (\w+) ([0-9.]+)', out))
    if len(figs) != 4:
        raise RuntimeError('blkbench said: %s' % out[-500:])
    return figs


def wait_path(path, secs=30):
    deadline = time.monotonic() + secs
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.05)


def ours(build, work, disk, tools, mib, secs):
    root = tempfile.mkdtemp(prefix='stack.', dir=work)
    env = dict(os.environ, XVM_ROOT=root, XVM_DM=os.path.join(build, 'dm/xvm-dm'))
    xm = os.path.join(build, 'tools/xm/xm')
    procs = []
    try:
        for cmd, sock in (
                (['hypervisor/xvm-hypervisor', '-F', '--root', root, '-n', '2'], 'run/xvm/privcmd'),
                (['xenstored/xenstored', '-F', '--root', root], 'run/xenstored/socket'),
                (['console/xvm-consoled', '-F', '--root', root], 'run/xvm/consoled.sock'),
                (['xvmd/xvmd', '-F', '--root', root], 'run/xvm/xvmd.sock')):
            procs.append(subprocess.Popen([os.path.join(build, cmd[0])] + cmd[1:], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_path(os.path.join(root, sock))
        cfg = os.path.join(work, 'g.cfg')
        with open(cfg, 'w') as f:
            f.write('name = "g"\nmemory = 256\nvcpus = 1\nkernel = "%s"\nramdisk = "%s"\n'
                    'extra = "console=ttyS0 quiet"\n'
                    "disk = [ 'file:%s,xvda,w', 'file:%s,xvdb,r' ]\n"
                    % (os.path.join(build, 'guest/linux/Image'),
                       os.path.join(build, 'guest/linux/rootfs.cpio.gz'), disk, tools))
        deadline = time.monotonic() + 30
        while subprocess.run([xm, 'list'], env=env, capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise TimeoutError('xvmd')
            time.sleep(0.1)
        subprocess.run([xm, 'create', cfg], env=env, check=True, capture_output=True)
        os.environ['XVM_ROOT'] = root
        con = Console([xm, 'console', 'g'])
        try:
            return bench_in_guest(con, mib, secs)
        finally:
            con.close()
            subprocess.run([xm, 'destroy', 'g'], env=env, capture_output=True)
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait()
        shutil.rmtree(root, ignore_errors=True)


def qemu(build, work, disk, tools, mib, secs):
    cmd = ['qemu-system-riscv64', '-machine', 'virt', '-smp', '1', '-m', '256M',
           '-nographic', '-bios', FW,
           '-kernel', os.path.join(build, 'guest/linux/Image'),
           '-initrd', os.path.join(build, 'guest/linux/rootfs.cpio.gz'),
           '-append', 'console=ttyS0 quiet']
    for i, (path, ro) in enumerate(((disk, 'off'), (tools, 'on'))):
        cmd += ['-drive', 'file=%s,format=raw,if=none,id=d%d,readonly=%s' % (path, i, ro),
                '-device', 'virtio-blk-device,drive=d%d' % i]
    con = Console(cmd)
    try:
        return bench_in_guest(con, mib, secs)
    finally:
        con.close()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    mib = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    secs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    work = tempfile.mkdtemp(prefix='xvm-bench-blk.')
    try:
        tree = os.path.join(work, 'tree')
        os.mkdir(tree)
        subprocess.run(['riscv64-linux-gnu-gcc', '-static', '-O2', '-o',
                        os.path.join(tree, 'blkbench'), os.path.join(HERE, 'blkbench.c')],
                       check=True)
        tools = os.path.join(work, 'tools.img')
        subprocess.run(['mke2fs', '-q', '-t', 'ext2', '-d', tree, tools, '8M'], check=True)
        master = os.path.join(work, 'master.img')
        with open(master, 'wb') as f:
            f.write(os.urandom(DISK_MIB << 20))
        res = {'ours': [], 'qemu': []}
        for r in range(rounds):
            for name, fn in (('ours', ours), ('qemu', qemu)):
                disk = os.path.join(work, 'disk-%s.img' % name)
                shutil.copyfile(master, disk)
                figs = fn(build, work, disk, tools, mib, secs)
                print('round %d %-4s %s' % (r + 1, name, ' '.join(
                    '%s=%g' % kv for kv in sorted(figs.items()))), flush=True)
                res[name].append(figs)
                os.unlink(disk)
        print('\n| test | unit | ours | QEMU | ours / QEMU |\n|---|---|---|---|---|')
        for k, unit in (('seqwrite', 'MB/s'), ('seqread', 'MB/s'),
                        ('randwrite', 'IOPS'), ('randread', 'IOPS')):
            o = max(f[k] for f in res['ours'])
            q = max(f[k] for f in res['qemu'])
            print('| %s | %s | %.1f | %.1f | %.2fx |' % (k, unit, o, q, o / q))
        print('(best of %d; load average %s)' % (rounds, os.getloadavg()[0]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
