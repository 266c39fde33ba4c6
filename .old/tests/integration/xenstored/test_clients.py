#!/usr/bin/python3
"""Real clients against xenstored in a private root: Debian's xenstore-utils,
Xen's xenstore-control and python3-pyxs, as a table of cases.  Expected
outputs are those of Xen 4.17's C xenstored for the same commands."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402

CTL = os.path.join(xsd.XEN_BIN, 'xenstore-control')

# (argv, expected exit status, expected stdout or None to ignore)
CASES = [
    (['xenstore-write', '/vm/a', '1', '/vm/b', 'two'], 0, ''),
    (['xenstore-read', '/vm/a', '/vm/b'], 0, '1\ntwo\n'),
    (['xenstore-read', '/vm/nope'], 1, ''),
    (['xenstore-exists', '/vm/a'], 0, ''),
    (['xenstore-exists', '/vm/nope'], 1, ''),
    (['xenstore-list', '/vm'], 0, 'a\nb\n'),
    (['xenstore-chmod', '/vm/b', 'r5', 'w7'], 0, ''),
    (['xenstore-ls', '-fp', '/vm'], 0,
     '/vm/a = "1"   (n0)\n/vm/b = "two"   (r5,w7)\n'),
    (['xenstore-ls', '/vm'], 0, 'a = "1"\nb = "two"\n'),
    (['xenstore-chmod', '/vm/b', 'x5'], 1, None),
    (['xenstore-write', '/bad//path', 'x'], 1, None),
    (['xenstore-write', 'rel/node', 'r'], 0, ''),
    (['xenstore-read', '/local/domain/0/rel/node'], 0, 'r\n'),
    (['xenstore-rm', '/vm/a'], 0, ''),
    (['xenstore-list', '/vm'], 0, 'b\n'),
    (['xenstore-rm', '/vm/nope'], 0, ''),
    (['xenstore-rm', '/nope/nope'], 1, None),
    (['xenstore-chmod', '-r', '/vm', 'b0'], 0, ''),
    (['xenstore-ls', '-p', '/vm'], 0,
     'b = "two"  . . . . . . . . . . . . . . . . . . . . . . . . .  (b0)\n'),
    ([CTL, 'quota'], 0, None),
    ([CTL, 'quota', 'set', 'watches', '64'], 0, None),
    ([CTL, 'bogus'], 3, None),       # "Command not supported"
    (['xenstore-rm', '/vm'], 0, ''),
    (['xenstore-exists', '/vm'], 1, ''),
]


def run_table(d):
    bad = 0
    for argv, rc, out in CASES:
        r = d.run(argv)
        got = r.stdout.decode()
        if r.returncode != rc or (out is not None and got != out):
            print('case %s: exit %d (want %d), stdout %r (want %r), '
                  'stderr %r' % (argv, r.returncode, rc, got, out,
                                 r.stderr.decode()))
            bad += 1
    q = d.run([CTL, 'quota']).stdout.decode()
    if 'watches          :       64 Watches per domain' not in q:
        print('quota set did not show: %r' % q)
        bad += 1
    return bad


def run_watch(d):
    """xenstore-watch: the initial event, then a child's."""
    p = subprocess.Popen(['xenstore-watch', '-n', '2', '/w'], env=d.env,
                         stdout=subprocess.PIPE)
    time.sleep(0.3)
    d.run(['xenstore-write', '/w/child', 'x'])
    try:
        out, _ = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        print('xenstore-watch saw no second event')
        return 1
    if out.decode() != '/w\n/w/child\n':
        print('xenstore-watch printed %r' % out.decode())
        return 1
    return 0


PYXS = r'''
import sys
from pyxs import Client, PyXSError
sock = sys.argv[1]
with Client(unix_socket_path=sock) as c:
    c[b"/py/a"] = b"1"
    assert c[b"/py/a"] == b"1"
    c.mkdir(b"/py/dir")
    assert sorted(c.list(b"/py")) == [b"a", b"dir"], c.list(b"/py")
    assert c.exists(b"/py/a") and not c.exists(b"/py/nope")
    c.set_perms(b"/py/a", [b"b0", b"r3"])
    assert c.get_perms(b"/py/a") == [b"b0", b"r3"], c.get_perms(b"/py/a")
    assert c.get_domain_path(3) == b"/local/domain/3"
    assert c.is_domain_introduced(0)
    assert not c.is_domain_introduced(5)
    try:
        c.read(b"/py/nope")
        raise SystemExit("read of a missing node succeeded")
    except PyXSError as e:
        assert e.args[0] == 2, e.args          # ENOENT
    c.transaction()
    c[b"/py/tx"] = b"t"
    c.commit()
    assert c[b"/py/tx"] == b"t"
    c.delete(b"/py")
    assert not c.exists(b"/py")
with Client(unix_socket_path=sock) as c:
    with c.monitor() as m:
        m.watch(b"/pw", b"tok")
        ev = next(m.wait())
        assert ev == (b"/pw", b"tok"), ev
        with Client(unix_socket_path=sock) as c2:
            c2[b"/pw/x"] = b"1"
        ev = next(m.wait())
        assert ev == (b"/pw/x", b"tok"), ev
print("pyxs ok")
'''


def run_pyxs(d):
    r = d.run(['/usr/bin/python3', '-c', PYXS, d.sock])
    if r.returncode != 0 or b'pyxs ok' not in r.stdout:
        print('pyxs: %s %s' % (r.stdout.decode(), r.stderr.decode()))
        return 1
    return 0


def main():
    for tool in ('xenstore-write', CTL):
        if subprocess.run(['sh', '-c', 'command -v ' + tool],
                          capture_output=True).returncode != 0:
            xsd.skip(tool + ' is not installed (scripts/setup-deps)')
    d = xsd.Daemon().start()
    try:
        bad = run_table(d) + run_watch(d) + run_pyxs(d)
        if not d.alive():
            xsd.fail('xenstored died')
    finally:
        d.cleanup()
    if bad:
        xsd.fail('%d client case(s) failed' % bad)
    print('ok: %d table cases, xenstore-watch, pyxs' % len(CASES))


main()
