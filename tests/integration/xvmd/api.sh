#!/usr/bin/env bash
# xvmd's HTTP/JSON API, driven with curl over its Unix socket in a private
# root: routes, the one error shape, bad input, peer checks, restarts.
. "$(dirname "$0")/../lib.sh"

XVMD=$XVM_BUILD/xvmd/xvmd
SOCK=$T_ROOT/run/xvm/xvmd.sock

mkdir -p "$T_ROOT/etc/xvm"
cat >"$T_ROOT/etc/xvm/xvmd.conf" <<'CONF'
# host settings, xend-config.sxp style
(xend-relocation-server yes)
(xend-relocation-port 8102)
(xend-relocation-hosts-allow '^host-b$')
CONF

t_stack || exit 1

# METHOD PATH BODY WANT_STATUS WANT_SUBSTRING
cases=(
	"GET|/version||200|\"name\": \"xvmd\""
	"GET|/host/settings||200|\"source\": \"$T_ROOT/etc/xvm/xvmd.conf\""
	"GET|/host/settings||200|\"value\": 8102"
	"GET|/host/settings||200|\"value\": \"^host-b\$\""
	"GET|/host/settings||200|\"value\": 196"
	"POST|/configs/check|{\"config\":\"name='a'\\\\nkernel='/k'\\\\nmemory=64\\\\n\"}|200|\"memory\": 64"
	"POST|/configs/check|{\"config\":\"name='a'\\\\nkernel='/k'\\\\nmemroy=64\\\\n\",\"file\":\"a.cfg\"}|400|\"message\":\"a.cfg:3: unknown setting 'memroy'\""
	"POST|/configs/check|{\"file\":\"a.cfg\"}|400|'config' (the file's text) is required"
	"POST|/configs/check||400|needs a JSON object body"
	"POST|/configs/check|[1,2]|400|must be a JSON object"
	"POST|/configs/check|{\"config\":|400|invalid JSON"
	"GET|/nowhere||404|\"code\":\"ENOENT\""
	"GET|/domains/x1/bogus||404|no such API route"
	"DELETE|/version||405|method not allowed on /version"
	"PATCH|/domains||405|\"code\":\"ENOTSUP\""
	"GET|/domains||200|\"name\": \"Domain-0\""
	"GET|/domains/Domain-0||200|\"domid\": 0"
	"POST|/domains/x1/pause||404|domain 'x1' does not exist"
	"DELETE|/domains/0||403|Domain-0 cannot be destroyed"
	"POST|/domains|{\"config\":\"name='k'\\\\nkernel='/nonexistent'\\\\n\"}|400|cannot build domain k: kernel '/nonexistent': No such file or directory"
	"GET|/domains/k||404|domain 'k' does not exist"
	"GET|/host||200|\"xen_scheduler\""
	"GET|/host/dmesg||200|\"text\""
	"GET|/version?x=%zz||400|malformed request URI"
)

for c in "${cases[@]}"; do
	IFS='|' read -r method path body want_status want <<<"$c"
	args=(-s -o "$T_ROOT/out" -w '%{http_code}' --unix-socket "$SOCK" -X "$method")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$(printf "$body")")
	status=$(curl "${args[@]}" "http://localhost$path")
	if [[ $status == "$want_status" ]] && grep -qF -- "$want" "$T_ROOT/out"; then
		t_ok "$method $path -> $status"
	else
		t_not_ok "$method $path" "got status $status, want $want_status with: $want" "body: $(head -c 300 "$T_ROOT/out")"
	fi
done

# Issue 13 item 13: every member of a body is type-checked; a wrong type,
# an unknown or repeated member is 400 and changes nothing.
CFG="name='a'\\\\nkernel='/k'\\\\n"
typed=(
	"POST|/domains/x1/save|{\"file\":\"/tmp/x.save\",\"checkpoint\":1}|'checkpoint' must be a boolean (true or false), not the number 1"
	"POST|/domains|{\"config\":\"$CFG\",\"paused\":\"true\"}|'paused' must be a boolean (true or false), not a string"
	"POST|/configs/check|{\"config\":1}|'config' must be a string, not the number 1"
	"POST|/configs/check|{\"config\":\"$CFG\",\"fiel\":\"a.cfg\"}|unknown member 'fiel' (this request takes: config, file)"
	"POST|/configs/check|{\"config\":\"$CFG\",\"config\":\"x\"}|member 'config' is given twice"
	"PUT|/domains/x1/memory|{\"mib\":\"64\"}|'mib' must be an integer, not a string"
	"PUT|/domains/x1/memory|{\"mib\":64.5}|'mib' must be an integer, not the number 64.5"
	"PUT|/domains/x1/sched-credit|{\"weight\":null}|'weight' must be an integer, not null"
	"POST|/domains/x1/rename|{}|'name' (the new name) is required"
	"POST|/domains/x1/shutdown|{\"now\":true}|unknown member 'now' (this request takes: none)"
	"POST|/restore|{\"file\":[\"/a\"]}|'file' must be a string, not an array"
	"POST|/domains/x1/pause|{}|pause /domains/x1/pause takes no body"
	"GET|/domains?long=yes||query 'long=yes': the value must be 1 or 0"
)
for c in "${typed[@]}"; do
	IFS='|' read -r method path body want <<<"$c"
	args=(-s -o "$T_ROOT/out" -w '%{http_code}' --unix-socket "$SOCK" -X "$method")
	[[ -n $body ]] && args+=(--data-binary "$(printf "$body")")
	status=$(curl "${args[@]}" "http://localhost$path")
	if [[ $status == 400 ]] && grep -qF -- "\"message\":\"$want\"" "$T_ROOT/out"; then
		t_ok "$method $path: $want"
	else
		t_not_ok "$method $path" "got status $status, want 400 with: $want" "body: $(head -c 300 "$T_ROOT/out")"
	fi
