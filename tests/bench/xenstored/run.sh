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
	"$xsd" --root "$root" "$@" 2>>"$tmp/ours.err" &
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
run_col() {	# name socket pid
	while read -r k v; do col[$1,$k]=$v; done < <("$bench" "$2" "$secs" "$3")
}
memory() {	# name socket pid
	"$bench" "$2" populate 1000 100
	col[$1,rss_1000x100_mib]=$(awk -v k="$(rss_kib "$3")" 'BEGIN { printf "%.1f", k / 1024 }')
}

start_ours "$tmp/ours"
run_col ours "$ours_sock" "$ours_pid"
kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true
start_ours "$tmp/ours-mem"
memory ours "$ours_sock" "$ours_pid"
kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true
start_ours "$tmp/durable" --durable
run_col durable "$ours_sock" "$ours_pid"
kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true

peers=${XVM_PEERS:-}
for d in "$here/../../../../shared/peers" "$here/../../../../../shared/peers" /work/shared/peers; do
	[[ -z $peers && -x $d/xen-xenstored/start ]] && peers=$(cd "$d" && pwd)
done
have_peer=0
if [[ -n $peers ]]; then
	peer_dir=$tmp/peer
	if peer_sock=$("$peers/xen-xenstored/start" "$peer_dir" 2>"$tmp/peer.err"); then
		have_peer=1
		run_col peer "$peer_sock" "$(cat "$peer_dir/xenstored.pid")"
		memory peer "$peer_sock" "$(cat "$peer_dir/xenstored.pid")"
	fi
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
	o=${col[ours,$k]:--}; d=${col[durable,$k]:--}; p=${col[peer,$k]:--}
	printf '%-28s %10s %10s %12s %8s %8s\n' "$k" "$o" "$d" "$p" \
	    "$(ratio "$k" "$o" "$p")" "$(ratio "$k" "$d" "$p")"
done
[[ $have_peer -eq 1 ]] || echo "(no peer: shared/peers/xen-xenstored not found or failed to start)"
