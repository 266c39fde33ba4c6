"""Shared harness for the xenstored integration tests: a daemon in a private
--root, a raw wire client, and Xen's reference tools.

Each test script imports this module; `XSD_BIN` comes from meson's env."""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TYPES = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
             TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
             GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14,
             WATCH_EVENT=15, ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18,
             SET_TARGET=19, RESET_WATCHES=21, DIRECTORY_PART=22)
XEN_BIN = '/usr/lib/xen-4.17/bin'


def skip(why):
    print('SKIP:', why)
    sys.exit(77)


def fail(why):
    print('FAIL:', why)
    sys.exit(1)


class Daemon:
    """xenstored in a private root; stop() or kill9() + start() to restart."""

    def __init__(self, root=None, args=(), prefix=(), env=None):
        self.bin = os.environ.get('XSD_BIN')
        if not self.bin:
            skip('XSD_BIN not set (run through meson test)')
        self.tmp = None
        if root is None:
            self.tmp = tempfile.mkdtemp(prefix='xsd-')
            root = self.tmp
        self.root = root
        self.args = list(args)
        self.prefix = list(prefix)     # e.g. nsenter into a mount namespace
        self.daemon_env = dict(os.environ, **(env or {}))
        self.proc = None
        self.sock = os.path.join(root, 'run/xenstored/socket')
        self.sock_ro = os.path.join(root, 'run/xenstored/socket_ro')
        self.env = dict(os.environ, XENSTORED_PATH=self.sock)

    def start(self):
        self.log = open(os.path.join(self.root, 'xenstored.stderr'), 'ab')
        self.proc = subprocess.Popen(self.prefix +
                                     [self.bin, '-F', '--root', self.root] +
                                     self.args, stdout=self.log,
                                     stderr=self.log, env=self.daemon_env)
        for _ in range(200):
            if self.proc.poll() is not None:
                fail('xenstored exited with %d; see %s/xenstored.stderr' %
                     (self.proc.returncode, self.root))
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock)
                s.close()
                return self
            except OSError:
                time.sleep(0.02)
        fail('xenstored did not come up')

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def cleanup(self):
        self.stop()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, argv, **kw):
        return subprocess.run(argv, env=self.env, capture_output=True,
                              timeout=kw.pop('timeout', 60), **kw)


class Raw:
    """A raw wire client: send exact bytes, read framed replies."""

    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX)
        # Xen's C daemon listens with a backlog of 1: retry a full queue.
        for _ in range(200):
            try:
                self.s.connect(path)
                break
            except (BlockingIOError, ConnectionRefusedError):
                time.sleep(0.01)
        else:
            fail('cannot connect to ' + path)
        self.s.settimeout(timeout)
        self.rid = 0

    def close(self):
        self.s.close()

    def send(self, typ, payload, tx=0, rid=None):
        if isinstance(typ, str):
            typ = TYPES[typ]
        self.rid += 1
        rid = self.rid if rid is None else rid
        self.s.sendall(struct.pack('<IIII', typ, rid, tx, len(payload)) +
                       payload)
        return rid

    def _recvn(self, n):
        b = b''
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                raise EOFError('connection closed')
            b += c
        return b

    def recv(self):
        t, r, tx, n = struct.unpack('<IIII', self._recvn(16))
        return t, r, tx, self._recvn(n)

    def rq(self, typ, payload, tx=0):
        """Send, then return the reply, keeping watch events aside."""
        rid = self.send(typ, payload, tx)
        self.events = []
        while True:
            m = self.recv()
            if m[0] == TYPES['WATCH_EVENT']:
                self.events.append(m[3])
                continue
            if m[1] != rid:
                fail('reply req_id %d for request %d' % (m[1], rid))
            return m

    def closed(self):
        """True when the daemon has closed this connection."""
        try:
            while True:
                if not self.s.recv(65536):
                    return True
        except socket.timeout:
            return False
        except OSError:
            return True
