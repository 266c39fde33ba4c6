#!/usr/bin/env bash
# xm against a real xvmd in a private root: exit status 0/1 and one-line
# errors naming what was wrong, for usage faults, bad config files and
# daemon answers.
. "$(dirname "$0")/../lib.sh"

XVMD=$XVM_BUILD/xvmd/xvmd
XM=$XVM_BUILD/tools/xm/xm
SOCK=$T_ROOT/run/xvm/xvmd.sock

mkdir -p "$T_ROOT/etc/xvm" "$T_ROOT/alt"
printf 'name = "found"\nmemory = 16\nkernel = "/k"\n' >"$T_ROOT/etc/xvm/found.cfg"
printf 'name = "alt"\nmemory = 16\nkernel = "/k"\n' >"$T_ROOT/alt/found.cfg"
cfg=$T_ROOT/d1.cfg
cat >"$cfg" <<'CFG'
name = "d1"
memory = 32
kernel = "/usr/lib/xvm/guest/minios.elf"
CFG
bad=$T_ROOT/bad.cfg
printf 'name = "d1"\nkernel = "/k"\nvcpus = "two"\n' >"$bad"
utf=$T_ROOT/utf.cfg
printf 'name = "d2"\nkernel = "/k\x81"\n' >"$utf"

# xm with no daemon: a clear error.
out=$("$XM" --root "$T_ROOT" list 2>&1)
if [[ $? -eq 1 && $out == *"is the daemon running?"* ]]; then
	t_ok "no daemon: clear error"
else
	t_not_ok "no daemon" "$out"
fi

t_stack || exit 1

# ARGS|WANT_STATUS|WANT_IN_STDERR_OR_STDOUT
cases=(
	"help|0|Control, list, and manipulate"
	"help list|0|Usage: xm list [-l|--long] [--json] [Domain ...]"
	"frobnicate|1|Error: 'frobnicate' is not an xm command; see 'xm help'"
	"pause|1|Error: xm pause: missing arguments"
	"pause a b|1|Error: xm pause: too many arguments"
	"list -z|1|Error: xm list: unknown option -z"
	"sched-credit -d|1|Error: xm sched-credit: option -d needs a value"
	"sched-credit|1|Error: xm sched-credit: -d <Domain> is required"
	"sched-credit -d d1 -w 0|1|Error: weight '0' is not from 1 to 65535"
	"vcpu-set d1 x|1|Error: xm vcpu-set: 'x' is not a number of vCPUs from 1 to 32"
	"vcpu-pin d1 99 0|1|Error: vCPU '99' is not a number from 0 to 63 or 'all'"
	"mem-set d1 0|1|Error: xm mem-set: '0' is not a number of MiB from 4 to 262144"
	"sysrq d1 ab|1|Error: xm sysrq: the key is one character, not 'ab'"
	"shutdown|1|Error: xm shutdown: name one domain, or give -a"
	"create $T_ROOT/missing.cfg|1|Error: cannot open $T_ROOT/missing.cfg: No such file or directory"
	"create /tmp|1|Error: config file '/tmp' is a directory, not a regular file"
	"create $utf|1|Error: $utf:2: byte 0x81 is not UTF-8 (a config file is UTF-8 text)"
	"create -n $utf|1|Error: $utf:2: byte 0x81 is not UTF-8 (a config file is UTF-8 text)"
	"create $bad|1|Error: $bad:3: vcpus must be an integer, not a string"
	"create -n $cfg|0|(name d1)"
	"create -n --json $cfg|0|\"name\": \"d1\""
	"create --json $cfg|1|Error: xm create: --json goes with -n"
	"create -n $cfg vcpus=2 name=web2|0|(vcpus 2)"
	"create -n $cfg vcpus=2 name=web2|0|(name web2)"
	"create -n $cfg vcpus=2 vcpus=3|0|(vcpus 3)"
	"create -n $cfg extra=ticks=1|0|(args ticks=1)"
	"create -n $cfg disk=['file:/img/a.img,xvda,w']|0|(uname file:/img/a.img)"
	"create -n $cfg vcpus=two|1|vcpus must be an integer, not a string"
	"create -n --json $cfg cpu=jit|0|\"cpu\": \"jit\""
	"create -n $cfg cpu=tcg|1|cpu = \"tcg\": not a CPU engine (interp or jit)"
	"create -n $cfg bogus|1|Error: 'bogus' is not a KEY=VALUE setting"
	"create -n found.cfg|0|Using config file \"$T_ROOT/etc/xvm/found.cfg\"."
	"create -n --path=$T_ROOT/alt found.cfg|0|(name alt)"
	"create -n nosuch.cfg|1|Error: Unable to open config file: nosuch.cfg (searched .:$T_ROOT/etc/xvm)"
	"create --bogus $cfg|1|Error: xm create: unknown option --bogus"
	"list -l 0|0|(domid 0)"
	"list --long 0|0|(name Domain-0)"
	"list --json 0|0|\"name\": \"Domain-0\""
	"list --bogus|1|Error: xm list: unknown option --bogus"
	"log|0|(xvmd)"
	"top -b -i 2 -d 1|0|      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k)"
	"top -b -i 1|0|  Domain-0 -----r"
	"top -b -d 0|1|Error: delay '0' is not a number of seconds from 1 to 3600"
	"create $cfg|1|Error: cannot build domain d1: kernel '/usr/lib/xvm/guest/minios.elf': No such file or directory"
	"list|0|Domain-0                                     0"
	"list nosuch|1|Error: domain 'nosuch' does not exist"
	"pause nosuch|1|Error: domain 'nosuch' does not exist"
	"pause Domain-0|1|Error: Domain-0 is the host: it cannot be paused or unpaused"
	"mem-set 0 64|1|Error: Domain-0 is the host: its memory is the host's; dom0-min-mem is what xvmd keeps for it"
	"rename Domain-0 host|1|Error: Domain-0's name cannot change"
	"destroy 0|1|Error: Domain-0 cannot be destroyed"
	"console d1|1|Error: domain 'd1' has no console here (is it running?)"
	"console -e ab d1|1|Error: xm console: -e takes one character"
)

