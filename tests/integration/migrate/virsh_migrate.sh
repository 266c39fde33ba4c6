#!/usr/bin/env bash
# virsh migrate between two xvmd roots (issue 17): libvirt-clients 9.0's
# virsh, unmodified, drives the v3-with-params migration procedures of the
# source's and the destination's libvirt sockets -- client-driven (Begin3,
# Prepare3, Perform3, Finish3, Confirm3) and peer-to-peer (--p2p: Perform3
# only, the source asks the destination itself) -- over the relocation
# channel between the two hosts (two network namespaces, a veth pair, TLS).
# domjobinfo while it runs, domjobabort cancelling it, refusals.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/hosts.sh"

GUEST=$XVM_BUILD/guest/minios/minios.elf
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the guest is not built"
	exit 77
fi
if ! command -v virsh >/dev/null; then
	echo "# SKIP: virsh (libvirt-clients) is not installed"
	exit 77
fi
if ! ip netns list >/dev/null 2>&1 || [[ $(id -u) -ne 0 ]]; then
	echo "# SKIP: needs root for network namespaces"
	exit 77
fi
h_setup || { echo "# cannot set up the two hosts"; exit 1; }
CONF=('(xend-relocation-server yes)' '(xend-relocation-hosts-allow "")'
    '(xend-relocation-timeout 5)' '(shutdown-timeout 5)')
h_conf A "${CONF[@]}" "(xend-relocation-address $H_IP_A)"
h_conf B "${CONF[@]}" "(xend-relocation-address $H_IP_B)"
h_stack A || exit 1
h_stack B || exit 1

URI_A="xen+unix:///system?socket=$H_ROOT_A/run/libvirt/virtxend-sock"
URI_B="xen+unix:///system?socket=$H_ROOT_B/run/libvirt/virtxend-sock"
va() { timeout 120 virsh -c "$URI_A" "$@"; }
vb() { timeout 120 virsh -c "$URI_B" "$@"; }
von() { local h=$1; shift; if [[ $h == A ]]; then va "$@"; else vb "$@"; fi; }
check() {	# DESC COMMAND...
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
last_tick() { h_conlog "$1" "$2" | awk '$1 == "tick" { t = $2 } END { print t + 0 }'; }

printf 'name = "v1"\nmemory = 32\nkernel = "%s"\nextra = "ticks=1 dirty=4 dirtycheck"\n' \
	"$GUEST" >"$T_ROOT/v1.cfg"
xa create "$T_ROOT/v1.cfg" >/dev/null
t_wait_for "v1 to tick on A" 30 bash -c "h() { cat '$H_ROOT_A/var/log/xvm/console/guest-v1.log'; }; h | grep -q 'checked ok'"

# vmove FROM TO DESC VIRSH-OPTIONS...: virsh migrate, checked.
vmove() {
	local from=$1 to=$2 desc=$3 before out
	shift 3
	before=$(last_tick "$from" v1)
	local uri=$URI_B
	[[ $to == A ]] && uri=$URI_A
	if ! out=$(von "$from" migrate "$@" v1 "$uri" 2>&1); then
		t_not_ok "$desc: virsh migrate $* v1 $from -> $to" "$out"
		return 1
	fi
	t_ok "$desc: virsh migrate $* v1 $from -> $to"
	check "$desc: v1 runs on $to only" [ "$(h_where v1)" = "$to" ]
	check "$desc: virsh on $to sees v1 running" bash -c "[ \"\$(timeout 60 virsh -c '$uri' domstate v1)\" = running ]"
	t_wait_for "v1 to tick on $to" 20 bash -c \
		"[ \$(awk '\$1 == \"tick\" { t = \$2 } END { print t + 0 }' \
		'$(h_root "$to")/var/log/xvm/console/guest-v1.log') -gt $before ]" ||
		t_not_ok "$desc: v1 counts on $to after $before" "$(h_conlog "$to" v1 | tail -n 3)"
}

vmove A B "client-driven" --live
vmove B A "client-driven, back" --live
vmove A B "peer-to-peer" --live --p2p
vmove B A "peer-to-peer, back" --live --p2p
vmove A B "with --migrateuri" --live --p2p --migrateuri "tls://$H_IP_B"
vmove B A "not live" --p2p
check "no page of v1 was lost" bash -c "! cat '$H_ROOT_A/var/log/xvm/console/guest-v1.log' '$H_ROOT_B/var/log/xvm/console/guest-v1.log' | grep -q BAD"

# Refusals: nothing moves, v1 runs on A.
out=$(va migrate --live --copy-storage-all v1 "$URI_B" 2>&1)
check "--copy-storage-all is refused: $out" grep -q "non-shared storage" <<<"$out"
out=$(va migrate --live --p2p --dname other v1 "$URI_B" 2>&1)
check "--dname is refused: $out" grep -q "under its own name" <<<"$out"
out=$(va migrate --live --p2p --migrateuri "ftp://$H_IP_B" v1 "$URI_B" 2>&1)
check "a foreign migration URI is refused: $out" grep -q "is not tcp://HOST" <<<"$out"
check "v1 still runs on A only" [ "$(h_where v1)" = A ]

# domjobinfo while it runs, domjobabort: B's xvmd stopped mid-stream.  v2
# is larger and dirties faster, so that its copy outlasts the start of it.
out=$(va domjobinfo v1 2>&1)
check "domjobinfo with no job: $out" grep -q "None" <<<"$out"
printf 'name = "v2"\nmemory = 96\nkernel = "%s"\nextra = "ticks=1 dirty=48"\n' \
	"$GUEST" >"$T_ROOT/v2.cfg"
xa create "$T_ROOT/v2.cfg" >/dev/null
sleep 2
va migrate --live --p2p v2 "$URI_B" >"$T_ROOT/abort.out" 2>&1 &
pid=$!
t_wait_for "the copy to start" 20 bash -c "curl -s --unix-socket '$H_ROOT_A/run/xvm/xvmd.sock' http://x/migrations | grep -q '\"state\": *\"copying\"'"
kill -STOP "${H_PIDS[Bxvmd]}"
out=$(va domjobinfo v2 2>&1)
check "domjobinfo while migrating: $out" grep -q "Unbounded" <<<"$out"
check "domjobinfo shows memory processed" grep -q "Memory processed" <<<"$out"
out=$(va domjobabort v2 2>&1)
check "domjobabort: $out" [ $? = 0 ]
wait "$pid"
rc=$?
kill -CONT "${H_PIDS[Bxvmd]}"
check "the aborted migration failed: $(cat "$T_ROOT/abort.out")" [ "$rc" != 0 ]
check "virsh says it was cancelled" grep -q "cancelled" "$T_ROOT/abort.out"
check "v2 runs on A only after domjobabort" [ "$(h_where v2)" = A ]
check "virsh on A sees v2 running" bash -c "[ \"\$(timeout 60 virsh -c '$URI_A' domstate v2)\" = running ]"
out=$(va domjobabort v2 2>&1)
check "domjobabort with no job is refused: $out" grep -q "no job is active" <<<"$out"
t_wait_for "B to be clean" 20 bash -c "! XVM_ROOT='$H_ROOT_B' '$XM' --root '$H_ROOT_B' domid v2 >/dev/null 2>&1"
xa destroy v2
vmove A B "after the abort" --live
xb destroy v1
t_done
