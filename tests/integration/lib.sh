# Shared shell helpers for integration tests: a private root, daemons that
# are always cleaned up, polling with deadlines, and TAP-style reporting.
# Source it; it needs XVM_BUILD (meson sets it).

set -u
: "${XVM_BUILD:?XVM_BUILD must point at the build directory}"

T_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/xvm-it.XXXXXX")
T_PIDS=()
T_PASS=0
T_FAIL=0

t_cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${T_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [[ $T_FAIL -eq 0 ]]; then
		rm -rf "$T_ROOT"
	else
		echo "# kept $T_ROOT for inspection"
	fi
}
trap t_cleanup EXIT

# t_daemon PIDVAR CMD...: start a daemon in the foreground mode, remember it.
t_daemon() {
	local var=$1
	shift
	"$@" &
	T_PIDS+=($!)
	printf -v "$var" '%s' "$!"
}

# t_wait_for DESC SECONDS CMD...: poll CMD until it succeeds.
t_wait_for() {
	local desc=$1 secs=$2 deadline
	shift 2
	deadline=$(( $(date +%s) + secs ))
	until "$@" >/dev/null 2>&1; do
		if [[ $(date +%s) -ge $deadline ]]; then
			echo "# timed out after ${secs}s waiting for $desc"
			return 1
		fi
		sleep 0.05
	done
}

t_ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok $((T_PASS + T_FAIL)) - $1"
}

t_not_ok() {
	T_FAIL=$((T_FAIL + 1))
	echo "not ok $((T_PASS + T_FAIL)) - $1"
	shift
	local line
	for line in "$@"; do
		echo "#   $line"
	done
}

# t_done: the closing line, and the exit status.
t_done() {
	echo "$T_PASS passed, $T_FAIL failed"
	[[ $T_FAIL -eq 0 ]]
}

# t_stack: the xVM stack in $T_ROOT, in dependency order: the hypervisor,
# the store, the console daemon and xvmd (each in the foreground, cleaned
# up on exit).  Sets XVM_ROOT for clients.  Returns 1 if one does not come up.
t_stack() {
	export XVM_ROOT=$T_ROOT
	export XENSTORED_PATH=$T_ROOT/run/xenstored/socket	# xenstore-utils
	export XVM_DM=$XVM_BUILD/dm/xvm-dm	# xvmd's device model (docs/virtio.md)
	t_daemon HV_PID "$XVM_BUILD/hypervisor/xvm-hypervisor" -F --root "$T_ROOT" -n 2
	t_wait_for "privcmd socket" 30 test -S "$T_ROOT/run/xvm/privcmd" || return 1
	t_daemon XS_PID "$XVM_BUILD/xenstored/xenstored" -F --root "$T_ROOT"
	t_wait_for "store socket" 30 test -S "$T_ROOT/run/xenstored/socket" || return 1
	t_daemon CONSOLED_PID "$XVM_BUILD/console/xvm-consoled" -F --root "$T_ROOT"
	t_wait_for "consoled socket" 30 test -S "$T_ROOT/run/xvm/consoled.sock" || return 1
	t_xvmd || return 1
}

# t_xvmd: (re)start xvmd alone; ready when it answers (a killed one may
# have left its socket file behind).
t_xvmd() {
	t_daemon XVMD_PID "$XVM_BUILD/xvmd/xvmd" -F --root "$T_ROOT"
	t_wait_for "xvmd answering" 30 "$XVM_BUILD/tools/xm/xm" --root "$T_ROOT" list
}
