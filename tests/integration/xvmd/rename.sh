#!/usr/bin/env bash
# xm rename and xm reboot (issue 13, item 11): a new name is the domain's
# everywhere -- /vm/<uuid>/name, /local/domain/<id>/name, its console,
# its config -- and survives a save and restore and a restart of xvmd;
# a reboot that xend's restart rule would turn into a destroy is refused
# with the reason.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built"
	exit 77
fi
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 5)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {		# NAME [SETTINGS...]
	local name=$1
	shift
	{
		printf 'name = "%s"\nmemory = 16\nkernel = "%s"\n' "$name" "$GUEST"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
domid() { "$XM" domid "$1" 2>/dev/null; }
uuid() { "$XM" list --json "$1" 2>/dev/null | awk -F'"' '/^ *"uuid"/ { print $4; exit }'; }
listed() { "$XM" list "$1" >/dev/null 2>&1; }
has_line() { grep -q "$2" "$T_ROOT/var/log/xvm/console/guest-$1.log" 2>/dev/null; }
ticks_on_console() {
	(sleep 1.5; printf '\035') | "$XM" console "$1" 2>/dev/null | grep -q tick
}
new_domid() { local id; id=$(domid "$1"); [ -n "$id" ] && [ "$id" != "$2" ]; }

cfg rn1 'extra = "ticks=1"'
"$XM" create "$T_ROOT/rn1.cfg" >/dev/null
t_wait_for "rn1 to read its store" 20 has_line rn1 'workload: idle'
id=$(domid rn1)
u=$(uuid rn1)
"$XM" rename rn1 rn2
check "xm rename rn1 rn2: listed as rn2, same domain" [ "$(domid rn2)" = "$id" ]
check "rn1 is gone from the list" bash -c "! '$XM' list rn1 >/dev/null 2>&1"
check "/vm/<uuid>/name is rn2" [ "$(xenstore-read "/vm/$u/name")" = rn2 ]
check "/local/domain/$id/name is rn2" [ "$(xenstore-read "/local/domain/$id/name")" = rn2 ]
check "xm console rn2 shows its ticks" ticks_on_console rn2
out=$("$XM" console rn1 2>&1 </dev/null)
check "xm console rn1 is refused: $out" [ "$out" = "Error: domain 'rn1' has no console here (is it running?)" ]
check "its console log follows the name" has_line rn2 'minios: booting'
out=$("$XM" rename rn2 'bad name' 2>&1)
check "an invalid name is refused: $out" [ "$out" = "Error: name 'bad name' has a character other than letters, digits, '_', '.', '-', '+'" ]
cfg other
"$XM" create "$T_ROOT/other.cfg" >/dev/null
out=$("$XM" rename rn2 other 2>&1)
check "a taken name is refused: $out" [ "$out" = "Error: domain 'other' already exists" ]
"$XM" destroy other

# The name survives a save and a restore ...
"$XM" save rn2 "$T_ROOT/rn2.save"
"$XM" restore "$T_ROOT/rn2.save"
check "restored as rn2, with its UUID" [ "$(uuid rn2)" = "$u" ]
check "not as rn1" bash -c "! '$XM' list rn1 >/dev/null 2>&1"
# ... and a restart of xvmd.
kill -9 "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
t_xvmd || exit 1
check "after kill -9 and restart of xvmd: still rn2" [ "$(uuid rn2)" = "$u" ]
"$XM" destroy rn2

# A managed domain's new name is kept in its entry.
cfg mr1
"$XM" new "$T_ROOT/mr1.cfg"
"$XM" rename mr1 mr2
kill "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
t_xvmd || exit 1
check "a renamed managed domain is mr2 after xvmd's restart" bash -c "'$XM' list mr2 >/dev/null && ! '$XM' list mr1 >/dev/null 2>&1"
"$XM" start mr2
check "and starts as mr2" [ -n "$(domid mr2)" ]
"$XM" destroy mr2
"$XM" delete mr2

# xm reboot twice within 60 s: the second would be refused by xend's
# restart rule and the domain destroyed, so it is refused, with the reason.
cfg rb1 'on_reboot = "restart"'
"$XM" create "$T_ROOT/rb1.cfg" >/dev/null
t_wait_for "rb1 to read its store" 20 has_line rb1 'workload: idle'
id=$(domid rb1)
"$XM" reboot rb1
check "the first reboot restarts rb1" t_wait_for "rb1 to come back" 20 new_domid rb1 "$id"
id=$(domid rb1)
# The rule holds across a restart of xvmd (the time is in the store).
kill -9 "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
t_xvmd || exit 1
out=$("$XM" reboot rb1 2>&1)
status=$?
check "the second reboot within 60 s: exit 1 and why: $out" bash -c \
    "[ $status = 1 ] && [[ \"\$1\" =~ ^Error:\ domain\ \'rb1\'\ restarted\ [0-9]+\ seconds\ ago\;\ a\ restart\ within\ 60\ seconds\ of\ the\ last\ is\ refused\ as\ a\ loop\ \(and\ the\ domain\ destroyed\):\ try\ again\ in\ [0-9]+\ seconds$ ]]" _ "$out"
sleep 1
check "rb1 runs on, the same domain" [ "$(domid rb1)" = "$id" ]
"$XM" destroy rb1

t_done
