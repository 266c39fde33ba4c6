#!/usr/bin/env bash
# The store restarts under xvmd and xvm-consoled (issue 13, items 9, 10, 25):
# - every daemon gets --root only, no XVM_ROOT: libxenstore must find the
#   store under the root given (it used XVM_ROOT alone);
# - after kill -9 of xenstored and a restart, a new domain is named in
#   consoled (not domain-N) and its console/tty is published, and
#   `xm console NAME` works: consoled reconnects (it never did);
# - a domain destroyed while the store is down leaves no /local/domain/N
#   or /vm/<uuid> behind once the store is back: xvmd reconciles;
# - a store that comes back empty gets every running domain's entries and
#   its introduction back.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
XSD=$XVM_BUILD/xenstored/xenstored
GUEST=$XVM_BUILD/guest/minios/minios.elf
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built (no RISC-V cross compiler)"
	exit 77
fi
unset XVM_ROOT
export XENSTORED_PATH=$T_ROOT/run/xenstored/socket	# xenstore-utils only
# (exec: t_daemon runs it in the background and must get the daemon's pid)
noenv() { exec env -u XVM_ROOT -u XENSTORED_PATH "$@"; }

t_daemon HV_PID noenv "$XVM_BUILD/hypervisor/xvm-hypervisor" -F --root "$T_ROOT" -n 2
t_wait_for "privcmd socket" 30 test -S "$T_ROOT/run/xvm/privcmd" || exit 1
start_store() {
	t_daemon XS_PID noenv "$XSD" -F --root "$T_ROOT"
	t_wait_for "store socket" 30 xenstore-exists /tool
}
start_store || exit 1
t_daemon CONSOLED_PID noenv "$XVM_BUILD/console/xvm-consoled" -F --root "$T_ROOT"
t_wait_for "consoled socket" 30 test -S "$T_ROOT/run/xvm/consoled.sock" || exit 1
t_daemon XVMD_PID noenv "$XVM_BUILD/xvmd/xvmd" -F --root "$T_ROOT"
t_wait_for "xvmd answering" 30 "$XM" --root "$T_ROOT" list || exit 1

xm() { "$XM" --root "$T_ROOT" "$@"; }
check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {
	printf 'name = "%s"\nmemory = 16\nkernel = "%s"\nextra = "ticks=1"\n' \
	    "$1" "$GUEST" >"$T_ROOT/$1.cfg"
}
domid() { xm list 2>/dev/null | awk -v n="$1" '$1 == n && NF == 6 { print $2 }'; }
# consoled's LIST: "NAME DOMID PTY OUT DROPPED" lines after "OK n"
listed() {
	python3 - "$T_ROOT/run/xvm/consoled.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"LIST\n")
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
names = [l.split()[0] for l in out.decode().splitlines()[1:] if l.strip()]
sys.exit(0 if sys.argv[2] in names else 1)
PY
}
has_tty() { [[ $(xenstore-read "/local/domain/$1/console/tty" 2>/dev/null) == /dev/pts/* ]]; }
gone() { ! xenstore-exists "$1" 2>/dev/null; }
# IS_DOMAIN_INTRODUCED (17), which xenstore-utils cannot send
introduced() {
	python3 - "$XENSTORED_PATH" "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
p = sys.argv[2].encode() + b"\0"
s.sendall(struct.pack("<IIII", 17, 1, 0, len(p)) + p)
h = s.recv(16)
t, _, _, n = struct.unpack("<IIII", h)
sys.exit(0 if t == 17 and s.recv(n) == b"T\0" else 1)
PY
}
there() { xenstore-exists "$1" 2>/dev/null; }
created() { xm create "$T_ROOT/$1.cfg" >/dev/null 2>&1; }

cfg web1
check "xm create web1, the daemons given --root only" created web1
id1=$(domid web1)
vm1=$(xenstore-read "/local/domain/$id1/vm")
t_wait_for "web1 in consoled" 30 listed web1 && t_ok "consoled names web1" ||
	t_not_ok "consoled names web1"
t_wait_for "web1's tty" 30 has_tty "$id1" && t_ok "web1's console/tty published" ||
	t_not_ok "web1's console/tty"

# kill -9 of the store, and a restart.
kill -9 "$XS_PID"
wait "$XS_PID" 2>/dev/null
start_store || exit 1
cfg web2
t_wait_for "xm create web2 after the store restart" 30 created web2 &&
	t_ok "xvmd creates a domain after the store restarted" ||
	t_not_ok "xm create web2" "$(tail -5 "$T_ROOT/var/log/xvm/xvmd.log")"
id2=$(domid web2)
t_wait_for "web2 in consoled" 30 listed web2 &&
	t_ok "consoled reconnected: web2 is named, not domain-$id2" ||
	t_not_ok "consoled names web2" "$(tail -5 "$T_ROOT/var/log/xvm/xvm-consoled.log")"
t_wait_for "web2's tty" 30 has_tty "$id2" && t_ok "web2's console/tty published" ||
	t_not_ok "web2's console/tty"
t_wait_for "xm console web2" 30 bash -c "(sleep 1; printf '\\035') | '$XM' --root '$T_ROOT' console web2 | grep -q tick" &&
	t_ok "xm console web2 shows its ticks" || t_not_ok "xm console web2"

# web1 destroyed while the store is down: reconciled when it is back.
kill -9 "$XS_PID"
wait "$XS_PID" 2>/dev/null
xm destroy web1 >/dev/null 2>&1
t_wait_for "web1 gone from xm list" 30 bash -c "[ -z \"\$('$XM' --root '$T_ROOT' list 2>/dev/null | awk '\$1 == \"web1\"')\" ]"
start_store || exit 1
t_wait_for "web1's entries removed" 30 gone "/local/domain/$id1" &&
	t_ok "/local/domain/$id1 of the destroyed web1 is removed" ||
	t_not_ok "stale /local/domain/$id1" "$(xenstore-ls /local/domain 2>&1 | head)"
t_wait_for "web1's /vm removed" 30 gone "$vm1" &&
	t_ok "$vm1 of the destroyed web1 is removed" || t_not_ok "stale $vm1"
check "web2's entries stay" there "/local/domain/$id2/name"

# The store comes back empty: xvmd and consoled put back what they own.
vm2=$(xenstore-read "/local/domain/$id2/vm")
kill -9 "$XS_PID"
wait "$XS_PID" 2>/dev/null
rm -rf "$T_ROOT/var/lib/xvm/xenstored"
start_store || exit 1
t_wait_for "web2's home back" 30 bash -c "[[ \$(xenstore-read /local/domain/$id2/name 2>/dev/null) == web2 ]]" &&
	t_ok "xvmd republished /local/domain/$id2" ||
	t_not_ok "/local/domain/$id2 not republished" "$(tail -5 "$T_ROOT/var/log/xvm/xvmd.log")"
t_wait_for "web2's /vm back" 30 there "$vm2/xvm/config" &&
	t_ok "xvmd republished $vm2" || t_not_ok "$vm2 not republished"
t_wait_for "web2's tty back" 30 has_tty "$id2" &&
	t_ok "consoled republished web2's console/tty" || t_not_ok "web2's tty not republished"
t_wait_for "web2 introduced again" 30 introduced "$id2" &&
	t_ok "xvmd introduced web2 again" || t_not_ok "web2 not introduced again"
t_done
