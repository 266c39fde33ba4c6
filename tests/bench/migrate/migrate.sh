#!/usr/bin/env bash
# Live migration downtime and total time: a 256 MiB mini-OS, idle and
# dirtying 64 MiB/s, moved between two xVM hosts (each a whole stack in its
# own network namespace, over a veth pair, TLS and plaintext), beside QEMU's
# live migration of the same guest (qemu-system-riscv64 virt, 256 MiB,
# OpenSBI) between the same two namespaces, in the same run.
#
#   tests/bench/migrate/migrate.sh BUILD_DIR [RUNS]      (root; ~5 min)
#
# Prints one line per figure: median and range over RUNS migrations.
set -u
BUILD=$(cd "${1:?usage: migrate.sh BUILD_DIR [RUNS]}" && pwd)
RUNS=${2:-5}
export XVM_BUILD=$BUILD
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../integration/lib.sh"
. "$here/../../integration/migrate/hosts.sh"
GUEST=$BUILD/guest/minios/minios.elf
QEMU=$(command -v qemu-system-riscv64)
[[ -f $GUEST && -n $QEMU ]] || { echo "need the guest and qemu-system-riscv64"; exit 1; }

h_setup || exit 1
CONF=('(xend-relocation-server yes)' '(xend-relocation-hosts-allow "")'
    '(xend-relocation-timeout 30)')
h_conf A "${CONF[@]}"
h_conf B "${CONF[@]}"
h_stack A || exit 1
h_stack B || exit 1

# median MIN MAX of numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%.1f (%.1f-%.1f, n=%d)", m, v[1], v[NR], NR }'; }

api() {		# HOST METHOD PATH [BODY]
	curl -s --unix-socket "$(h_root "$1")/run/xvm/xvmd.sock" -X "$2" \
		${4:+-d "$4"} "http://xvmd$3"
}
field() { python3 -c 'import json,sys; m=json.load(sys.stdin)["migration"]; print(m.get(sys.argv[1], ""))' "$1"; }

# Ours: RUNS moves of NAME, alternating A -> B and back; TLS or not.
ours() {	# LABEL NAME EXTRA SSL
	local label=$1 name=$2 extra=$3 ssl=$4 from=A to=B i out dt tt
	printf 'name = "%s"\nmemory = 256\nkernel = "%s"\nextra = "%s"\n' \
		"$name" "$GUEST" "$extra" >"$T_ROOT/$name.cfg"
	xa create "$T_ROOT/$name.cfg" >/dev/null
	sleep 5		# booted; the dirtying is going
	: >"$T_ROOT/dt"; : >"$T_ROOT/tt"; : >"$T_ROOT/mb"
	for ((i = 0; i < RUNS; i++)); do
		out=$(api "$from" POST "/domains/$name/migrate" \
		    "{\"host\":\"$(h_ip "$to")\",\"live\":true,\"ssl\":$ssl}")
		dt=$(field downtime_us <<<"$out")
		tt=$(field total_ms <<<"$out")
		if [[ -z $dt ]]; then
			echo "# $label: $out"
			break
		fi
		echo "$dt" | awk '{ print $1 / 1000 }' >>"$T_ROOT/dt"
		echo "$tt" >>"$T_ROOT/tt"
		field bytes <<<"$out" | awk '{ print $1 / 1048576 }' >>"$T_ROOT/mb"
		echo "# $label $from->$to: downtime $(awk "BEGIN { print $dt / 1000 }") ms, total $tt ms, $(field bytes <<<"$out") bytes, $(field round <<<"$out") rounds, $(field pages_sent <<<"$out") pages, per round $(field round_pages <<<"$out"), last copy $(field last_copy_pages <<<"$out")"
		sleep 2
		[[ $from == A ]] && { from=B; to=A; } || { from=A; to=B; }
	done
	xon "$from" destroy "$name"
	echo "xvm_${label}_downtime_ms $(stats <"$T_ROOT/dt")"
	echo "xvm_${label}_total_ms $(stats <"$T_ROOT/tt")"
	echo "xvm_${label}_sent_mib $(stats <"$T_ROOT/mb")"
}