done
if [[ $(curl -s --unix-socket "$SOCK" http://localhost/domains | grep -c '"name"') == 1 ]]; then
	t_ok "no domain was created by the bad bodies"
else
	t_not_ok "no domain was created by the bad bodies"
fi

# Issue 13 item 12: a FIFO (or a directory) where a file is meant is
# refused at once, naming the setting; nothing waits for a writer.
mkfifo "$T_ROOT/fifo"
printf 'x' >"$T_ROOT/plain"
fifo_cases=(
	"/domains|{\"config\":\"name='f1'\\\\nkernel='$T_ROOT/fifo'\\\\n\"}|cannot build domain f1: kernel '$T_ROOT/fifo' is a FIFO, not a regular file"
	"/domains|{\"config\":\"name='f2'\\\\nkernel='$T_ROOT/plain'\\\\nramdisk='$T_ROOT/fifo'\\\\n\"}|cannot build domain f2: ramdisk '$T_ROOT/fifo' is a FIFO, not a regular file"
	"/domains|{\"config\":\"name='f3'\\\\nkernel='/tmp'\\\\n\"}|cannot build domain f3: kernel '/tmp' is a directory, not a regular file"
	"/restore|{\"file\":\"$T_ROOT/fifo\"}|save file '$T_ROOT/fifo' is a FIFO, not a regular file"
)
for c in "${fifo_cases[@]}"; do
	IFS='|' read -r path body want <<<"$c"
	status=$(curl -s -o "$T_ROOT/out" -w '%{http_code}' --max-time 10 --unix-socket "$SOCK" \
	    -X POST --data-binary "$(printf "$body")" "http://localhost$path")
	if [[ $status == 400 ]] && grep -qF -- "\"message\":\"$want\"" "$T_ROOT/out"; then
		t_ok "POST $path: $want"
	else
		t_not_ok "POST $path: refused at once" "got status $status, want 400 with: $want" "body: $(head -c 300 "$T_ROOT/out")"
	fi
done
if curl -sf --max-time 5 --unix-socket "$SOCK" http://localhost/version >/dev/null; then
	t_ok "xvmd still answers after the FIFOs"
else
	t_not_ok "xvmd still answers after the FIFOs"
fi

# Issue 13 item 17: the transport's own refusals are in the one JSON
# shape too, and the stream is not read two ways.
long=$(head -c 20000 /dev/zero | tr '\0' 'a')
# One python for every case (it takes seconds to start on a loaded host):
# each line is BYTES|STATUS|MESSAGE; one TAP line each.
python3 - "$SOCK" $((T_PASS + T_FAIL)) >"$T_ROOT/transport.out" <<PY
import json, socket, sys
cases = r"""
NOT HTTP AT ALL\r\n\r\n|400|malformed HTTP request line (expected 'METHOD TARGET HTTP/1.1')
FROB /version HTTP/1.1\r\n\r\n|501|HTTP method 'FROB' is not implemented
GET /version HTTP/2.0\r\n\r\n|505|HTTP version not supported (1.0 and 1.1 are)
GET /version HTTP/1.1\r\nX-Long: $long\r\n\r\n|431|the HTTP request head is over the limit of 16384 bytes
PUT /domains/x/memory HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n|413|request body of 2000000 bytes is over the limit of 1048576
POST /configs/check HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\n{}|400|conflicting Content-Length headers
POST /configs/check HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n|501|Transfer-Encoding 'chunked' is not supported: send the body with a Content-Length
""".strip().split("\n")
n = int(sys.argv[2])
for c in cases:
    data, want_status, want = c.split("|")
    n += 1
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(sys.argv[1])
    s.sendall(data.encode().decode("unicode_escape").encode("latin-1"))
    out = b""
    try:
        while b"\r\n\r\n" not in out:
            b = s.recv(65536)
            if not b:
                break
            out += b
        head, _, body = out.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        hdr = dict(l.split(": ", 1) for l in lines[1:])
        while len(body) < int(hdr["Content-Length"]):
            body += s.recv(65536)
        e = json.loads(body)["error"]
        ok = (status == int(want_status) and e["status"] == status and
              e["message"] == want and
              hdr["Content-Type"] == "application/json")
    except Exception as ex:
        ok, out = False, repr(ex).encode() + out
    print("%s %d - HTTP refusal %s: %s" % ("ok" if ok else "not ok", n,
          want_status, want))
    if not ok:
        print("#   got: %r" % out[:300])
PY
cat "$T_ROOT/transport.out"
T_PASS=$((T_PASS + $(grep -c '^ok' "$T_ROOT/transport.out")))
T_FAIL=$((T_FAIL + $(grep -c '^not ok' "$T_ROOT/transport.out")))
# Keep-alive: two requests on one connection, both answered, in order.
if python3 - "$SOCK" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
s.sendall(b"GET /version HTTP/1.1\r\n\r\nGET /nowhere HTTP/1.1\r\n\r\n")
out = b""
while out.count(b"HTTP/1.1 ") < 2 or not out.rstrip().endswith(b"}"):
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.exit(0 if out.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 404 " in out else 1)
PY
then t_ok "two pipelined requests on one connection: 200 then 404"; else t_not_ok "pipelined requests"; fi

# Every error reply has the one shape.
curl -s --unix-socket "$SOCK" http://localhost/nowhere >"$T_ROOT/err"
if python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert set(e)=={"status","code","message"}' "$T_ROOT/err"; then
	t_ok "error object shape"
else
	t_not_ok "error object shape" "$(cat "$T_ROOT/err")"
fi

# A body over the limit is refused, and the daemon goes on.
head -c 2000000 /dev/zero | tr '\0' 'a' >"$T_ROOT/big"
status=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -X POST --data-binary @"$T_ROOT/big" http://localhost/configs/check)
if [[ $status == 413 ]] && curl -sf --unix-socket "$SOCK" http://localhost/version >/dev/null; then
	t_ok "oversized body refused ($status), daemon alive"
else
	t_not_ok "oversized body" "status $status"
fi

# Garbage on the socket, then a half request left hanging: others are served.
printf 'NOT HTTP AT ALL\r\n\r\n' | timeout 5 python3 -c '
import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read()); s.recv(4096)' "$SOCK" >/dev/null 2>&1
exec 7< <(python3 -c '
import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\n"); time.sleep(5)' "$SOCK")
if curl -sf --max-time 5 --unix-socket "$SOCK" http://localhost/version >/dev/null; then
	t_ok "garbage and half requests do not block others"
else
	t_not_ok "garbage and half requests do not block others"
fi

# A second xvmd on the same root refuses to start and leaves the first alone.
if "$XVMD" -F --root "$T_ROOT" 2>"$T_ROOT/second.err"; then
	t_not_ok "second xvmd refused" "it started"
elif grep -q "Address already in use" "$T_ROOT/second.err" &&
    curl -sf --unix-socket "$SOCK" http://localhost/version >/dev/null; then
	t_ok "second xvmd refused with a clear error"
else
	t_not_ok "second xvmd refused" "$(cat "$T_ROOT/second.err")"
fi

# Socket permissions and the log.
if [[ $(stat -c %a "$SOCK") == 600 ]]; then t_ok "socket is 0600"; else t_not_ok "socket mode $(stat -c %a "$SOCK")"; fi
if grep -q '^\[.* [0-9]*\] INFO (xvmd) ' "$T_ROOT/var/log/xvm/xvmd.log"; then
	t_ok "xend.log-style log lines"
else
	t_not_ok "log format" "$(head -3 "$T_ROOT/var/log/xvm/xvmd.log")"
fi

# xvmd without the hypervisor: a clear error, exit 1.
if XVM_ROOT=$T_ROOT/nohv "$XVMD" -F --root "$T_ROOT/nohv" 2>"$T_ROOT/nohv.err"; then
	t_not_ok "xvmd without a hypervisor refused" "it started"
elif grep -q "cannot reach the hypervisor (is xvm-hypervisor running?)" "$T_ROOT/nohv.err"; then
	t_ok "xvmd without a hypervisor: clear error"
else
	t_not_ok "xvmd without a hypervisor" "$(cat "$T_ROOT/nohv.err")"
fi

# A bad settings file: clear file:line error, nonzero exit.
printf '(xend-relocation-port 99999)\n' >"$T_ROOT/bad.conf"
if XVM_ROOT=$T_ROOT/other "$XVMD" -F --root "$T_ROOT/other" -f "$T_ROOT/bad.conf" 2>"$T_ROOT/bad.err"; then
	t_not_ok "bad settings refused" "it started"
elif grep -q "bad.conf:1: xend-relocation-port: '99999' is not an integer from 1 to 65535" "$T_ROOT/bad.err"; then
	t_ok "bad settings file: file:line error"
else
	t_not_ok "bad settings file" "$(cat "$T_ROOT/bad.err")"
fi

# Clean stop removes the socket.
kill "$XVMD_PID"
wait "$XVMD_PID"
if [[ ! -e $SOCK ]]; then t_ok "SIGTERM: clean stop, socket removed"; else t_not_ok "socket left after stop"; fi

t_done