for c in "${cases[@]}"; do
	IFS='|' read -r args want_status want <<<"$c"
	# shellcheck disable=SC2086
	out=$("$XM" --root "$T_ROOT" $args 2>&1)
	status=$?
	if [[ $status == "$want_status" && $out == *"$want"* ]]; then
		t_ok "xm $args -> $status"
	else
		t_not_ok "xm $args" "status $status (want $want_status)" "output: $out"
	fi
done

# Errors are one line (a usage line may follow a usage error only).
out=$("$XM" --root "$T_ROOT" create "$bad" 2>&1 >/dev/null)
if [[ $(printf '%s\n' "$out" | wc -l) -eq 1 ]]; then
	t_ok "config error is one line"
else
	t_not_ok "config error is one line" "$out"
fi

# SXP laid out as Xen's PrettyPrint did.
out=$("$XM" --root "$T_ROOT" create -q -n "$cfg" 2>&1)
want='(vm
    (name d1)
    (memory 32)'
want_img='    (image
        (linux
            (kernel /usr/lib/xvm/guest/minios.elf)
        )
    )
)'
if [[ $out == "$want"* && $out == *"$want_img" ]]; then
	t_ok "xm create -n prints (vm ...) as Xen's xm did"
else
	t_not_ok "xm create -n SXP layout" "$out"
fi
out=$("$XM" --root "$T_ROOT" list -l 0 2>&1)
if [[ $out == "(domain
    (domid 0)
    (uuid 00000000-0000-0000-0000-000000000000)
    (name Domain-0)"* && $out == *"
)" ]]; then
	t_ok "xm list -l prints (domain ...)"
else
	t_not_ok "xm list -l SXP layout" "$out"
fi
# xm top on a terminal: xentop's summary and the table, until 'q'.
out=$( (sleep 3; printf q) | timeout 60 script -qec \
    "$XM --root $T_ROOT top -d 1" /dev/null 2>&1)
if [[ $? -eq 0 && $out == *"xentop - "* && $out == *"domains: "*" running"* &&
    $out == *"Mem: "*"k total"* && $out == *"Domain-0 -----r"* ]]; then
	t_ok "xm top interactive: summary and rows until q"
else
	t_not_ok "xm top interactive" "$out"
fi
# XM_CONFIG_PATH replaces the search path.
out=$(cd / && XM_CONFIG_PATH=$T_ROOT/alt "$XM" --root "$T_ROOT" create -n found.cfg 2>&1)
if [[ $? -eq 0 && $out == *"(name alt)"* ]]; then
	t_ok "XM_CONFIG_PATH searched"
else
	t_not_ok "XM_CONFIG_PATH searched" "$out"
fi

# XVM_ROOT works like --root.
out=$(XVM_ROOT=$T_ROOT "$XM" create -n "$cfg" 2>&1)
if [[ $? -eq 0 && $out == *'(memory 32)'* ]]; then
	t_ok "XVM_ROOT honoured"
else
	t_not_ok "XVM_ROOT honoured" "$out"
fi

t_done
