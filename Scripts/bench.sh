#!/usr/bin/env bash
# Runs the load benchmark (BENCHMARKS.md): each atelier scenario, and right after it the bare C
# libwebsockets baseline on the same scenario when its sources are present, and its peers (Python
# `websockets`, Hummingbird: compare.sh in PEERS_DIR, by default `peers` beside BASELINE_DIR) on
# the room scenarios when that folder is there, so every row sees the same machine at the same moment.
# Usage: [PEERS_DIR=DIR] Scripts/bench.sh ATELIER_BIN [BASELINE_DIR] [SCENARIOS...]
set -euo pipefail
bin=$1; baseline_dir=${2:-}; shift $(( $# >= 2 ? 2 : 1 ))
scenarios=${*:-1 2 3 4 5 6 7 8}
out=.build/bench
mkdir -p "$out"

have_baseline=
if [ -n "$baseline_dir" ] && [ -f "$baseline_dir/lwsroom.c" ] && [ -f "$baseline_dir/rcvlat.c" ]; then
  cc -O2 "$baseline_dir/lwsroom.c" -lwebsockets -lsqlite3 -o "$out/lwsroom"
  cc -O2 "$baseline_dir/rcvlat.c" -o "$out/rcvlat"
  have_baseline=1
else
  echo "baseline sources not found (BASELINE_DIR=$baseline_dir): atelier only"
fi

peers_dir=${PEERS_DIR:-${baseline_dir:+$(dirname "$baseline_dir")/peers}}
have_peers=
if [ -n "$peers_dir" ] && [ -x "$peers_dir/compare.sh" ]; then
  have_peers=1
else
  echo "peers not found (PEERS_DIR=$peers_dir): no Python nor Hummingbird rows"
fi

port=9197
# CPU ticks (user + system) a process has used.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# start_room MEMBERS PERIOD_MS: the C broadcaster on a fresh database, its pid in $room; stop_room.
start_room() {
  rm -f "$out/baseline.db"*
  "$out/lwsroom" $port "$1" "$2" NORMAL "$out/baseline.db" & room=$!
  sleep 0.5
}
stop_room() { kill $room; wait $room 2>/dev/null || true; }

# baseline MEMBERS PERIOD_MS SECONDS: the C broadcaster and receiver, one result line, then the
# broadcaster's CPU and memory and the receiver's CPU over the receiver's run.
baseline() {
  local members=$1 period=$2 seconds=$3
  start_room "$members" "$period"
  local before; before=$(ticks $room)
  local line; line=$( { TIMEFORMAT='%U %S'; time "$out/rcvlat" $port "$members" "$seconds"; } 2> "$out/receiver.time")
  local after; after=$(ticks $room)
  echo "$line" | awk -v m="$members" -v r="$((1000 / period))" -v s="$seconds" '{
    split($2, d, "="); printf "baseline %s members @ %s/s: delivered %.0f/s, %s\n", m, r, d[2] / (s - 2), $0 }'
  awk -v b="$before" -v a="$after" -v s="$seconds" -v rss="$(awk '/VmRSS/ {print $2}' /proc/$room/status)" \
    '{ printf "baseline server cpu %.0f%%, rss %s KiB; receiver cpu %.0f%% (whole run, connecting included)\n",
       (a - b) / s, rss, ($1 + $2) * 100 / s }' "$out/receiver.time"
  stop_room
}

# baseline_by_bench MEMBERS PERIOD_MS SECONDS [--yield]: the C broadcaster again, read this time by atelier's
# own receiver (`atelier bench --baseline-room`), which also stamps each frame's arrival: the
# same instrument on both servers.
baseline_by_bench() {
  local members=$1 period=$2 seconds=$3 yield=${4:-}
  start_room "$members" "$period"
  local before; before=$(ticks $room)
  "$bin" bench --baseline-room $port --participants "$members" --warmup 2 --seconds $((seconds - 2)) $yield | sed 's/^/baseline by the bench: /'
  local after; after=$(ticks $room)
  echo "baseline by the bench: server cpu $(( (after - before) / seconds ))% (whole run, connecting included)"
  stop_room
}

# baseline_idle CONNECTIONS: resident memory of the C server per idle connection.
baseline_idle() {
  local count=$1
  start_room 1000000 1000
  local before; before=$(awk '/VmRSS/ {print $2}' /proc/$room/status)
  "$out/rcvlat" $port "$count" 8 > /dev/null & local receiver=$!
  sleep 6
  local after; after=$(awk '/VmRSS/ {print $2}' /proc/$room/status)
  wait $receiver || true
  stop_room
  echo "baseline idle: $count connections, server rss $before -> $after KiB, $(( (after - before) * 1024 / count )) bytes per connection"
}

