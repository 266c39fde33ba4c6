#!/usr/bin/env bash
# xm dump-core and on_crash = "coredump-*": the core is an ELF file that
# gdb-multiarch reads with the mini-OS's symbols (registers, the
# instruction at pc, a backtrace); the domain runs on, or crashes as asked;
# a crashing guest leaves its core in var/lib/xvm/dump/ as xend did.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
GDB=$(command -v gdb-multiarch)
if [[ ! -f $GUEST || -z $GDB ]]; then
	echo "# SKIP: the guest is not built or gdb-multiarch is missing"
	exit 77
fi
t_stack || exit 1

check() {	# DESC COMMAND...
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {		# NAME EXTRA [SETTING...]
	local name=$1 extra=$2
	shift 2
	{
		printf 'name = "%s"\nmemory = 32\nkernel = "%s"\nextra = "%s"\n' \
			"$name" "$GUEST" "$extra"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
conlog() { cat "$T_ROOT/var/log/xvm/console/guest-$1.log" 2>/dev/null; }
gdb_core() {	# CORE COMMANDS...: gdb's output into $T_ROOT/gdb.out, shown
	local core=$1 c args=()
	shift
	for c in "$@"; do args+=(-ex "$c"); done
	"$GDB" -nx -batch "${args[@]}" "$GUEST" "$core" >"$T_ROOT/gdb.out" 2>&1
	sed 's/^/# gdb: /' "$T_ROOT/gdb.out"
}
said() { grep -Eq "$1" "$T_ROOT/gdb.out"; }	# gdb said something like PATTERN
state() { "$XM" list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

cfg g1 "ticks=1" 'on_crash = "destroy"'
"$XM" create "$T_ROOT/g1.cfg" >/dev/null
t_wait_for "g1 to boot" 20 bash -c "cat '$T_ROOT/var/log/xvm/console/guest-g1.log' | grep -q 'workload: idle'"
out=$("$XM" dump-core g1 "$T_ROOT/g1.core" 2>&1)
check "xm dump-core g1 FILE: exit 0, quiet: $out" [ -z "$out" ]
check "the core is an ELF core for RISC-V" bash -c "file '$T_ROOT/g1.core' | grep -q 'ELF 64-bit LSB core file, UCB RISC-V'"
check "it is sparse: the 32 MiB of RAM take far less room" \
	[ "$(du -k "$T_ROOT/g1.core" | cut -f1)" -lt 8192 ]
check "g1 runs on (not left paused)" bash -c "[[ \$('$XM' list g1 | awk 'NR == 2 { print \$5 }') != *p* ]]"
gdb_core "$T_ROOT/g1.core" 'info registers pc sp ra' 'x/i $pc' 'bt'
check "gdb reads the registers: sp" said '^sp +0x80[0-9a-f]+'
check "pc is in the kernel, at one of its symbols" said '^pc +0x80[0-9a-f]+.*<[a-z_]+\+[0-9]+>'
check "x/i \$pc shows the instruction there" said '^=> 0x80[0-9a-f]+ <[a-z_]+\+[0-9]+>:'
check "the backtrace names the mini-OS's functions, with their sources" \
	said '^#[0-9]+ .*(idle_once|workload_main) \(\) at .*workload\.c:[0-9]+'
check "and goes down to kernel_main" said '^#[0-9]+ .* in kernel_main \(hartid=0'
check "gdb takes the core for the executable's" bash -c "! grep -q 'may not match' '$T_ROOT/gdb.out'"
gdb_core "$T_ROOT/g1.core" 'info threads' 'print bootargs.hz'
check "a thread per vCPU" said 'LWP 1'
check "the kernel's data comes from the core's memory (bootargs.hz = 10)" said '^\$1 = 10$'

out=$("$XM" dump-core -L g1 "$T_ROOT/live.core" 2>&1)
check "xm dump-core -L: a live core: $out" [ -s "$T_ROOT/live.core" ]
(cd "$T_ROOT" && "$XM" dump-core g1 rel.core)
check "a relative path is the caller's" [ -s "$T_ROOT/rel.core" ]
out=$("$XM" dump-core g1 2>&1)
check "without a file: var/lib/xvm/dump/DATE-g1.ID.core, as xend: $out" \
	bash -c "ls '$T_ROOT'/var/lib/xvm/dump/*-g1.$("$XM" domid g1).core"
out=$("$XM" dump-core g1 "$T_ROOT/nodir/x.core" 2>&1)
check "into a missing directory: $out" [ "$out" = "Error: core file '$T_ROOT/nodir/x.core': no directory $T_ROOT/nodir" ]
out=$("$XM" dump-core Domain-0 "$T_ROOT/x.core" 2>&1)
check "Domain-0: $out" [ "$out" = "Error: Domain-0 is the host: use the host's own tools for its core" ]
out=$("$XM" dump-core nosuch "$T_ROOT/x.core" 2>&1)
check "an unknown domain: $out" [ "$out" = "Error: domain 'nosuch' does not exist" ]
mkfifo "$T_ROOT/fifo.core"
out=$(timeout 20 "$XM" dump-core g1 "$T_ROOT/fifo.core" 2>&1)
check "a FIFO is refused, not waited on: $out" bash -c "grep -q 'not a regular file' <<<'$out'"
out=$("$XM" dump-core -C g1 "$T_ROOT/crash.core" 2>&1)
check "xm dump-core -C: the core, then the domain crashes (on_crash destroy)" \
	t_wait_for "g1 to go" 20 bash -c "! '$XM' list g1 >/dev/null 2>&1"
check "its core is there" [ -s "$T_ROOT/crash.core" ]

# on_crash = coredump-destroy / coredump-restart: a guest that crashes.
rm -rf "$T_ROOT/var/lib/xvm/dump"
cfg cd1 "crash" 'on_crash = "coredump-destroy"'
"$XM" create "$T_ROOT/cd1.cfg" >/dev/null
t_wait_for "cd1 to crash and go" 30 bash -c "! '$XM' list cd1 >/dev/null 2>&1"
check "coredump-destroy: destroyed" bash -c "! '$XM' list cd1 >/dev/null 2>&1"
core=$(ls "$T_ROOT"/var/lib/xvm/dump/*-cd1.*.core 2>/dev/null | head -n 1)
check "coredump-destroy: its core in var/lib/xvm/dump/: ${core##*/}" [ -s "$core" ]
gdb_core "$core" 'bt'
check "gdb's backtrace of the crashed guest goes through its panic" \
	said '^#[0-9]+ .*(panic|power_crash|trap)'
cfg cr1 "ticks=1" 'on_crash = "coredump-restart"'
"$XM" create "$T_ROOT/cr1.cfg" >/dev/null
t_wait_for "cr1 to boot" 20 bash -c "cat '$T_ROOT/var/log/xvm/console/guest-cr1.log' | grep -q 'workload: idle'"
id=$("$XM" domid cr1)
"$XM" sysrq cr1 c
t_wait_for "cr1's core" 30 bash -c "ls '$T_ROOT'/var/lib/xvm/dump/*-cr1.$id.core"
t_wait_for "cr1 to restart" 30 bash -c "id=\$('$XM' domid cr1 2>/dev/null) && [ -n \"\$id\" ] && [ \"\$id\" != $id ]"
check "coredump-restart: a core, then a new domain" bash -c "id=\$('$XM' domid cr1 2>/dev/null) && [ -n \"\$id\" ] && [ \"\$id\" != $id ]"
"$XM" destroy cr1 2>/dev/null
check "xvmd still serves" "$XM" list
t_done
