#!/usr/bin/env bash
# End-to-end: a lab in a box. Two network namespaces joined by a veth pair
# stand for the module's side and the test server's side of a real lab:
#   module side 192.0.2.2: qftp-sim on a pty, Debian's ser2net serving that
#     pty over RFC 2217, and a client sending unrelated TCP traffic (noise)
#     to the server's address all through the run;
#   server side 192.0.2.1: the harness (its FTP servers, proxy and capture)
#     reaching the module through rfc2217://192.0.2.2:PORT, and an echo
#     listener for the noise.
# The module's FTP traffic crosses the veth as it crosses a lab's network.
# Checked: the representative cases pass (a skip only with its reason); no
# packet of the noise flow, nor of the harness's RFC 2217 connection, is in
# any case's wire.pcap, though both cross the captured interface; ser2net
# stopped in the middle of a case and started 5 s later makes the run wait
# for the device and go on, the case in flight alone in error; the module's
# identity in results.json is the simulator's; a dead port ends the run at
# once with a diagnosis (exit 2). Both namespaces (and with them the veth),
# every process and every temporary file are gone afterwards, on any exit
# path. Skipped (77) where network namespaces cannot be made (not root).
# usage: lab.sh HARNESS_BINARY SIM_BINARY PROJECT_DIR REPORT_DIR
set -uo pipefail
bin=$1 sim=$2 home=$3 out=$4
scale=0.05
mod_addr=192.0.2.2 srv_addr=192.0.2.1
rfc_port=3001 dead_port=3003 noise_port=7007 # none in the ephemeral range
net_cases="$(cd "$(dirname "$0")" && pwd)/net-cases"
cases='at.echo,open.login,get.com,get.active,put.*,list.list,dir.cwd-pwd'
cases+=',faults.delay,faults.data-reset,ftps.explicit,errs.421-cwd'
cases+=',close.after-reset,net.*'
# A pty has no modem lines: ser2net cannot raise or drop DTR on the
# simulator's, so a needs:dtr case would only time out on SET-CONTROL.
cases+=',!tag:needs:dtr'

fail() { echo "lab.sh: FAIL: $*" >&2; exit 1; }
skip() { echo "lab.sh: SKIP: $*"; exit 77; }
command -v ip >/dev/null || skip "ip (iproute2) not installed"
command -v ser2net >/dev/null || skip "ser2net not installed (ci/deps.sh)"
command -v tcpdump >/dev/null || fail "tcpdump not installed (ci/deps.sh)"
command -v jq >/dev/null || fail "jq not installed (ci/deps.sh)"

M="qftp-lab-mod-$$" S="qftp-lab-srv-$$"   # the namespaces
vm="qlm$$" vs="qls$$"                     # the veth ends (15 chars at most)
w=$(mktemp -d /tmp/qftp-lab.XXXXXX)
sim_pid='' s2n_pid='' echo_pid='' noise_pid='' spy_pid='' h=''
made=()
netns_before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)

