#!/usr/bin/env python3
"""Chaos (issue 13): kill -9 the daemons at random moments while a client
creates, saves, restores and destroys domains; then the layers must agree.

The stack (xvm-hypervisor, xenstored, xvm-consoled, xvmd) runs in a
private root with this script as its supervisor: every few seconds one of
xenstored, xvm-consoled and xvmd is killed with SIGKILL and started again
after a moment (the hypervisor is the host: its death is a host crash, and
consoled_hv_restart covers what survives it).  Meanwhile a client drives
mini-OS domains through xm: create, save, restore, destroy.  An operation
that exits 0 is acknowledged and its effect must hold to the end; one that
fails leaves its domain's state unknown until it is looked at again.

Then, with every daemon up again: `xm list`, the hypervisor's domain list
and the store (/local/domain, /vm) name the same domains; every
acknowledged running domain runs, every acknowledged save file restores;
after a destroy of everything nothing is left (no domain, no store entry).

Figures go to stdout as '# chaos:' lines (docs/RELIABILITY.md).
CHAOS_SECONDS (default 120) and CHAOS_SEED change the run.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

B = os.environ['XVM_BUILD']
GUEST = os.path.join(B, 'guest/minios/minios.elf')
XM = os.path.join(B, 'tools/xm/xm')
BOOT = os.path.join(B, 'tests/integration/builder/xc-dom-boot')
SECONDS = float(os.environ.get('CHAOS_SECONDS', '120'))
SEED = int(os.environ.get('CHAOS_SEED', str(int(time.time()))))
NAMES = ['ch%d' % i for i in range(4)]
VICTIMS = ['xenstored', 'consoled', 'xvmd']

if not os.path.isfile(GUEST):
    print('# SKIP: the mini-OS guest is not built (no RISC-V cross compiler)')
    sys.exit(77)

ROOT = tempfile.mkdtemp(prefix='xvm-chaos.', dir=os.environ.get('TMPDIR', '/tmp'))
ENV = dict(os.environ, XVM_ROOT=ROOT,
           XENSTORED_PATH=os.path.join(ROOT, 'run/xenstored/socket'))
rng = random.Random(SEED)
lock = threading.Lock()         # a daemon is (re)started by one thread at a time
procs = {}
stats = dict(ops=0, acked=0, failed=0, kills=0)
kills = {v: 0 for v in VICTIMS}
problems = []

CMDS = {
    'hypervisor': [os.path.join(B, 'hypervisor/xvm-hypervisor'), '-F', '--root', ROOT, '-n', '2'],
    'xenstored': [os.path.join(B, 'xenstored/xenstored'), '-F', '--root', ROOT],
    'consoled': [os.path.join(B, 'console/xvm-consoled'), '-F', '--root', ROOT],
    'xvmd': [os.path.join(B, 'xvmd/xvmd'), '-F', '--root', ROOT],
}


def run(args, timeout=90):
    try:
        p = subprocess.run(args, env=ENV, capture_output=True, text=True,
                           timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return 124, 'timed out after %d s' % timeout


def xm(*args, timeout=90):
    return run([XM, '--root', ROOT] + list(args), timeout=timeout)


def consoled_answers():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    try:
        s.connect(os.path.join(ROOT, 'run/xvm/consoled.sock'))
        s.sendall(b'LIST\n')
        return s.recv(64).startswith(b'OK')
    except OSError:
        return False
    finally:
        s.close()


READY = {
    'hypervisor': lambda: run([BOOT, '--list'], 10)[0] == 0,
    'xenstored': lambda: run(['xenstore-exists', '/tool'], 10)[0] == 0,
    'consoled': consoled_answers,
    'xvmd': lambda: xm('list', timeout=20)[0] == 0,
}


def start(name):
    log = open(os.path.join(ROOT, name + '.stderr'), 'a')
    procs[name] = subprocess.Popen(CMDS[name], env=ENV, stdout=log,
                                   stderr=subprocess.STDOUT)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if procs[name].poll() is not None:
            problems.append('%s exited with %s when started' %
                            (name, procs[name].returncode))
            return False
        if READY[name]():
            return True
        time.sleep(0.1)
    problems.append('%s not ready within 60 s of its start' % name)
    return False


def stop_all():
    for name in ['xvmd', 'consoled', 'xenstored', 'hypervisor']:
        p = procs.get(name)
        if p is not None and p.poll() is None:
            p.terminate()
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def killer(stop):
    while not stop.wait(rng.uniform(2.0, 6.0)):
        victim = rng.choice(VICTIMS)
        with lock:
            procs[victim].send_signal(signal.SIGKILL)
            procs[victim].wait()
            kills[victim] += 1
            stats['kills'] += 1
            time.sleep(rng.uniform(0.0, 1.5))
            if not start(victim):
                stop.set()


def cfg(name):
    path = os.path.join(ROOT, name + '.cfg')
    with open(path, 'w') as f:
        f.write('name = "%s"\nmemory = 16\nkernel = "%s"\nextra = "ticks=1"\n'
                % (name, GUEST))
    return path


def xm_list():
    """{name: domid} of every domain but Domain-0, or None."""
    rc, out = xm('list', timeout=30)
    if rc != 0:
        return None
    doms = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) >= 2 and f[0] != 'Domain-0' and f[1].isdigit():
            if f[0] in doms:
                problems.append('xm list names %s twice' % f[0])
            doms[f[0]] = int(f[1])
    return doms


def one_op(state, saves):
    """One random operation on one random name; updates state[name]."""
    name = rng.choice(NAMES)
    st = state[name]
    if st == 'unknown':
        doms = xm_list()
        if doms is None:
            return
        if name in doms:
            state[name] = 'running'
        elif os.path.exists(saves[name]):
            rc, _ = xm('restore', saves[name])
            if rc == 0:
                os.unlink(saves[name])
            state[name] = 'running' if rc == 0 else 'unknown'
            # a failed restore may have started it: look again next time
        else:
            state[name] = 'none'
        return
    if st == 'none':
        op = ('create', [cfg(name)], 'running')
    elif st == 'saved':
        op = ('restore', [saves[name]], 'running')
    else:
        op = rng.choice([('save', [name, saves[name]], 'saved'),
                         ('destroy', [name], 'none')])
    stats['ops'] += 1
    rc, out = xm(op[0], *op[1])
    if rc == 0:
        stats['acked'] += 1
        state[name] = op[2]
        if op[0] == 'restore':
            os.unlink(saves[name])
    else:
        stats['failed'] += 1
        state[name] = 'unknown'


def hv_domains():
    rc, out = run([BOOT, '--list'], 30)
    if rc != 0:
        problems.append('the hypervisor list failed: ' + out.strip())
        return {}
    doms = {}
    for line in out.splitlines():
        domid, flags, uuid = line.split()
        if not int(flags, 16) & 0x1:           # XEN_DOMINF_dying
            doms[int(domid)] = uuid
    return doms


def store_list(path):
    rc, out = run(['xenstore-list', path], 30)
    return set(out.split()) if rc == 0 else set()


def agree(when):
    """xm list, the hypervisor and the store name the same domains."""
    for _ in range(100):                        # reconciling may take a moment
        doms, hv = xm_list(), hv_domains()
        local = {int(d) for d in store_list('/local/domain') if d != '0'}
        vms = store_list('/vm')
        if doms is not None and set(doms.values()) == set(hv) == local and \
                vms == set(hv.values()):
            return doms
        time.sleep(0.2)
    problems.append('%s: xm list %s, hypervisor %s, /local/domain %s, /vm %s'
                    % (when, doms, sorted(hv), sorted(local), sorted(vms)))
    return doms or {}


def main():
    for name in ['hypervisor', 'xenstored', 'consoled', 'xvmd']:
        if not start(name):
            print('not ok - the stack did not start:', problems)
            return 1
    state = {n: 'none' for n in NAMES}
    saves = {n: os.path.join(ROOT, n + '.save') for n in NAMES}
    stop = threading.Event()
    t = threading.Thread(target=killer, args=(stop,))
    t.start()
    end = time.monotonic() + SECONDS
    while time.monotonic() < end and not stop.is_set():
        one_op(state, saves)
    stop.set()
    t.join()
    with lock:
        for name in ['hypervisor', 'xenstored', 'consoled', 'xvmd']:
            if procs[name].poll() is not None and not start(name):
                break

    # The layers agree, and nothing acknowledged is lost.
    doms = agree('after the chaos')
    for name, st in state.items():
        if st == 'running' and name not in doms:
            problems.append('%s: created or restored (acknowledged), not '
                            'running' % name)
        if st in ('none', 'saved') and name in doms:
            problems.append('%s: %s (acknowledged), yet running' %
                            (name, 'destroyed' if st == 'none' else 'saved'))
        if st == 'saved':
            rc, out = xm('restore', saves[name])
            if rc != 0:
                problems.append('%s: its acknowledged save does not restore: '
                                '%s' % (name, out.strip()))
    doms = agree('after restoring the saves')

    # Nothing left behind.
    for name in doms:
        rc, out = xm('destroy', name)
        if rc != 0:
            problems.append('destroy %s: %s' % (name, out.strip()))
    left = agree('after destroying everything')
    if left:
        problems.append('left behind: %s' % left)

    print('# chaos: seed %d, %.0f s, %d operations (%d acknowledged, %d '
          'failed while a daemon was down), %d kills (%s), %d '
          'inconsistencies' % (SEED, SECONDS, stats['ops'], stats['acked'],
                               stats['failed'], stats['kills'],
                               ', '.join('%s %d' % kv for kv in kills.items()),
                               len(problems)))
    for p in problems:
        print('#   ' + p)
    ok = not problems and stats['acked'] > 0 and stats['kills'] > 0
    print('%s 1 - chaos: kill -9 under load, the layers agree, nothing '
          'acknowledged lost, nothing left behind' % ('ok' if ok else 'not ok'))
    return 0 if ok else 1


if __name__ == '__main__':
    rc = 1
    try:
        rc = main()
    finally:
        stop_all()
        if rc == 0:
            shutil.rmtree(ROOT, ignore_errors=True)
        else:
            print('# kept %s for inspection' % ROOT)
    sys.exit(rc)