# summarize REPORT.json [LABEL]: the lines of one atelier run.
summarize() {
  python3 - "$1" "${2:-atelier}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
label = sys.argv[2]
print(f"{label}: {r['name']}: {r['participants']} participants, {r['noteRate']:g} notes/s, {r['dotRate']:g} dots/s")
if r.get("joinStorm"):
    s = r["joinStorm"]
    print(f"{label} join storm: {s['welcomed']} welcomed, {s['synced']} caught up, {s['lost']} lost; the last caught up "
          f"after {s['seconds']:.2f} s; server peak rss {r['serverPeakRSSKiB'] // 1024} MiB")
elif r["idle"]:
    print(f"{label} idle: {r['idle'][-1]['connections']} connections, {r['bytesPerIdleConnection']:.0f} bytes per connection")
elif not r["steps"]:
    l = r["latency"]
    print(f"{label}: accepted {r['acceptedPerSecond']:.1f}/s, delivered {r['deliveredPerSecond']:.0f}/s, "
          f"p50 {l['p50']:.2f} ms, p99 {l['p99']:.2f} ms, max {l['max']:.1f} ms, server cpu {r['serverCPUPercent']:.0f}%, "
          f"bench cpu {r['benchCPUPercent']:.0f}%")
    a = r["arrival"]
    print(f"{label} at arrival (post to the kernel's stamp on the member's socket): p50 {a['p50']:.2f} ms, p99 {a['p99']:.2f} ms, max {a['max']:.1f} ms")
    f = r["fanOut"]
    print(f"{label} fan-out (from each note's first delivery): p50 {f['p50']:.2f} ms, p99 {f['p99']:.2f} ms, max {f['max']:.1f} ms")
    i = r["intake"]
    print(f"{label} intake (post to each note's first delivery): p50 {i['p50']:.2f} ms, p99 {i['p99']:.2f} ms, max {i['max']:.1f} ms")
    a = r["ack"]
    print(f"{label} ack (post to the writer's ack): p50 {a['p50']:.2f} ms, p99 {a['p99']:.2f} ms, max {a['max']:.1f} ms")
if r.get("flood"):
    f = r["flood"]
    q, b = f["quietAck"], f["floodedAck"]
    print(f"{label} writers' ack without the flooder: p50 {q['p50']:.2f} ms, p99 {q['p99']:.2f} ms, max {q['max']:.1f} ms; "
          f"beside it: p50 {b['p50']:.2f} ms, p99 {b['p99']:.2f} ms, max {b['max']:.1f} ms; p99 ratio {f['p99Ratio']:.2f}")
    q = f["quietLatency"]
    print(f"{label} post to delivery without the flooder: p50 {q['p50']:.2f} ms, p99 {q['p99']:.2f} ms, max {q['max']:.1f} ms; "
          f"p99 ratio beside it {f['latencyP99Ratio']:.2f}")
    print(f"{label} flooder: {f['flooderReconnectsPerSecond']:.0f} reconnects/s, {f['flooderNotesPerSecond']:.0f} notes/s sent, "
          f"{f['flooderAcceptedPerSecond']:.1f}/s accepted; server cpu {f['quietServerCPUPercent']:.0f}% without it, "
          f"{r['serverCPUPercent']:.0f}% beside it")
for s in r["steps"]:
    l = s["latency"]
    print(f"{label} step {s['noteRate']:g} notes/s: delivered {s['deliveredPerSecond']:.0f}/s, p50 {l['p50']:.2f} ms, "
          f"p99 {l['p99']:.2f} ms (fan-out p99 {s['fanOut']['p99']:.2f} ms), server cpu {s['serverCPUPercent']:.0f}%, "
          f"bench cpu {s['benchCPUPercent']:.0f}%")
if r.get("saturationDeliveredPerSecond"):
    print(f"{label} saturation: {r['saturationDeliveredPerSecond']:.0f} delivered/s with p99 under 100 ms")
if r.get("expectedNoteDeliveries"):
    print(f"{label}: notes delivered {r['noteDeliveries']} of {r['expectedNoteDeliveries']} expected; joining took {r['joinSeconds']:.1f} s")
for p in r.get("processes", []):
    print(f"{label} {p['name']}: cpu {p['cpuPercent']:.0f}%, rss {p['rssKiB'] // 1024} MiB"
          + (f", {p['connections']} connections" if p.get("connections") is not None else ""))
print(f"{label}: server rss {r['serverRSSKiB']} KiB (peak {r['serverPeakRSSKiB']}), refused {r['refused']}, "
      f"lost {r['connectionsLost']}, queue drops {r['queueDrops']}, acked {r['ackedActions']}, missing {r['missingFromStore']}")
PY
}

for scenario in $scenarios; do
  echo "== scenario $scenario"
  "$bin" bench --scenario "$scenario" --json > "$out/atelier-$scenario.json"
  summarize "$out/atelier-$scenario.json"
  if [ "$scenario" = 8 ]; then
    # Again with the load generator yielding the processor to the servers (BENCHMARKS.md, "A relayed plenary").
    "$bin" bench --scenario 8 --yield --json > "$out/atelier-8-yield.json"
    summarize "$out/atelier-8-yield.json" "atelier, load generator yielding"
  fi
  if [ -n "$have_peers" ]; then
    # The peers serve the C baseline's room (no rooms, no joins, no rate limit): scenarios 3 and 4.
    # compare.sh builds what it lacks (Hummingbird takes minutes the first time) and prints a row each.
    case $scenario in
      3) SERVERS="hbroom pyroom" BASELINE_DIR=$baseline_dir "$peers_dir/compare.sh" latency 2000 20 22 | sed 's/^/peers: /' ;;
      4) SERVERS="hbroom pyroom" BASELINE_DIR=$baseline_dir "$peers_dir/compare.sh" idle 10000 | sed 's/^/peers: /' ;;
    esac
  fi
  [ -n "$have_baseline" ] || continue
  case $scenario in
    1) baseline 1000 50 22 ;;
    2) echo "baseline: no rooms in the C broadcaster; compare scenario 1" ;;
    3) baseline 2000 20 22 ;;
    4) baseline_idle 10000 ;;
    5) for period in 80 40 27 20 13 10; do baseline 2000 $period 8; done ;;
    6) echo "baseline: no rate limit in the C broadcaster; scenario 6 compares atelier with itself" ;;
    7) echo "baseline: no joins in the C broadcaster; scenario 7 compares atelier builds" ;;
    8) baseline 10000 100 22; baseline_by_bench 10000 100 22; baseline_by_bench 10000 100 22 --yield ;;
  esac
done