stop() { # pid: TERM, bounded wait, KILL
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
cleanup() {
  stop "$h"; h=''
  stop "$noise_pid"; noise_pid=''
  stop "$spy_pid"; spy_pid=''
  stop "$s2n_pid"; s2n_pid=''
  stop "$echo_pid"; echo_pid=''
  stop "$sim_pid"; sim_pid=''
  local ns p
  for ns in "${made[@]}"; do
    # Whatever is still inside was started here (e.g. a server of a killed
    # run): a namespace with a process left in it would outlive its name.
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  made=()
  rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the lab: two namespaces, a veth between them --------------------------
ip netns add "$M" 2>"$w/netns.err" ||
  skip "cannot create a network namespace: $(cat "$w/netns.err")"
made+=("$M")
ip netns add "$S" 2>"$w/netns.err" ||
  skip "cannot create a network namespace: $(cat "$w/netns.err")"
made+=("$S")
ip link add "$vm" netns "$M" type veth peer name "$vs" netns "$S" 2>"$w/netns.err" ||
  skip "cannot create a veth pair: $(cat "$w/netns.err")"
if ! { ip -n "$M" addr add "$mod_addr/24" dev "$vm" &&
       ip -n "$S" addr add "$srv_addr/24" dev "$vs" &&
       ip -n "$M" link set lo up && ip -n "$S" link set lo up &&
       ip -n "$M" link set "$vm" up && ip -n "$S" link set "$vs" up; }; then
  fail "cannot set up the veth pair"
fi
# Arrays, not functions: "${inM[@]}" CMD & makes $! the pid of ip, which
# becomes CMD (a backgrounded function would be a subshell around it).
inM=(ip netns exec "$M") inS=(ip netns exec "$S")
listening() { # ns addr port: something listens there
  [ -n "$(ip netns exec "$1" ss -Hltn "src $2 and sport = :$3" 2>/dev/null)" ]
}
wait_listen() { # ns addr port what log
  for _ in $(seq 1 100); do listening "$1" "$2" "$3" && return 0; sleep 0.05; done
  fail "$4 does not listen on $2:$3: $(cat "$5")"
}
echo "== lab: $M ($mod_addr, $vm) <-> $S ($srv_addr, $vs)"

# ---- module side: the simulator, ser2net in front of its pty -------------
mkdir -p "$w/root"
revision="lab-$$" # a firmware build of the lab's own: the identity check
start_sim() {
  "${inM[@]}" "$sim" --link "$w/tty" --root "$w/root" --time-scale "$scale" --profile note \
    --profile-dir "$home/fixtures/profiles" --revision "$revision" >>"$w/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 100); do [ -e "$w/tty" ] && return 0; sleep 0.05; done
  fail "qftp-sim made no pty: $(cat "$w/sim.log")"
}
start_sim

cat >"$w/ser2net.yaml" <<YAML
connection: &module
  accepter: telnet(rfc2217),tcp,$mod_addr,$rfc_port
  connector: serialdev,$w/tty,115200n81,local
YAML
start_ser2net() {
  "${inM[@]}" ser2net -n -d -u -c "$w/ser2net.yaml" >>"$w/ser2net.log" 2>&1 &
  s2n_pid=$!
  wait_listen "$M" "$mod_addr" "$rfc_port" ser2net "$w/ser2net.log"
}
stop_ser2net() { stop "$s2n_pid"; s2n_pid=''; }
start_ser2net

# ---- noise: unrelated TCP from the module's side to the server's address --
# The listener is ser2net's echo connector (no other tool needed); the
# client a bounded bash loop over /dev/tcp, each exchange counted.
cat >"$w/echo.yaml" <<YAML
connection: &noise
  accepter: tcp,$srv_addr,$noise_port
  connector: echo
YAML
"${inS[@]}" ser2net -n -d -u -c "$w/echo.yaml" >"$w/echo.log" 2>&1 &
echo_pid=$!
wait_listen "$S" "$srv_addr" "$noise_port" "the noise listener" "$w/echo.log"
: >"$w/noise.count"
"${inM[@]}" bash -c '
  for i in $(seq 1 3000); do
    if exec 3<>"/dev/tcp/$0/$1"; then
      printf "noise %d\n" "$i" >&3
      IFS= read -r -t 2 line <&3 && [ "$line" = "noise $i" ] && echo . >>"$2"
      exec 3<&- 3>&-
    fi
    sleep 0.1
  done' "$srv_addr" "$noise_port" "$w/noise.count" 2>/dev/null &
noise_pid=$!
noise() { wc -l <"$w/noise.count"; }
# A capture of the noise alone on the server's end of the veth: the noise
# must be on the interface the harness captures on.
"${inS[@]}" tcpdump -n -i "$vs" -U -w "$w/noise.pcap" "tcp port $noise_port" \
  >"$w/spy.log" 2>&1 &
spy_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$w/spy.log" && break; sleep 0.05; done
for _ in $(seq 1 100); do [ "$(noise)" -gt 0 ] && break; sleep 0.05; done
[ "$(noise)" -gt 0 ] || fail "no noise exchange across the veth"

# ---- the run, in the server's namespace -----------------------------------
rm -rf "$out"
harness=("${inS[@]}" "$bin" run --server-addr "$srv_addr" --module-addr "$mod_addr"
         --time-scale "$scale")
wait_case() { # report-dir case-id: bounded wait until the case started
  for _ in $(seq 1 1200); do [ -d "$1/cases/$2" ] && return 0; sleep 0.1; done
  fail "case $2 never started: $(cat "$w/run.out")"
}
dev="rfc2217://$mod_addr:$rfc_port"
echo "== the cases over $dev; ser2net stopped during net.a-device-lost, back 5 s later"
noise_start=$(noise)
"${harness[@]}" --device "$dev" --report-dir "$out" "$home/cases" "$net_cases" \
  --filter "$cases" >"$w/run.out" 2>&1 &
h=$!
wait_case "$out" net.a-device-lost
sleep 1 # net.a-device-lost sleeps 3 s after its login
stop_ser2net
sleep 5
start_ser2net
for _ in $(seq 1 1800); do kill -0 "$h" 2>/dev/null || break; sleep 0.1; done
kill -0 "$h" 2>/dev/null && fail "the run is still going after 180 s: $(cat "$w/run.out")"
wait "$h"; rc=$?; h=''
noise_during=$(( $(noise) - noise_start ))
cat "$w/run.out"
res="$out/results.json"
[ -s "$res" ] || fail "no results.json"
field() { jq -r --arg id "$1" ".cases[] | select(.id == \$id) | .$2" "$res"; }
count() { jq -r ".summary.$1" "$res"; }

# One case in error (the one in flight), so exit 2; nothing else wrong.
[ "$rc" -eq 2 ] || fail "exit status $rc, expected 2 (the case in flight in error)"
[ "$(count fail)" = 0 ] || fail "$(count fail) case(s) failed"
[ "$(jq -r .interrupted "$res")" = false ] || fail "the run did not go on"
grep -q "waiting for the device ($dev) up to 60 s" "$w/run.out" ||
  fail "no 'waiting for the device'"
[ "$(field net.a-device-lost verdict)" = error ] ||
  fail "net.a-device-lost (in flight): $(field net.a-device-lost verdict)"
field net.a-device-lost reason | grep -q "$dev: connection closed by peer" ||
  fail "net.a-device-lost: reason: $(field net.a-device-lost reason)"
bad=$(jq -r '.cases[] | select(.id != "net.a-device-lost") |
  select(.verdict != "pass" and (.verdict != "skip" or (.reason // "") == "")) |
  "\(.id): \(.verdict): \(.reason // "")"' "$res")
[ -z "$bad" ] || fail "not passed (a skip needs a reason):"$'\n'"$bad"
planned=$("$bin" list "$home/cases" "$net_cases" --filter "$cases" | wc -l)
[ "$(count total)" = "$planned" ] || fail "$(count total) cases ran, $planned planned"
echo "-- skipped:"; jq -r '.cases[] | select(.verdict == "skip") | "   \(.id): \(.reason)"' "$res"

# The per-case captures: the module's flows, none of the noise.
[ "$noise_during" -gt 10 ] || fail "only $noise_during noise exchanges during the run"
stop "$spy_pid"; spy_pid=''
on_if=$(tcpdump -nr "$w/noise.pcap" 2>/dev/null | wc -l)
[ "$on_if" -gt 0 ] || fail "the noise never showed on $vs"
pcaps=0 mod_pkts=0
while IFS= read -r p; do
  pcaps=$((pcaps + 1))
  n=$(tcpdump -nr "$p" "tcp port $noise_port" 2>/dev/null | wc -l)
  [ "$n" -eq 0 ] || fail "$n noise packet(s) in ${p#"$out/"}"
  # The harness's own RFC 2217 connection runs between the same two
  # addresses, from an ephemeral port of the server's side.
  n=$(tcpdump -nr "$p" "tcp port $rfc_port" 2>/dev/null | wc -l)
  [ "$n" -eq 0 ] || fail "$n packet(s) of the RFC 2217 connection in ${p#"$out/"}"
  mod_pkts=$((mod_pkts + $(tcpdump -nr "$p" "host $mod_addr" 2>/dev/null | wc -l)))
done < <(find "$out/cases" -name wire.pcap)
[ "$pcaps" -gt 0 ] || fail "no wire.pcap"
[ "$mod_pkts" -gt 0 ] || fail "no packet of the module in any wire.pcap"
echo "-- noise: $noise_during exchanges during the run, $on_if packets on $vs;" \
  "0 in $pcaps wire.pcap files ($mod_pkts packets of the module), nor of RFC 2217"

# The module's identity in results.json: read across the veth and through
# ser2net, it must be the simulator's, its IMEI masked.
[ "$(jq -r '.module | type' "$res")" = object ] || fail "results.json: no module object"
[ -n "$(jq -r '.module.model // empty' "$res")" ] || fail "results.json: module has no model"
got=$(jq -r '.module.revision // empty' "$res")
[ "$got" = "$revision" ] ||
  fail "results.json: module revision '$got', the simulator's is '$revision'"
jq -c .module "$res" | grep -qE '[0-9]{15}' && fail "results.json: an IMEI in clear in module"
echo "-- module: $(jq -c .module "$res")"

# ---- a dead port: nothing listens there ---------------------------------
echo "== a dead port: rfc2217://$mod_addr:$dead_port"
listening "$M" "$mod_addr" "$dead_port" && fail "something listens on $dead_port"
start=$(date +%s)
"${harness[@]}" --device "rfc2217://$mod_addr:$dead_port" --report-dir "$w/r-dead" \
  --filter at.echo 2>"$w/dead.err"; rc=$?
took=$(( $(date +%s) - start ))
cat "$w/dead.err"
[ "$rc" -eq 2 ] || fail "dead port: exit status $rc, expected 2"
[ "$took" -lt 15 ] || fail "dead port: took $took s"
grep -q "rfc2217://$mod_addr:$dead_port: cannot connect: Connection refused" "$w/dead.err" ||
  fail "dead port: no diagnosis"

# ---- nothing left behind ---------------------------------------------------
cleanup
trap - EXIT
left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -Fx -e "$M" -e "$S")
[ -z "$left" ] || fail "namespaces left: $left"
[ "$(ip netns list 2>/dev/null | awk '{print $1}' | sort)" = "$netns_before" ] ||
  echo "lab.sh: note: the namespace list changed during the test (not ours)"
[ ! -e "$w" ] || fail "$w left"
echo "lab.sh: OK"