# QEMU: a source in A's namespace, a destination waiting in B's, QMP.
qmp() {		# SOCKET COMMAND-JSON...: the replies, one per line
	python3 - "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile('rw')
def rd():
    while True:
        m = json.loads(f.readline())
        if 'return' in m or 'error' in m: return m
rd_greet = json.loads(f.readline())
f.write('{"execute":"qmp_capabilities"}\n'); f.flush(); rd()
for c in sys.argv[2:]:
    f.write(c + '\n'); f.flush(); print(json.dumps(rd()))
PY
}
qemu_run() {	# NS NAME EXTRA [-incoming URI]
	local ns=$1 name=$2 extra=$3
	shift 3
	ip netns exec "$ns" "$QEMU" -machine virt -m 256M -smp 1 -bios default \
		-kernel "$GUEST" -append "$extra" -display none \
		-serial "file:$T_ROOT/$name.log" -monitor none \
		-qmp "unix:$T_ROOT/$name.qmp,server=on,wait=off" "$@" &
	T_PIDS+=($!)
	t_wait_for "$name's QMP" 30 test -S "$T_ROOT/$name.qmp"
}
theirs() {	# LABEL EXTRA
	local label=$1 extra=$2 i r st dt tt mb
	: >"$T_ROOT/dt"; : >"$T_ROOT/tt"; : >"$T_ROOT/mb"
	for ((i = 0; i < RUNS; i++)); do
		rm -f "$T_ROOT"/q?.qmp
		qemu_run "$H_NS_A" qa "$extra"
		qemu_run "$H_NS_B" qb "$extra" -incoming "tcp:$H_IP_B:4444"
		t_wait_for "the QEMU guest's workload" 60 grep -q 'workload:' "$T_ROOT/qa.log"
		sleep 5
		# No bandwidth cap (QEMU's default is 128 MiB/s; ours has none),
		# the same 300 ms downtime target as ours.
		qmp "$T_ROOT/qa.qmp" '{"execute":"migrate-set-parameters","arguments":{"max-bandwidth":10000000000,"downtime-limit":300}}' >/dev/null
		qmp "$T_ROOT/qa.qmp" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"tcp:$H_IP_B:4444\"}}" >/dev/null
		for ((st = 0; st < 6000; st++)); do
			r=$(qmp "$T_ROOT/qa.qmp" '{"execute":"query-migrate"}')
			grep -q '"status": "completed"\|"status": "failed"' <<<"$r" && break
			sleep 0.1
		done
		dt=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["return"].get("downtime", ""))' "$r")
		tt=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["return"].get("total-time", ""))' "$r")
		mb=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["return"].get("ram", {}).get("transferred", 0) / 1048576)' "$r")
		if [[ -z $dt ]]; then
			echo "# qemu $label: $r"
		else
			echo "$dt" >>"$T_ROOT/dt"
			echo "$tt" >>"$T_ROOT/tt"
			echo "$mb" >>"$T_ROOT/mb"
			echo "# qemu $label: downtime $dt ms, total $tt ms, $mb MiB sent"
		fi
		for p in "${T_PIDS[@]: -2}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
		T_PIDS=("${T_PIDS[@]:0:${#T_PIDS[@]}-2}")
		: >"$T_ROOT/qa.log"
	done
	echo "qemu_${label}_downtime_ms $(stats <"$T_ROOT/dt")"
	echo "qemu_${label}_total_ms $(stats <"$T_ROOT/tt")"
	echo "qemu_${label}_sent_mib $(stats <"$T_ROOT/mb")"
}

echo "# $(date -u '+%F %T') load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each"
ours idle_tls idle "ticks=0" true
ours dirty64_tls dirty "ticks=0 dirty=64" true
# The same with plain TCP (both hosts' xvmd restarted so).
h_conf A "${CONF[@]}" '(xend-relocation-ssl-server no)' '(xend-relocation-ssl no)'
h_conf B "${CONF[@]}" '(xend-relocation-ssl-server no)' '(xend-relocation-ssl no)'
h_xvmd A
h_xvmd B
ours idle_plain idlep "ticks=0" false
ours dirty64_plain dirtyp "ticks=0 dirty=64" false
theirs idle "ticks=0"
theirs dirty64 "ticks=0 dirty=64"
echo "# $(date -u '+%F %T') load $(cut -d' ' -f1-3 /proc/loadavg)"
