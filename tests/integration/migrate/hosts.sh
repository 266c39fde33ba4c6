# Two xVM hosts for migration tests: each a whole stack in its own root and
# its own network namespace, linked by a veth pair made here (the host's own
# interfaces are never touched), with a CA and a certificate per host made
# with openssl.  Source it after lib.sh; needs root (ip netns).
#
#   h_setup             namespaces, link, certificates, roots A and B
#   h_stack A|B         start (or restart) that host's four daemons
#   h_xvmd A|B [ARGS]   (re)start its xvmd alone
#   xa ..., xb ...      xm on host A, on host B
#   h_conf A|B LINES    replace that host's xvmd.conf
#   h_ip A|B            the host's address on the link
#   h_link up|down      the link between them

XM=$XVM_BUILD/tools/xm/xm
H_NS_A=xvm-mA-$$
H_NS_B=xvm-mB-$$
H_IF_A=xvma$$
H_IF_B=xvmb$$
H_IP_A=10.211.0.1
H_IP_B=10.211.0.2
H_ROOT_A=$T_ROOT/a
H_ROOT_B=$T_ROOT/b
declare -A H_PIDS

h_cleanup() {
	local p
	for p in "${H_PIDS[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	t_cleanup
	ip netns del "$H_NS_A" 2>/dev/null
	ip netns del "$H_NS_B" 2>/dev/null
	ip link del "$H_IF_A" 2>/dev/null
}
trap h_cleanup EXIT

h_root() { [[ $1 == A ]] && echo "$H_ROOT_A" || echo "$H_ROOT_B"; }
h_ns() { [[ $1 == A ]] && echo "$H_NS_A" || echo "$H_NS_B"; }
h_ip() { [[ $1 == A ]] && echo "$H_IP_A" || echo "$H_IP_B"; }
xa() { XVM_ROOT=$H_ROOT_A "$XM" --root "$H_ROOT_A" "$@"; }
xb() { XVM_ROOT=$H_ROOT_B "$XM" --root "$H_ROOT_B" "$@"; }
xon() { local h=$1; shift; if [[ $h == A ]]; then xa "$@"; else xb "$@"; fi; }

# h_cert DIR NAME CA IP: a key and a certificate for NAME (DNS) and IP.
h_cert() {
	local d=$1 n=$2 ca=$3 ip=$4
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/$n.key" -out "$d/$n.csr" -subj "/CN=$n" 2>/dev/null &&
	openssl x509 -req -in "$d/$n.csr" -CA "$d/$ca.crt" -CAkey "$d/$ca.key" \
		-CAcreateserial -out "$d/$n.crt" -days 2 \
		-extfile <(printf 'subjectAltName=IP:%s,DNS:%s\n' "$ip" "$n") 2>/dev/null
}

h_ca() {	# DIR NAME: a self-signed CA
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$1/$2.key" -out "$1/$2.crt" -subj "/CN=$2" \
		-days 2 2>/dev/null
}

# h_identity A|B KEY CERT CA: install a TLS identity in the host's root.
h_identity() {
	local d
	d=$(h_root "$1")/etc/xvm/relocation
	mkdir -p "$d"
	cp "$2" "$d/host.key"
	cp "$3" "$d/host.crt"
	cp "$4" "$d/ca.crt"
}

h_conf() {
	local h=$1
	shift
	printf '%s\n' "$@" >"$(h_root "$h")/etc/xvm/xvmd.conf"
}

h_setup() {
	H_CERTS=$T_ROOT/certs
	mkdir -p "$H_CERTS" "$H_ROOT_A/etc/xvm" "$H_ROOT_B/etc/xvm"
	ip netns add "$H_NS_A" && ip netns add "$H_NS_B" &&
	ip link add "$H_IF_A" type veth peer name "$H_IF_B" &&
	ip link set "$H_IF_A" netns "$H_NS_A" &&
	ip link set "$H_IF_B" netns "$H_NS_B" &&
	ip -n "$H_NS_A" addr add "$H_IP_A/24" dev "$H_IF_A" &&
	ip -n "$H_NS_B" addr add "$H_IP_B/24" dev "$H_IF_B" &&
	ip -n "$H_NS_A" link set lo up && ip -n "$H_NS_B" link set lo up &&
	h_link up || return 1
	h_ca "$H_CERTS" ca && h_ca "$H_CERTS" otherca &&
	h_cert "$H_CERTS" hosta ca "$H_IP_A" &&
	h_cert "$H_CERTS" hostb ca "$H_IP_B" &&
	h_cert "$H_CERTS" rogue otherca "$H_IP_A" || return 1
	h_identity A "$H_CERTS/hosta.key" "$H_CERTS/hosta.crt" "$H_CERTS/ca.crt"
	h_identity B "$H_CERTS/hostb.key" "$H_CERTS/hostb.crt" "$H_CERTS/ca.crt"
}

h_link() {
	ip -n "$H_NS_A" link set "$H_IF_A" "$1" &&
	ip -n "$H_NS_B" link set "$H_IF_B" "$1"
}

# h_daemon HOST KEY CMD...: a daemon of HOST, in its namespace.
h_daemon() {
	local h=$1 k=$2 r
	shift 2
	r=$(h_root "$h")
	XVM_ROOT=$r ip netns exec "$(h_ns "$h")" "$@" >>"$r/$k.log" 2>&1 &
	H_PIDS[$h$k]=$!
}

h_xvmd() {
	local h=$1 r
	shift
	r=$(h_root "$h")
	if [[ -n ${H_PIDS[${h}xvmd]:-} ]]; then
		kill -CONT "${H_PIDS[${h}xvmd]}" 2>/dev/null
		kill "${H_PIDS[${h}xvmd]}" 2>/dev/null
		wait "${H_PIDS[${h}xvmd]}" 2>/dev/null
	fi
	h_daemon "$h" xvmd "$XVM_BUILD/xvmd/xvmd" -F --root "$r" "$@"
	t_wait_for "xvmd of $h answering" 30 xon "$h" list
}

h_stack() {
	local h=$1 r
	r=$(h_root "$h")
	h_daemon "$h" hv "$XVM_BUILD/hypervisor/xvm-hypervisor" -F --root "$r" -n 2
	t_wait_for "privcmd of $h" 30 test -S "$r/run/xvm/privcmd" || return 1
	h_daemon "$h" xs "$XVM_BUILD/xenstored/xenstored" -F --root "$r"
	t_wait_for "store of $h" 30 test -S "$r/run/xenstored/socket" || return 1
	h_daemon "$h" cons "$XVM_BUILD/console/xvm-consoled" -F --root "$r"
	t_wait_for "consoled of $h" 30 test -S "$r/run/xvm/consoled.sock" || return 1
	h_xvmd "$h"
}

# Domains the host's hypervisor holds, Domain-0 included (xm info).
h_ndoms() { xon "$1" info | awk '$1 == "nr_domains" { print $3 }'; }
# Where NAME runs: "A", "B", "AB" (twice: a bug) or "" (nowhere).
h_where() {
	local w=""
	[[ -n $(xa domid "$1" 2>/dev/null) ]] && w=A
	[[ -n $(xb domid "$1" 2>/dev/null) ]] && w=${w}B
	echo "$w"
}
h_conlog() { cat "$(h_root "$1")/var/log/xvm/console/guest-$2.log" 2>/dev/null; }
