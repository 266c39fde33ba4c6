#!/usr/bin/python3
"""Xen's own test program, test-xenstore, against our daemon: all of its
tests once, then 100 iterations of each."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402

prog = os.path.join(xsd.XEN_BIN, 'test-xenstore')
if not os.access(prog, os.X_OK):
    xsd.skip('test-xenstore is not installed (xen-utils-4.17)')
d = xsd.Daemon().start()
try:
    listed = d.run([prog, '-l']).stdout.decode().splitlines()
    for args in ([], ['-i', '100']):
        r = d.run([prog] + args, timeout=300)
        out = r.stdout.decode()
        print(out, end='')
        lines = [l for l in out.splitlines() if ':' in l]
        if r.returncode != 0 or 'failed' in out or len(lines) < len(listed):
            xsd.fail('test-xenstore %s: exit %d\n%s' % (' '.join(args),
                     r.returncode, r.stderr.decode()))
    if len(listed) != 12:
        xsd.fail('expected 12 tests, test-xenstore lists %d' % len(listed))
finally:
    d.cleanup()
print('ok: test-xenstore, 12 tests, once and -i 100')
