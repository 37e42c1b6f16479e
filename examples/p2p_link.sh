#!/usr/bin/env bash
# p2p_link.sh: a real network link across a P2P group. Two network namespaces, p2pd with a TAP
# device per data interface in them, a WPA2 group formed with wpa_cli (push button), the
# addresses the GO hands out in the 4-way handshake set on the TAPs, then ping and iperf3 across
# the group, and the group's removal taking its interface away; then a station joining an open
# mode=2 AP, TAPs on both; at the end no TAP outlives p2pd. Cleans up on every exit.
#
#   p2p_link.sh <p2pd> [--seconds N] [--no-airtime] [--json FILE] [--pcap FILE] [--profile FILE]
#
# --json also measures iperf3 across the open AP (no CCMP); --profile records p2pd with perf
# during the first iperf3 run.
#
# Exit status: 0 on success, 77 when the machine cannot run it (not root, no /dev/net/tun, no
# namespaces, a tool missing: the reason is printed), 1 when something failed.
set -euo pipefail

p2pd=${1:?usage: p2p_link.sh <p2pd> [--seconds N] [--no-airtime] [--json FILE] [--pcap FILE]}
shift
seconds=10 airtime=() json="" pcap=() profile=""
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --no-airtime) airtime=(--no-airtime); shift ;;
        --json) json=$2; shift 2 ;;
        --pcap) pcap=(-w "$2"); shift 2 ;;
        --profile) profile=$2; shift 2 ;;
        *) echo "p2p_link: unknown option $1" >&2; exit 2 ;;
    esac
done

