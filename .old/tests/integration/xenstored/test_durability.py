#!/usr/bin/python3
"""kill -9 durability: a client counts the writes and transaction commits the
daemon acknowledged; the daemon is killed at a random moment and restarted,
many times.  Every acknowledged value must be there after the restart, and
the one request in flight at the kill is either wholly applied or absent."""
import os
import random
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402
from xsd import Raw  # noqa: E402

T = xsd.TYPES
CYCLES = int(os.environ.get('XSD_DURABILITY_CYCLES', '30'))


def key(n):
    return b'/dur/k%d' % n


def write_ops(c, start, stop_evt):
    """Sequential writes; every 7th op a 3-key transaction.  Returns the
    number of acknowledged ops (ops numbered from 'start')."""
    n = start
    try:
        while not stop_evt.is_set():
            if n % 7 == 0:
                t, _, _, p = c.rq('TRANSACTION_START', b'\0')
                tx = int(p[:-1])
                for j in range(3):
                    c.rq('WRITE', key(n) + b'/t%d\0v%d' % (j, n), tx)
                t, _, _, p = c.rq('TRANSACTION_END', b'T\0', tx)
            else:
                t, _, _, p = c.rq('WRITE', key(n) + b'\0v%d' % n)
            if t == T['ERROR']:
                xsd.fail('op %d: %r' % (n, p))
            n += 1
    except (EOFError, OSError):
        pass
    return n


def check(c, acked_upto, rnd_note):
    """Ops < acked_upto must be whole; op acked_upto may be whole or absent;
    later ops absent."""
    for n in range(acked_upto + 2):
        if n % 7 == 0:
            vals = [c.rq('READ', key(n) + b'/t%d\0' % j) for j in range(3)]
            ok = [v[0] == T['READ'] and v[3] == b'v%d' % n for v in vals]
            whole, absent = all(ok), not any(ok)
        else:
            v = c.rq('READ', key(n) + b'\0')
            whole = v[0] == T['READ'] and v[3] == b'v%d' % n
            absent = v[0] == T['ERROR']
        if n < acked_upto and not whole:
            xsd.fail('%s: acknowledged op %d lost' % (rnd_note, n))
        if n >= acked_upto and not (whole or absent):
            xsd.fail('%s: unacknowledged op %d half applied' % (rnd_note, n))
        if n > acked_upto and not absent:
            xsd.fail('%s: op %d applied but never sent' % (rnd_note, n))


def run(durable, cycles, rnd):
    d = xsd.Daemon(args=['--durable'] if durable else [])
    total = 0
    try:
        for cyc in range(cycles):
            d.start()
            c = Raw(d.sock)
            if cyc > 0:
                check(c, total, 'cycle %d' % cyc)
            stop = threading.Event()
            killer = threading.Timer(rnd.uniform(0.05, 0.4), d.kill9)
            killer.start()
            total = write_ops(c, total, stop)
            killer.join()
            c.close()
        d.start()
        c = Raw(d.sock)
        check(c, total, 'final')
        c.close()
        print('ok: %s: %d kill -9 cycles, %d acknowledged ops survived' %
              ('durable' if durable else 'default', cycles, total))
    finally:
        d.cleanup()


seed = int(os.environ.get('XSD_SEED', '0')) or random.randrange(1 << 30)
print('seed', seed)
rnd = random.Random(seed)
run(False, CYCLES, rnd)
run(True, max(3, CYCLES // 5), rnd)
