#!/usr/bin/python3
"""Hostile input: bad lengths, missing NULs, unknown types, half messages,
oversized payloads, garbage, floods.  The offending connection gets an
error reply or is closed; a bystander client is served after every case
and the daemon's own consistency check passes at the end."""
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402
from xsd import Raw  # noqa: E402

T = xsd.TYPES


def hdr(typ, rid, tx, n):
    return struct.pack('<IIII', typ, rid, tx, n)


def expect_error(c, typ, payload, err, tx=0):
    t, _, _, p = c.rq(typ, payload, tx)
    if t != T['ERROR'] or p != err.encode() + b'\0':
        xsd.fail('%r %r: got type %d %r, want %s' % (typ, payload, t, p, err))


def expect_closed(c, what):
    if not c.closed():
        xsd.fail(what + ': connection was not closed')


# Each case gets a fresh connection 'c'; returns nothing or fails.
def case_oversized_len(d, c):
    c.s.sendall(hdr(T['READ'], 1, 0, 4097))
    expect_closed(c, 'len 4097')


def case_huge_len(d, c):
    c.s.sendall(hdr(T['WRITE'], 1, 0, 0xffffffff) + b'/x\0')
    expect_closed(c, 'len 2^32-1')


def case_max_payload_ok(d, c):
    path = b'/h/max\0'
    t, _, _, p = c.rq('WRITE', path + b'v' * (4096 - len(path)))
    if t != T['WRITE']:
        xsd.fail('4096-byte payload refused: %r' % p)


def case_missing_nul(d, c):
    expect_error(c, 'READ', b'/h/max', 'EINVAL')
    expect_error(c, 'WATCH', b'/h', 'EINVAL')
    expect_error(c, 'TRANSACTION_END', b'T', 'ENOENT')


def case_unknown_types(d, c):
    for typ in (20, 15, 16, 23, 99, 0xffff, 0xffffffff):
        expect_error(c, typ, b'', 'ENOSYS')


def case_bad_args(d, c):
    expect_error(c, 'WRITE', b'', 'EINVAL')
    expect_error(c, 'WRITE', b'/h/bad path\0x', 'EINVAL')
    expect_error(c, 'WRITE', b'/h/' + b'a' * 3100 + b'\0x', 'EINVAL')
    expect_error(c, 'SET_PERMS', b'/h\0q0\0', 'EINVAL')
    expect_error(c, 'DIRECTORY_PART', b'/h\0-1\0', 'EINVAL')
    expect_error(c, 'READ', b'/h\0', 'ENOENT', tx=12345)
    expect_error(c, 'TRANSACTION_END', b'X\0', 'ENOENT', tx=77)
    expect_error(c, 'RM', b'/\0', 'EINVAL')


def case_half_message(d, c):
    c.s.sendall(hdr(T['WRITE'], 1, 0, 100) + b'/h/half\0')
    c.close()


def case_half_header(d, c):
    c.s.sendall(b'\x0b\0\0')
    # stays open with a partial header while the bystander is served


def case_garbage(d, c):
    rnd = random.Random(1234)
    try:
        c.s.sendall(bytes(rnd.getrandbits(8) for _ in range(65536)))
    except OSError:
        pass
    c.closed()


def case_pipelined_in_order(d, c):
    n = 200
    buf = b''
    for i in range(n):
        buf += hdr(T['WRITE'], 1000 + i, 0, 8) + b'/h/p\0' + b'%03d' % (i % 1000)
    c.s.sendall(buf)
    for i in range(n):
        t, rid, _, _ = c.recv()
        if rid != 1000 + i or t != T['WRITE']:
            xsd.fail('pipelined reply %d has req_id %d' % (i, rid))


def case_transaction_flood(d, c):
    for _ in range(500):
        t, _, _, p = c.rq('TRANSACTION_START', b'\0')
        if t != T['TRANSACTION_START']:
            xsd.fail('transaction %r' % p)


def case_watch_flood(d, c):
    buf = b''
    for i in range(5000):
        buf += hdr(T['WATCH'], i + 1, 0, 12) + b'/h/w\0t%05d\0' % i
    c.s.sendall(buf)
    # replies and initial events pile up unread; then it goes away
    c.close()


def case_no_reader(d, c):
    """Requests sent without ever reading replies: reading stops."""
    req = hdr(T['READ'], 1, 0, 8) + b'/h/max\0\0'
    try:
        c.s.settimeout(5)
        for _ in range(20000):
            c.s.sendall(req * 10)
    except OSError:
        pass       # the daemon stopped reading: our send buffer filled


CASES = [case_oversized_len, case_huge_len, case_max_payload_ok,
         case_missing_nul, case_unknown_types, case_bad_args,
         case_half_message, case_half_header, case_garbage,
         case_pipelined_in_order, case_transaction_flood, case_watch_flood,
         case_no_reader]


def bystander_ok(by, i):
    v = b'%d' % i
    if by.rq('WRITE', b'/by/x\0' + v)[0] != T['WRITE'] or \
            by.rq('READ', b'/by/x\0')[3] != v:
        xsd.fail('bystander not served correctly after case %d' % i)


d = xsd.Daemon().start()
try:
    by = Raw(d.sock)
    keep = []
    for i, case in enumerate(CASES):
        c = Raw(d.sock)
        t0 = time.time()
        case(d, c)
        keep.append(c)
        bystander_ok(by, i)
        if not d.alive():
            xsd.fail('daemon died in ' + case.__name__)
        print('ok: %s (%.2fs)' % (case.__name__, time.time() - t0))
    t, _, _, p = by.rq('CONTROL', b'check\0')
    if p != b'OK\0':
        xsd.fail('consistency check: %r' % p)
    # A read-only socket refuses every write.
    ro = Raw(d.sock_ro)
    expect_error(ro, 'WRITE', b'/ro\0x', 'EROFS')
    expect_error(ro, 'RM', b'/by\0', 'EROFS')
    expect_error(ro, 'SET_PERMS', b'/by\0b0\0', 'EROFS')
    expect_error(ro, 'INTRODUCE', b'1\0' + b'2\0' + b'3\0', 'EROFS')
    if ro.rq('READ', b'/by/x\0')[0] != T['READ']:
        xsd.fail('read-only socket cannot read')
    if os.stat(d.sock).st_mode & 0o777 != 0o600:
        xsd.fail('socket is not 0600')
finally:
    d.cleanup()
print('ok: %d hostile cases, bystander served throughout' % len(CASES))