skip() { echo "p2p_link: skipped: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "TAP devices and network namespaces need root"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
for tool in ip wpa_cli ping iperf3 python3; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done

ns=smlink$$-
dir=$(mktemp -d /tmp/p2p_link.XXXXXX)
pid="" perf_pid=""
cleanup() {
    [ -z "$perf_pid" ] || kill "$perf_pid" 2>/dev/null || true
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    for i in 0 1; do
        ip netns pids "$ns$i" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$ns$i" 2>/dev/null || true
    done
    rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "p2p_link: FAILED: $*" >&2; sed 's/^/  p2pd| /' "$dir/p2pd.log" >&2 || true; exit 1; }

ip netns add "${ns}0" 2>"$dir/netns.err" && ip netns add "${ns}1" 2>>"$dir/netns.err" ||
    skip "cannot create network namespaces ($(head -1 "$dir/netns.err"))"
ip -n "${ns}0" link set lo up
ip -n "${ns}1" link set lo up

"$p2pd" --tap --netns "$ns" --ip-config -p "$dir/ctrl" -n 2 -N go,client "${airtime[@]}" \
    "${pcap[@]}" >"$dir/p2pd.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q '^p2pd: ready' "$dir/p2pd.log" && break; sleep 0.1; done
grep -q '^p2pd: ready' "$dir/p2pd.log" || fail "p2pd did not start"

w() { wpa_cli -p "$dir/ctrl" -i "$@"; }
until_true() { # tries seconds command...
    local n=$(($1 * 10)); shift
    for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

# The GO hands out addresses from its pool (wpa_supplicant's ip_addr_* settings).
w wlan0 set ip_addr_go 192.168.49.1 >/dev/null
w wlan0 set ip_addr_mask 255.255.255.0 >/dev/null
w wlan0 set ip_addr_start 192.168.49.100 >/dev/null
w wlan0 set ip_addr_end 192.168.49.199 >/dev/null

go_addr=$(w wlan0 status | sed -n 's/^p2p_device_address=//p')
client_addr=$(w wlan1 status | sed -n 's/^p2p_device_address=//p')
[ -n "$go_addr" ] && [ -n "$client_addr" ] || fail "STATUS names no P2P Device Address"
w wlan0 p2p_find >/dev/null
w wlan1 p2p_find >/dev/null
until_true 10 sh -c "wpa_cli -p '$dir/ctrl' -i wlan1 p2p_peers discovered | grep -q '$go_addr' &&
                    wpa_cli -p '$dir/ctrl' -i wlan0 p2p_peers discovered | grep -q '$client_addr'" ||
    fail "the devices did not find each other"
r=$(w wlan1 p2p_connect "$go_addr" pbc go_intent=0) || true
[ "$r" = OK ] || fail "P2P_CONNECT on the client: $r"
[ "$(w wlan0 p2p_connect "$client_addr" pbc go_intent=15)" = OK ] || fail "P2P_CONNECT on the GO"
up() { ip -n "$1" -br link show "$2" | grep -q LOWER_UP; }
until_true 20 up "${ns}0" p2p-wlan0-0 || fail "no group interface on the GO"
until_true 20 up "${ns}1" p2p-wlan1-0 || fail "no group interface on the client"
addr_of() { ip -n "$1" -4 -o addr show dev "$2" | awk '{print $4}' | head -1; }
# The carrier comes at CTRL-EVENT-CONNECTED, the addresses at P2P-GROUP-STARTED, just after.
has_addr() { [ -n "$(addr_of "$1" "$2")" ]; }
until_true 5 has_addr "${ns}1" p2p-wlan1-0 || fail "the client got no IP address"
until_true 5 has_addr "${ns}0" p2p-wlan0-0 || fail "the GO has no IP address"
go_ip=$(addr_of "${ns}0" p2p-wlan0-0)
client_ip=$(addr_of "${ns}1" p2p-wlan1-0)
echo "p2p_link: group up: GO p2p-wlan0-0 $go_ip in ${ns}0, client p2p-wlan1-0 $client_ip in ${ns}1"

ping_out=$(ip netns exec "${ns}1" ping -c 10 -i 0.2 -W 2 "${go_ip%/*}") || fail "ping: $ping_out"
echo "$ping_out" | tail -2 | sed 's/^/p2p_link: ping: /'
[[ $ping_out == *" 0% packet loss"* ]] || fail "ping lost packets"

ip netns exec "${ns}0" iperf3 -s -D -p 5201 -I "$dir/iperf.pid" >/dev/null
until_true 5 test -s "$dir/iperf.pid" || fail "iperf3 server did not start"
sleep 0.2
if [ -n "$profile" ]; then
    perf record -q -g -F 499 -p "$pid" -o "$profile" -- sleep "$seconds" >/dev/null 2>&1 &
    perf_pid=$!
fi
ip netns exec "${ns}1" iperf3 -c "${go_ip%/*}" -p 5201 -t "$seconds" -J >"$dir/up.json" ||
    fail "iperf3 client to GO: $(head -c 300 "$dir/up.json")"
[ -z "$perf_pid" ] || wait "$perf_pid" || true
perf_pid=""
ip netns exec "${ns}1" iperf3 -c "${go_ip%/*}" -p 5201 -t "$seconds" -R -J >"$dir/down.json" ||
    fail "iperf3 GO to client: $(head -c 300 "$dir/down.json")"
cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
python3 - "$dir/up.json" "$dir/down.json" "$cpu" "$(getconf CLK_TCK)" "$dir/group.json" "${airtime[*]}" <<'EOF'
import json, sys
up, down = (json.load(open(p)) for p in sys.argv[1:3])
cpu_s = int(sys.argv[3]) / int(sys.argv[4])
rows = {}
for name, r in (("client->GO", up), ("GO->client", down)):
    s = r["end"]["sum_received"]
    rows[name] = {"mbit_s": s["bits_per_second"] / 1e6, "seconds": s["seconds"],
                  "retransmits": r["end"]["sum_sent"].get("retransmits", 0)}
    print(f"p2p_link: iperf3 TCP {name}: {rows[name]['mbit_s']:.1f} Mbit/s over "
          f"{s['seconds']:.1f} s, {rows[name]['retransmits']} retransmits")
total_bits = sum(v["mbit_s"] * v["seconds"] for v in rows.values())
print(f"p2p_link: p2pd CPU {cpu_s:.2f} s in all, {cpu_s / total_bits * 1000:.2f} ms per Mbit moved")
json.dump({"airtime": sys.argv[6] == "", "iperf3": rows, "p2pd_cpu_s": cpu_s,
           "cpu_ms_per_mbit": cpu_s / total_bits * 1000}, open(sys.argv[5], "w"), indent=1)
EOF

# Power save: the GO away 51 ms of every 102.4 ms beacon interval (10 ms after each beacon); the
# client holds its frames in the absences, so nothing is lost, only delayed.
[ "$(w p2p-wlan0-0 p2p_set noa 255,10,51)" = OK ] || fail "P2P_SET noa on the GO"
sleep 0.5  # the next beacons announce it
ping_out=$(ip netns exec "${ns}1" ping -c 20 -i 0.05 -W 2 "${go_ip%/*}") || fail "ping under NoA: $ping_out"
[[ $ping_out == *" 0% packet loss"* ]] || fail "ping lost packets in the GO's absences"
echo "p2p_link: GO away half of each beacon interval (Notice of Absence): $(echo "$ping_out" |
    grep -o '[0-9]* received, [0-9.]*% packet loss'), $(echo "$ping_out" | tail -1)"
[ "$(w p2p-wlan0-0 p2p_set noa 0,0,0)" = OK ] || fail "P2P_SET noa 0,0,0 on the GO"

# The group removed: its interface goes, and the GO no longer reaches the client.
w p2p-wlan1-0 p2p_group_remove p2p-wlan1-0 >/dev/null 2>&1 || w wlan1 p2p_group_remove p2p-wlan1-0 >/dev/null
until_true 5 sh -c "! ip -n '${ns}1' link show p2p-wlan1-0" || fail "the client's TAP outlived its group"
if ip netns exec "${ns}0" ping -c 2 -W 1 "${client_ip%/*}" >/dev/null 2>&1; then
    fail "ping still answered after the group was removed"
fi
echo "p2p_link: group removed: p2p-wlan1-0 is gone and ${client_ip%/*} no longer answers"

# A station joins an open mode=2 AP: wlan<i> carries the link, its TAP's carrier follows it.
w wlan0 p2p_group_remove '*' >/dev/null 2>&1 || true
ap=$(w wlan1 add_network)
w wlan1 set_network "$ap" ssid '"softmac-link"' >/dev/null
w wlan1 set_network "$ap" key_mgmt NONE >/dev/null
w wlan1 set_network "$ap" mode 2 >/dev/null
w wlan1 set_network "$ap" frequency 2437 >/dev/null
w wlan1 select_network "$ap" >/dev/null
until_true 10 up "${ns}1" wlan1 || fail "the AP's wlan1 has no carrier"
sta=$(w wlan0 add_network)
w wlan0 set_network "$sta" ssid '"softmac-link"' >/dev/null
w wlan0 set_network "$sta" key_mgmt NONE >/dev/null
ip -n "${ns}0" link show wlan0 | grep -q NO-CARRIER || fail "wlan0 has a carrier before it associated"
w wlan0 select_network "$sta" >/dev/null
until_true 20 up "${ns}0" wlan0 || fail "the station's wlan0 has no carrier"
ip -n "${ns}1" addr add 10.99.0.1/24 dev wlan1
ip -n "${ns}0" addr add 10.99.0.2/24 dev wlan0
ping_out=$(ip netns exec "${ns}0" ping -c 5 -i 0.2 -W 2 10.99.0.1) || fail "ping to the AP: $ping_out"
[[ $ping_out == *" 0% packet loss"* ]] || fail "ping to the AP lost packets"
echo "p2p_link: station wlan0 10.99.0.2 joined the open AP wlan1 10.99.0.1: $(echo "$ping_out" | grep -o '[0-9]* received, [0-9.]*% packet loss')"
if [ -n "$json" ]; then
    ip netns exec "${ns}1" iperf3 -s -D -p 5201 -I "$dir/iperf-ap.pid" >/dev/null
    until_true 5 test -s "$dir/iperf-ap.pid" || fail "iperf3 server did not start on the AP"
    sleep 0.2
    ip netns exec "${ns}0" iperf3 -c 10.99.0.1 -p 5201 -t "$seconds" -J >"$dir/open.json" ||
        fail "iperf3 across the open AP: $(head -c 300 "$dir/open.json")"
    cpu2=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    python3 - "$dir/group.json" "$dir/open.json" "$cpu" "$cpu2" "$(getconf CLK_TCK)" "$json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
o = json.load(open(sys.argv[2]))["end"]["sum_received"]
cpu_s = (int(sys.argv[4]) - int(sys.argv[3])) / int(sys.argv[5])
mbit = o["bits_per_second"] / 1e6
r["open_ap"] = {"mbit_s": mbit, "seconds": o["seconds"],
                "cpu_ms_per_mbit": cpu_s / (mbit * o["seconds"]) * 1000}
print(f"p2p_link: iperf3 TCP station->open AP (no CCMP): {mbit:.1f} Mbit/s, "
      f"{r['open_ap']['cpu_ms_per_mbit']:.2f} ms CPU per Mbit")
json.dump(r, open(sys.argv[6], "w"), indent=1)
EOF
fi

# p2pd's exit takes every TAP with it.
kill "$pid" 2>/dev/null || fail "p2pd was gone before its end"
wait "$pid" 2>/dev/null || true
pid=""
for i in 0 1; do
    left=$(ip -n "$ns$i" -br link | awk '$1 != "lo" {print $1}')
    [ -z "$left" ] || fail "TAPs left in $ns$i after p2pd exited: $left"
done
echo "p2p_link: p2pd stopped: no TAP is left in ${ns}0 or ${ns}1"
