#!/usr/bin/env bash
# Benchmark our xenstored against Xen 4.17's C xenstored, in one run.
#   run.sh XENSTORED XSBENCH [SECONDS]   full table (docs/PERFORMANCE.md)
#   run.sh --smoke XENSTORED XSBENCH     a quick check that the tool works
# The peer is started with shared/peers/xen-xenstored/start (found beside the
# repository, or at $XVM_PEERS).  Figures are noisy on a shared machine.
set -euo pipefail
smoke=0
if [[ ${1:-} == --smoke ]]; then smoke=1; shift; fi
xsd=${1:?usage: run.sh [--smoke] XENSTORED XSBENCH [SECONDS]}
bench=${2:?usage: run.sh [--smoke] XENSTORED XSBENCH [SECONDS]}
secs=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/xsbench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[[ -n ${peer_dir:-} ]] && "$peers/xen-xenstored/stop" "$peer_dir" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

start_ours() {	# root args... -> sets ours_pid, ours_sock
	local root=$1; shift
	"$xsd" -F --root "$root" "$@" 2>>"$tmp/ours.err" &
	ours_pid=$!
	pids+=("$ours_pid")
	ours_sock=$root/run/xenstored/socket
	for _ in $(seq 100); do [[ -S $ours_sock ]] && return 0; sleep 0.05; done
	echo "run.sh: our xenstored did not start" >&2; exit 1
}

rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }

if [[ $smoke -eq 1 ]]; then
	start_ours "$tmp/smoke"
	out=$("$bench" "$ours_sock" 0.05)
	echo "$out"
	grep -q '^watch_latency_p50_us ' <<<"$out"
	exit 0
fi

declare -A col
rounds=${XSBENCH_ROUNDS:-3}
run_col() {	# name socket pid round
	while read -r k v; do col[$1,$k,$4]=$v; done < <("$bench" "$2" "$secs" "$3")
}
median() {	# name metric -> the median over the rounds
	local r vals=()
	for r in $(seq "$rounds"); do
		[[ -n ${col[$1,$2,$r]:-} ]] && vals+=("${col[$1,$2,$r]}")
	done
	[[ ${#vals[@]} -gt 0 ]] || { echo -; return; }
	printf '%s\n' "${vals[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The three daemons run side by side; each round measures each of them in
# turn, and the table shows medians, so that load from other work on the
# machine falls on all of them alike.
start_ours "$tmp/ours"
ours_def_pid=$ours_pid; ours_def_sock=$ours_sock
start_ours "$tmp/durable" --durable
ours_dur_pid=$ours_pid; ours_dur_sock=$ours_sock

peers=${XVM_PEERS:-}
for d in "$here/../../../../shared/peers" "$here/../../../../../shared/peers" /work/shared/peers; do
	[[ -z $peers && -x $d/xen-xenstored/start ]] && peers=$(cd "$d" && pwd)
done
have_peer=0
if [[ -n $peers ]]; then
	peer_dir=$tmp/peer
	if peer_sock=$("$peers/xen-xenstored/start" "$peer_dir" 2>"$tmp/peer.err"); then
		have_peer=1
		peer_pid=$(cat "$peer_dir/xenstored.pid")
	fi
fi
for r in $(seq "$rounds"); do
	run_col ours "$ours_def_sock" "$ours_def_pid" "$r"
	[[ $have_peer -eq 1 ]] && run_col peer "$peer_sock" "$peer_pid" "$r"
	run_col durable "$ours_dur_sock" "$ours_dur_pid" "$r"
done

# Memory: a fresh daemon of each kind, 1000 domains x 100 nodes.
start_ours "$tmp/ours-mem"
"$bench" "$ours_sock" populate 1000 100
col[ours,rss_1000x100_mib,1]=$(awk -v k="$(rss_kib "$ours_pid")" 'BEGIN { printf "%.1f", k / 1024 }')
if [[ $have_peer -eq 1 ]]; then
	"$peers/xen-xenstored/stop" "$peer_dir"
	peer_sock=$("$peers/xen-xenstored/start" "$peer_dir" 2>>"$tmp/peer.err")
	"$bench" "$peer_sock" populate 1000 100
	col[peer,rss_1000x100_mib,1]=$(awk -v k="$(rss_kib "$(cat "$peer_dir/xenstored.pid")")" 'BEGIN { printf "%.1f", k / 1024 }')
fi

ratio() {	# metric ours peer -> how many times better ours is
	[[ $have_peer -eq 1 && $2 != - && $3 != - ]] || { echo -; return; }
	case $1 in
	watch_*|rss_*|*_cpu_*) awk -v a="$3" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }' ;;
	*) awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.2f", a / b }' ;;
	esac
}
printf '%-28s %10s %10s %12s %8s %8s\n' metric ours durable "C xenstored" "x ours" "x dur."
for k in read_ops_per_s read_daemon_cpu_us_per_op write_ops_per_s \
    write_daemon_cpu_us_per_op directory10_ops_per_s \
    read_16_in_flight_ops_per_s tx10_commits_per_s write_8_clients_ops_per_s \
    watch_latency_p50_us watch_latency_p99_us rss_1000x100_mib; do
	o=$(median ours "$k"); d=$(median durable "$k"); p=$(median peer "$k")
	printf '%-28s %10s %10s %12s %8s %8s\n' "$k" "$o" "$d" "$p" \
	    "$(ratio "$k" "$o" "$p")" "$(ratio "$k" "$d" "$p")"
done
echo "(medians of $rounds rounds of ${secs}s per figure; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
[[ $have_peer -eq 1 ]] || echo "(no peer: shared/peers/xen-xenstored not found or failed to start)"
