#!/usr/bin/python3
"""Big commits and a full disk (issue 13, items 1 and 2).

- A commit whose WAL frames pass 128 KiB (a transaction of 40 values of
  3000 bytes; one WRITE of a 250-level path) is acknowledged and survives
  kill -9: the daemon used to exit on it ("writing the WAL failed").
- With var/ on a small tmpfs that fills up: writes are answered ENOSPC,
  reads go on, the daemon stays up (also across a restart on the full
  disk) and says so in its log, on the full disk; once there is room,
  writes work again.  Nothing acknowledged is lost.
- The same without the WAL reservation (XENSTORED_NO_RESERVE), so that the
  commit itself fails: the turn is undone, its writes answered ENOSPC,
  and the tree is what the database holds."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402
from xsd import Raw  # noqa: E402

T = xsd.TYPES
ENOSPC = (T['ERROR'], b'ENOSPC\0')


def ok(c, typ, payload, tx=0, what=''):
    t, _, _, p = c.rq(typ, payload, tx)
    if t == T['ERROR']:
        xsd.fail('%s: %s %r: %r' % (what, typ, payload[:60], p))
    return p


def big_txn(c, prefix, n=40, size=3000):
    _, _, _, p = c.rq('TRANSACTION_START', b'\0')
    tx = int(p[:-1])
    for i in range(n):
        ok(c, 'WRITE', b'%s/k%d\0' % (prefix, i) + b'%03d' % i * (size // 3),
           tx, 'transaction write')
    return c.rq('TRANSACTION_END', b'T\0', tx)


DEEP = b'/deep' + b'/lv' * 250


def check_big(c, prefix, what):
    for i in range(40):
        v = ok(c, 'READ', b'%s/k%d\0' % (prefix, i), what=what)
        if v != b'%03d' % i * 1000:
            xsd.fail('%s: %s/k%d has %r...' % (what, prefix, i, v[:20]))
    if ok(c, 'READ', DEEP + b'\0', what=what) != b'bottom':
        xsd.fail('%s: the 250-level node lost' % what)


def test_big_commits():
    d = xsd.Daemon().start()
    try:
        c = Raw(d.sock)
        t, _, _, p = big_txn(c, b'/big')
        if t != T['TRANSACTION_END']:
            xsd.fail('40 x 3000-byte transaction: %r' % p)
        ok(c, 'WRITE', DEEP + b'\0bottom', what='250-level write')
        if not d.alive():
            xsd.fail('xenstored died on a big commit')
        d.kill9()
        d.start()
        check_big(Raw(d.sock), b'/big', 'after kill -9')
        print('ok: commits of >128 KiB of WAL acknowledged and kept')
    finally:
        d.cleanup()


class FullDisk:
    """var/ of a root on a tmpfs of its own, in a mount namespace held by a
    sleeping process; daemons and fillers enter it with nsenter."""

    def __init__(self, size):
        self.root = tempfile.mkdtemp(prefix='xsd-full-')
        var = os.path.join(self.root, 'var')
        os.mkdir(var)
        self.holder = subprocess.Popen(
            ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
             'mount -t tmpfs -o size=%s xsd-full "$0" && echo up && '
             'exec sleep 100000' % size, var],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if self.holder.stdout.readline() != b'up\n':
            err = self.holder.stderr.read().decode(errors='replace')
            self.holder.wait()
            shutil.rmtree(self.root, ignore_errors=True)
            xsd.skip('cannot mount a tmpfs in a mount namespace: ' + err)
        self.ns = ['nsenter', '-t', str(self.holder.pid), '-m', '--']
        if b'xsd-full' not in self.sh('df var').stdout:
            self.close()
            xsd.fail('the tmpfs is not seen through nsenter')

    def sh(self, cmd):
        """Run cmd in the namespace, in the root (absolute paths: a working
        directory inherited from outside would not see the tmpfs)."""
        return subprocess.run(self.ns + ['sh', '-c', 'cd "$0" && ' + cmd,
                                         self.root],
                              capture_output=True, timeout=60)

    def fill(self):
        # Bounded: should the tmpfs not be there, 8 MiB lands on the disk.
        self.sh('head -c 8M /dev/zero > var/fill 2>/dev/null; true')
        df = self.sh('df var').stdout
        if b'xsd-full' not in df or b'100%' not in df:
            xsd.fail('the tmpfs did not fill: %r' % df)

    def free(self):
        self.sh('rm -f var/fill')

    def log(self):
        return self.sh('cat var/log/xvm/xenstored.log').stdout.decode(
            errors='replace')

    def close(self):
        self.holder.kill()
        self.holder.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def expect(c, typ, payload, want, what, tx=0):
    t, _, _, p = c.rq(typ, payload, tx)
    if (t, p) != want:
        xsd.fail('%s: %s %r: got %d %r, want %r' % (what, typ, payload[:40],
                                                  t, p, want))


def pipelined(c):
    """One turn: a read, a write that the commit cannot keep, a read of it.
    The first read stands; the write and the read that saw it are ENOSPC."""
    wire = b''
    for typ, payload in (('READ', b'/keep/n1\0'),
                         ('WRITE', b'/pipe/x\0' + b'p' * 3000),
                         ('READ', b'/pipe/x\0')):
        c.rid += 1
        wire += xsd.struct.pack('<IIII', T[typ], c.rid, 0, len(payload))
        wire += payload
    c.s.sendall(wire)
    got = [c.recv() for _ in range(3)]
    want = [(T['READ'], b'v1')] + [ENOSPC] * 2
    if [(m[0], m[3]) for m in got] != want:
        xsd.fail('one turn with a failed commit: %r' % got)


def full_disk(reserve):
    if os.geteuid() != 0 or not shutil.which('nsenter'):
        xsd.skip('needs root and nsenter for a tmpfs of its own')
    fd = FullDisk('3m')
    env = {} if reserve else {'XENSTORED_NO_RESERVE': '1'}
    d = xsd.Daemon(root=fd.root, args=['-v'], prefix=fd.ns, env=env)
    mode = 'reserved' if reserve else 'no reservation'
    try:
        d.start()
        c = Raw(d.sock)
        for i in range(50):
            ok(c, 'WRITE', b'/keep/n%d\0v%d' % (i, i), what='before')
        fd.fill()
        # What the WAL had room for still goes in (every write acknowledged
        # must survive); then writes fail, one by one and in a
        # transaction, and reads go on.
        acked = 0
        while True:
            t, _, _, p = c.rq('WRITE', b'/grace/n%d\0' % acked + b'g' * 2000)
            if (t, p) == ENOSPC:
                break
            if t == T['ERROR'] or acked > 5000:
                xsd.fail('%s: filling the WAL: %d %r' % (mode, t, p))
            acked += 1
        for i in range(20):
            expect(c, 'WRITE', b'/lost/n%d\0' % i + b'x' * 2000, ENOSPC,
                   mode + ': write on a full disk')
            expect(c, 'READ', b'/keep/n%d\0' % i, (T['READ'], b'v%d' % i),
                   mode + ': read on a full disk')
        t, _, _, p = big_txn(c, b'/lostbig')
        if (t, p) != ENOSPC:
            xsd.fail('%s: transaction on a full disk: %d %r' % (mode, t, p))
        expect(c, 'READ', b'/lost/n0\0', (T['ERROR'], b'ENOENT\0'),
               mode + ': a refused write is not in the tree')
        if not reserve:
            pipelined(c)
        expect(c, 'DIRECTORY', b'/keep\0', (T['DIRECTORY'], b''.join(
            b'n%d\0' % i for i in range(50))), mode + ': directory')
        if not d.alive():
            xsd.fail(mode + ': xenstored died on a full disk')
        if 'full' not in fd.log() and 'could not be written' not in fd.log():
            xsd.fail('%s: nothing in the log on the full disk:\n%s' %
                     (mode, fd.log()))
        # The log keeps room of its own: 16 KiB of lines more still fit.
        marks = [b'mark%d-' % i + b'm' * 2000 for i in range(8)]
        for m in marks:
            ok(c, 'CONTROL', b'print\0' + m + b'\0', what='print')
        log = fd.log()
        for m in marks:
            if m.decode() not in log:
                xsd.fail('%s: a line logged on the full disk is lost' % mode)
        # A restart on the full disk: up, reads, ENOSPC for writes.
        d.kill9()
        d.start()
        c = Raw(d.sock)
        expect(c, 'READ', b'/keep/n49\0', (T['READ'], b'v49'),
               mode + ': read after a restart on the full disk')
        expect(c, 'WRITE', b'/lost/again\0' + b'y' * 3000, ENOSPC,
               mode + ': write after a restart on the full disk')
        if not d.alive():
            xsd.fail(mode + ': xenstored died after a restart on a full disk')
        # Room again: writes work, and stay after kill -9.
        fd.free()
        ok(c, 'WRITE', b'/back/x\0room', what=mode + ': write with room')
        t, _, _, p = big_txn(c, b'/back/big')
        if t != T['TRANSACTION_END']:
            xsd.fail('%s: transaction with room: %r' % (mode, p))
        d.kill9()
        d.start()
        c = Raw(d.sock)
        expect(c, 'READ', b'/back/x\0', (T['READ'], b'room'),
               mode + ': after kill -9')
        expect(c, 'READ', b'/keep/n7\0', (T['READ'], b'v7'),
               mode + ': after kill -9')
        expect(c, 'READ', b'/lost/n3\0', (T['ERROR'], b'ENOENT\0'),
               mode + ': after kill -9')
        for i in range(acked):
            expect(c, 'READ', b'/grace/n%d\0' % i, (T['READ'], b'g' * 2000),
                   mode + ': acknowledged on the full disk, after kill -9')
        t, _, _, p = c.rq('CONTROL', b'check\0')
        if t == T['ERROR']:
            xsd.fail('%s: check: %r' % (mode, p))
        print('ok: full disk (%s): %d writes fitted, then ENOSPC to '
              'writers, reads served, writes back with room' % (mode, acked))
    finally:
        d.stop()
        fd.close()


test_big_commits()
full_disk(True)
full_disk(False)
