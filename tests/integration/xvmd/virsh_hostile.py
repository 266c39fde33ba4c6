#!/usr/bin/python3
"""Hostile packets on xvmd's libvirt socket: each gets an error reply or a
closed connection, and the daemon answers a well-formed call afterwards.
Usage: virsh_hostile.py SOCKET; prints TAP lines, exits 1 on a failure."""
import socket
import struct
import sys

PROG, KEEPALIVE = 0x20008086, 0x6B656570
SOCK = sys.argv[1]
n = fails = 0


def msg(proc, body=b"", prog=PROG, vers=1, mtype=0, serial=1, status=0):
    m = struct.pack(">IIIIII", prog, vers, proc, mtype, serial, status) + body
    return struct.pack(">I", len(m) + 4) + m


def xstr(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(SOCK)
    return s


def recv_msg(s):
    """(proc, type, status, body), or None when the server closed."""
    hdr = b""
    try:
        while len(hdr) < 4:
            d = s.recv(4 - len(hdr))
            if not d:
                return None
            hdr += d
        (ln,) = struct.unpack(">I", hdr)
        rest = b""
        while len(rest) < ln - 4:
            d = s.recv(ln - 4 - len(rest))
            if not d:
                return None
            rest += d
    except (ConnectionResetError, socket.timeout):
        return None
    _, _, proc, mtype, _, status = struct.unpack(">IIIIII", rest[:24])
    return proc, mtype, status, rest[24:]


def opened():
    s = conn()
    s.sendall(msg(1, struct.pack(">I", 1) + xstr("xen:///system") + struct.pack(">I", 0)))
    r = recv_msg(s)
    assert r and r[2] == 0, r
    return s


def check(desc, ok):
    global n, fails
    n += 1
    print(("ok %d - " if ok else "not ok %d - ") % n + desc)
    fails += 0 if ok else 1


def alive():
    s = opened()
    s.sendall(msg(3, serial=9))             # CONNECT_GET_TYPE
    r = recv_msg(s)
    s.close()
    return r is not None and r[2] == 0 and b"Xen" in r[3]


def error_code(r):
    return struct.unpack(">i", r[3][:4])[0] if r and r[2] == 1 else None


# Framing: lengths the server must refuse by closing.
for desc, raw in [
        ("a length below the header", struct.pack(">I", 8) + b"\0" * 8),
        ("a length of zero", struct.pack(">I", 0)),
        ("a length over 32 MiB", struct.pack(">I", 33 * 1024 * 1024) + b"\0" * 64),
        ("another program", msg(1, prog=0x12345678)),
        ("another protocol version", msg(1, vers=7)),
        ("a REPLY from the client", msg(3, mtype=1)),
        ("a CALL with status ERROR", msg(3, status=1))]:
    s = conn()
    s.sendall(raw)
    r = recv_msg(s)
    # An error reply first is allowed; then the connection must close.
    while r is not None:
        r = recv_msg(s)
    check(desc + ": connection closed", r is None)
    s.close()

# Calls that must get a remote_error and leave the connection usable.
s = conn()
s.sendall(msg(3))
check("a call before CONNECT_OPEN: VIR_ERR_RPC", error_code(recv_msg(s)) == 39)
s.close()
s = opened()
cases = [
    ("an unknown procedure: VIR_ERR_NO_SUPPORT", msg(9999), 3),
    ("LOOKUP_BY_NAME with no argument: VIR_ERR_RPC", msg(23), 39),
    ("LOOKUP_BY_NAME, a string length past the message", msg(23, struct.pack(">I", 0x7FFFFFF0) + b"ab"), 39),
    ("LOOKUP_BY_NAME, a string over 1 MiB", msg(23, struct.pack(">I", 2 * 1024 * 1024) + b"a" * 64), 39),
    ("LOOKUP_BY_NAME, a NUL inside the string", msg(23, xstr(b"a\0b")), 39),
    ("LOOKUP_BY_NAME of nobody: VIR_ERR_NO_DOMAIN", msg(23, xstr("nobody")), 42),
    ("GET_INFO of an unknown UUID: VIR_ERR_NO_DOMAIN", msg(16, xstr("x") + b"\x11" * 16 + struct.pack(">i", 5)), 42),
    ("DEFINE_XML of garbage: CONFIG_UNSUPPORTED", msg(11, xstr("<domain")), 67),
    ("DEFINE_XML with an entity bomb: refused", msg(11, xstr(
        '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<domain type='xen'><name>&b;</name></domain>")), 67),
    ("CREATE_XML, truncated flags", msg(10, xstr("<domain type='xen'/>")), 39),
    ("LIST_ALL_DOMAINS, truncated", msg(273, b"\0\0"), 39),
    ("OPEN_CONSOLE of Domain-0: refused", msg(201, xstr("Domain-0") + b"\0" * 16 + struct.pack(">iII", 0, 0, 0)), 55),
    ("an optional string marker of 7", msg(1, struct.pack(">I", 7)), 39),
]
for desc, raw, code in cases:
    s.sendall(raw)
    got = error_code(recv_msg(s))
    check(desc + " (got %s)" % got, got == code)
s.sendall(msg(1, struct.pack(">I", 0), mtype=3, status=2))  # a stream nobody opened
s.sendall(msg(KEEPALIVE and 1, prog=KEEPALIVE, mtype=2))     # PING
r = recv_msg(s)
check("keepalive PING: PONG", r is not None and r[0] == 2)
s.close()

# Half a message, then the client goes away; many connections at once.
s = conn()
s.sendall(msg(3)[:10])
s.close()
many = [conn() for _ in range(50)]
for c in many:
    c.close()
check("the daemon still answers", alive())
print("%d passed, %d failed" % (n - fails, fails))
sys.exit(1 if fails else 0)
