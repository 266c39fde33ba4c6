#!/usr/bin/env bash
# SMF start-up figures: N contract services (a chain of require_all
# dependencies, or N independent ones) from svc.startd's start to all
# online, a clean stop of all of them, and svcs / svcs -p latency.
# Usage: tests/bench/smf/startup.sh BUILD_DIR [N]
# There is no peer here (illumos SMF does not run on Linux); the figures
# are absolute.  Prints one "name value unit" line per figure.
set -eu
B=${1:?usage: startup.sh BUILD_DIR [N]}/smf
N=${2:-50}
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/smf-bench.XXXXXX")
trap 'kill $STARTD 2>/dev/null; wait 2>/dev/null; rm -rf "$ROOT"' EXIT
now() { date +%s.%N; }

run() { # run chain|flat
	local kind=$1 i dep
	rm -rf "$ROOT"/*
	mkdir -p "$ROOT/mf"
	for ((i = 0; i < N; i++)); do
		dep=
		if [[ $kind == chain && $i -gt 0 ]]; then
			dep="<dependency name=\"prev\" grouping=\"require_all\" restart_on=\"none\" type=\"service\"><service_fmri value=\"svc:/bench/s$((i - 1)):default\"/></dependency>"
		fi
		cat >"$ROOT/mf/s$i.xml" <<EOF
<?xml version="1.0"?>
<service_bundle type="manifest" name="s$i">
<service name="bench/s$i" type="service" version="1">
<create_default_instance enabled="true"/>
$dep
<exec_method type="method" name="start" exec="sleep 300 &amp;" timeout_seconds="30"/>
<exec_method type="method" name="stop" exec=":kill" timeout_seconds="30"/>
</service>
</service_bundle>
EOF
	done
	t0=$(now)
	"$B/svc.startd" --root "$ROOT" -m "$ROOT/mf" &
	STARTD=$!
	until [[ $("$B/svcs" --root "$ROOT" -H -o state 2>/dev/null | grep -c '^online$') -eq $N ]]; do
		sleep 0.02
	done
	t1=$(now)
	echo "smf_${kind}_${N}_online $(echo "$t1 - $t0" | bc) s"
	t0=$(now)
	for ((i = 0; i < 20; i++)); do "$B/svcs" --root "$ROOT" >/dev/null; done
	t1=$(now)
	echo "smf_svcs_${N}_instances $(echo "($t1 - $t0) * 1000 / 20" | bc) ms"
	t0=$(now)
	"$B/svcs" --root "$ROOT" -p >/dev/null
	t1=$(now)
	echo "smf_svcs_p_${N}_instances $(echo "($t1 - $t0) * 1000" | bc) ms"
	t0=$(now)
	kill "$STARTD"
	wait "$STARTD" || true
	t1=$(now)
	echo "smf_${kind}_${N}_stop $(echo "$t1 - $t0" | bc) s"
}

run flat
run chain
