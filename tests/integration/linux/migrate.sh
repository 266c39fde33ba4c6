#!/usr/bin/env bash
# The stock Linux guest (guest/linux), which has no Xen suspend: xm save
# pauses it (it does not wait for a suspend that never comes), xm restore
# brings it back running, and xm migrate -l moves it live between two hosts
# (two stacks, two network namespaces, a veth pair) and back.  A counter
# started at its console keeps counting across all of it, its console
# continues on the new host, and xm list shows it on exactly one host.
. "$XVM_SRC/tests/integration/lib.sh"
. "$XVM_SRC/tests/integration/migrate/hosts.sh"

L=$XVM_BUILD/guest/linux
DRIVE=$XVM_SRC/tests/integration/linux/consdrive.py
for f in "$L/Image" "$L/rootfs.cpio.gz"; do
	if [[ ! -e $f ]]; then
		echo "not ok 1 - missing $f (ninja builds it)"
		exit 1
	fi
done
if ! ip netns list >/dev/null 2>&1 || [[ $(id -u) -ne 0 ]]; then
	echo "# SKIP: needs root for network namespaces"
	exit 77
fi
h_setup || { echo "# cannot set up the two hosts"; exit 1; }
CONF=('(xend-relocation-server yes)' '(xend-relocation-hosts-allow "")'
    '(xend-relocation-timeout 30)' '(shutdown-timeout 300)')
h_conf A "${CONF[@]}"
h_conf B "${CONF[@]}"
h_stack A || exit 1
h_stack B || exit 1

check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d" "$*"; fi; }
# The last count the guest printed on HOST's console log.
count() { h_conlog "$1" lx | tr -d '\r' | awk '$1 == "count" && $2 ~ /^[0-9]+$/ { c = $2 } END { print c + 0 }'; }
counts_on() {	# HOST AFTER: the counter passes AFTER on HOST
	t_wait_for "lx to count past $2 on $1" 120 bash -c "[ \$(cat '$(h_root "$1")/var/log/xvm/console/guest-lx.log' | tr -d '\r' | awk '\$1 == \"count\" && \$2 ~ /^[0-9]+\$/ { c = \$2 } END { print c + 0 }') -gt $2 ]"
}

printf '%s\n' 'name = "lx"' 'memory = 64' 'vcpus = 1' \
    "kernel = \"$L/Image\"" "ramdisk = \"$L/rootfs.cpio.gz\"" \
    'extra = "console=hvc0"' >"$T_ROOT/lx.cfg"
xa create "$T_ROOT/lx.cfg" >/dev/null || { t_not_ok "xm create lx"; exit 1; }
out=$(XVM_ROOT=$H_ROOT_A python3 "$DRIVE" 600 \
    'expect:demo console login: ' 'send:root\r' 'expect:demo:/root# ' \
    'send:(i=0; while :; do echo count $i; i=$((i+1)); sleep 1; done) &\r' \
    'expect:count 2' 'send:\x1d' -- "$XM" --root "$H_ROOT_A" console lx 2>&1)
check "a counter runs at lx's console" [ $? -eq 0 ]

# xm save: paused, not asked to suspend (it would never answer).
c=$(count A)
out=$(XVM_ROOT=$H_ROOT_A timeout 280 "$XM" --root "$H_ROOT_A" save lx "$T_ROOT/lx.save" 2>&1)
check "xm save of a stock Linux guest: $out" [ $? -eq 0 ]
check "lx is gone after xm save" bash -c "! XVM_ROOT='$H_ROOT_A' '$XM' --root '$H_ROOT_A' domid lx >/dev/null 2>&1"
out=$(xa restore "$T_ROOT/lx.save" 2>&1)
check "xm restore lx: $out" [ $? -eq 0 ]
counts_on A "$c"
check "lx counts on after save and restore (past $c)" [ "$(count A)" -gt "$c" ]

# xm save -c (checkpoint): it runs on.
c=$(count A)
out=$(XVM_ROOT=$H_ROOT_A timeout 280 "$XM" --root "$H_ROOT_A" save -c lx "$T_ROOT/lx2.save" 2>&1)
check "xm save -c lx: $out" [ $? -eq 0 ]
counts_on A "$c"
check "lx counts on after a checkpoint" [ "$(count A)" -gt "$c" ]

# Live migration there and back.
for step in "A B" "B A" "A B"; do
	set -- $step
	c=$(count "$1")
	out=$(xon "$1" migrate -l lx "$(h_ip "$2")" 2>&1)
	check "xm migrate -l lx $1 -> $2: $out" [ $? -eq 0 ]
	check "lx runs on $2 only" [ "$(h_where lx)" = "$2" ]
	counts_on "$2" "$c"
	check "lx counts on $2 past $c (its console continues there)" [ "$(count "$2")" -gt "$c" ]
done
xb destroy lx
t_done
