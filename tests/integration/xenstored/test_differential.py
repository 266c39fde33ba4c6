#!/usr/bin/python3
"""Differential conformance: the same script of raw requests, over three
connections, sent to our daemon and to Xen 4.17's C xenstored (the peer in
shared/peers); every reply and watch event must be byte-identical.  Skips
when the peer cannot be started."""
import os
import select
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402
from xsd import Raw  # noqa: E402

# (connection, type, payload, tx_id)
S = [
    (0, 'DIRECTORY', b'/tool\0', 0),
    (0, 'GET_PERMS', b'/\0', 0),
    (1, 'TRANSACTION_START', b'\0', 0),
    (1, 'TRANSACTION_START', b'\0', 0),
    (0, 'WRITE', b'/t/x\0one', 0),
    (0, 'WATCH', b'/t\0T\0', 0),
    (0, 'WATCH', b'/t/x/deep/er\0D\0', 0),
    (0, 'WATCH', b'@releaseDomain\0R\0', 0),
    (0, 'WATCH', b'@bogus\0B\0', 0),
    (0, 'WATCH', b'/t\0T\0', 0),
    (2, 'WATCH', b'/t/x\0X\0', 0),
    (0, 'TRANSACTION_START', b'\0', 0),
    (0, 'WRITE', b'/t/x/y\0in-tx', 1),
    (0, 'READ', b'/t/x/y\0', 1),
    (0, 'READ', b'/t/x/y\0', 0),
    (0, 'DIRECTORY', b'/t/x\0', 1),
    (0, 'TRANSACTION_END', b'T\0', 1),
    (0, 'SET_PERMS', b'/t/x\0n0\0r3\0', 0),
    (0, 'GET_PERMS', b'/t/x\0', 0),
    (0, 'RM', b'/t/x\0', 0),
    (0, 'WRITE', b'/t/x/deep/er\0v', 0),
    (0, 'RM', b'/t\0', 0),
    (0, 'WRITE', b'/k\0v', 0),
    (0, 'TRANSACTION_START', b'\0', 0),
    (0, 'READ', b'/k\0', 2),
    (1, 'WRITE', b'/k/child\0x', 0),
    (0, 'TRANSACTION_END', b'T\0', 2),
    (0, 'TRANSACTION_START', b'\0', 0),
    (0, 'WRITE', b'/k2/a\0v', 3),
    (1, 'WRITE', b'/unrel\0x', 0),
    (0, 'TRANSACTION_END', b'T\0', 3),
    (0, 'TRANSACTION_START', b'\0', 0),
    (0, 'DIRECTORY', b'/k\0', 4),
    (1, 'WRITE', b'/k/child\0y', 0),
    (0, 'TRANSACTION_END', b'T\0', 4),
    (0, 'TRANSACTION_START', b'\0', 0),
    (0, 'TRANSACTION_START', b'\0', 5),
    (0, 'WATCH', b'/w\0x\0', 5),
    (0, 'GET_DOMAIN_PATH', b'3\0', 5),
    (0, 'TRANSACTION_END', b'F\0', 5),
    (0, 'TRANSACTION_END', b'F\0', 5),
    (0, 'TRANSACTION_END', b'X\0', 1),
    (0, 'READ', b'/nonex/a\0', 0),
    (0, 'WRITE', b'/nonex/a\0', 0),
    (0, 'WRITE', b'/bad!\0x', 0),
    (0, 'WRITE', b'@foo\0x', 0),
    (0, 'READ', b'/a//c\0', 0),
    (0, 'READ', b'/a/c/\0', 0),
    # (A payload without its NUL is left out: Xen's daemon answers it with
    # a stale errno, ENOENT or EINVAL depending on earlier requests.)
    (0, 'WRITE', b'rel/x\0v', 0),
    (0, 'DIRECTORY', b'/local/domain/0\0', 0),
    (0, 'MKDIR', b'/m\0', 0),
    (0, 'SET_PERMS', b'/m\0r5\0', 0),
    (0, 'WRITE', b'/m/c\0', 0),
    (0, 'GET_PERMS', b'/m/c\0', 0),
    (0, 'SET_PERMS', b'/m\0r0\0w1\0n2\0b3\0r4\0r5\0r6\0r7\0', 0),
    (0, 'GET_PERMS', b'/m\0', 0),
    (0, 'SET_PERMS', b'/m\0x5\0', 0),
    (0, 'SET_PERMS', b'/m\0', 0),
    (0, 'RM', b'/zz/yy\0', 0),
    (0, 'RM', b'/m/zz\0', 0),
    (0, 'RM', b'/\0', 0),
    (0, 99, b'', 0),
    (0, 20, b'', 0),
    (0, 'IS_DOMAIN_INTRODUCED', b'0\0', 0),
    (0, 'IS_DOMAIN_INTRODUCED', b'7\0', 0),
    (0, 'GET_DOMAIN_PATH', b'x\0', 0),
    (0, 'RESUME', b'7\0', 0),
    (0, 'RELEASE', b'7\0', 0),
    (0, 'RELEASE', b'0\0', 0),
    (0, 'SET_TARGET', b'7\0' + b'8\0', 0),
    (0, 'UNWATCH', b'/nope\0tok\0', 0),
    # Xen 4.17 takes no depth argument: exactly path and token.
    (0, 'WATCH', b'/t\0D\0' + b'2\0', 0),
    (0, 'UNWATCH', b'/t\0T\0' + b'2\0', 0),
    (0, 'UNWATCH', b'/t\0T\0', 0),
    (0, 'CONTROL', b'bogus\0', 0),
    (0, 'CONTROL', b'', 0),
    (0, 'RESET_WATCHES', b'', 0),
    (2, 'RM', b'/k\0', 0),
]


