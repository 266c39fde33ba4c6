#!/usr/bin/python3
"""The daemon's command line and start-up errors: --help, bad options, a
corrupt database, a second daemon on the same root.  Each bad start must
fail with a one-line reason naming what was wrong and change nothing."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402

bin_ = os.environ.get('XSD_BIN') or xsd.skip('XSD_BIN not set')


def run(args, timeout=30):
    return subprocess.run([bin_] + args, capture_output=True, timeout=timeout)


r = run(['--help'])
if r.returncode != 0 or b'usage: xenstored' not in r.stdout or \
        b'--durable' not in r.stdout:
    xsd.fail('--help: %r' % r)
for bad in (['--bogus'], ['-Z'], ['extra-arg']):
    r = run(bad)
    if r.returncode == 0 or b'usage' not in r.stderr:
        xsd.fail('%s accepted: %r' % (bad, r))

with tempfile.TemporaryDirectory(prefix='xsd-cli-') as root:
    dbdir = os.path.join(root, 'var/lib/xvm/xenstored')
    os.makedirs(dbdir)
    db = os.path.join(dbdir, 'store.db')
    with open(db, 'wb') as f:
        f.write(b'this is not an SQLite database' * 100)
    r = run(['-F', '--root', root])
    err = r.stderr.decode()
    if r.returncode == 0 or 'database' not in err or 'store.db' not in err:
        xsd.fail('corrupt database: exit %d, %r' % (r.returncode, err))
    with open(db, 'rb') as f:
        if f.read(30) != b'this is not an SQLite database':
            xsd.fail('corrupt database was modified')

d = xsd.Daemon().start()
try:
    c = xsd.Raw(d.sock)
    c.rq('WRITE', b'/keep\0me')
    r = run(['-F', '--root', d.root], timeout=60)
    if r.returncode == 0:
        xsd.fail('a second daemon on the same root started')
    print('second daemon refused: %s' % r.stderr.decode().strip()
          .splitlines()[-1])
    if c.rq('READ', b'/keep\0')[3] != b'me' or not d.alive():
        xsd.fail('the first daemon was disturbed')
finally:
    d.cleanup()
print('ok: command line and start-up errors')