def drain(c, out, tag):
    while select.select([c.s], [], [], 0.05)[0]:
        out.append((tag,) + c.recv())


def run_script(sock):
    """Each request's connection is read up to its reply (waiting as long
    as it takes: a loaded machine must not reorder the record), then the
    others are drained of the events it caused."""
    cs = [Raw(sock) for _ in range(3)]
    out = []
    for who, typ, payload, tx in S:
        rid = cs[who].send(typ, payload, tx)
        while True:
            m = cs[who].recv()
            out.append((who,) + m)
            if m[0] != xsd.TYPES['WATCH_EVENT'] and m[1] == rid:
                break
        for i, c in enumerate(cs):
            drain(c, out, i)
    for c in cs:
        c.close()
    return out


def find_peers():
    cands = [os.environ.get('XVM_PEERS', '')]
    here = os.path.dirname(os.path.abspath(__file__))
    for up in ('../../../../shared/peers', '../../../../../shared/peers'):
        cands.append(os.path.join(here, up))
    cands.append('/work/shared/peers')
    for c in cands:
        if c and os.access(os.path.join(c, 'xen-xenstored/start'), os.X_OK):
            return c
    return None


peers = find_peers()
if peers is None:
    xsd.skip('shared/peers/xen-xenstored not found')
tmp = tempfile.mkdtemp(prefix='xsd-peer-')
r = subprocess.run([os.path.join(peers, 'xen-xenstored/start'), tmp],
                   capture_output=True, timeout=60)
if r.returncode != 0:
    xsd.skip('the peer did not start: ' + r.stderr.decode().strip())
peer_sock = r.stdout.decode().strip()
d = xsd.Daemon().start()
try:
    theirs = run_script(peer_sock)
    ours = run_script(d.sock)
finally:
    d.cleanup()
    subprocess.run([os.path.join(peers, 'xen-xenstored/stop'), tmp])
bad = 0
for i in range(max(len(ours), len(theirs))):
    a = ours[i] if i < len(ours) else None
    b = theirs[i] if i < len(theirs) else None
    if a != b:
        print('message %d differs:\n  ours:  %r\n  Xen\'s: %r' % (i, a, b))
        bad += 1
if bad:
    xsd.fail('%d of %d messages differ from Xen 4.17 C xenstored' %
             (bad, len(theirs)))
print('ok: %d requests, %d messages byte-identical to Xen 4.17 C xenstored'
      % (len(S), len(theirs)))
