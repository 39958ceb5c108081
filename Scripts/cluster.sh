#!/usr/bin/env bash
# The whole set on one machine (docs/SCALING.md): redis-server, the owner, RELAYS relays and HAProxy
# in front with deploy/haproxy.cfg, each with its log and pid in RUN_DIR; Ctrl-C stops them all.
#
#   Scripts/cluster.sh [ATELIER_BINARY]          (make cluster)
#
# Settings, from the environment:
#   RELAYS=2            relays to start (0: the owner serves the websockets itself)
#   PUBLIC_PORT=8080    HAProxy's port, on every interface (PUBLIC_HOST=ADDR to bind one)
#   PUBLIC_URL          the address participants reach (default http://<LAN address>:PUBLIC_PORT)
#   OWNER_PORT=8090     the owner's port; relays take RELAY_PORT, RELAY_PORT+1... (default 8081)
#   REDIS_PORT=6390     redis-server's port, on loopback
#   WORKSHOP, DB        what the owner serves (default the BeFUS workshop, RUN_DIR/atelier.db)
#   RUN_DIR             logs, pids, Redis's file and the relay list (default .build/cluster)
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-.build/release/atelier}
RELAYS=${RELAYS:-2}
PUBLIC_PORT=${PUBLIC_PORT:-8080}
PUBLIC_HOST=${PUBLIC_HOST:-*}
OWNER_PORT=${OWNER_PORT:-8090}
RELAY_PORT=${RELAY_PORT:-8081}
REDIS_PORT=${REDIS_PORT:-6390}
WORKSHOP=${WORKSHOP:-Workshops/befus-25-ans.json}
RUN_DIR=${RUN_DIR:-.build/cluster}
DB=${DB:-$RUN_DIR/atelier.db}
LAN=$(hostname -I 2>/dev/null | cut -d' ' -f1)
PUBLIC_URL=${PUBLIC_URL:-http://${LAN:-127.0.0.1}:$PUBLIC_PORT}
# The servers see every connection come from HAProxy on this machine, and trust it for X-Forwarded-For.
PROXY=127.0.0.1

fail() { echo "cluster: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "$BIN is not built (make release, or give the binary's path)."
for tool in haproxy redis-server redis-cli; do
    command -v "$tool" >/dev/null || fail "$tool is missing: sudo apt-get install haproxy redis-server (make cluster installs them)."
done
if [ "$RELAYS" -gt 0 ] && ! "$BIN" serve --help | grep -q -- '--relay'; then
    echo "cluster: this atelier has no relays ($BIN serve --help lacks --relay): the owner serves every websocket alone behind HAProxy." >&2
    RELAYS=0
fi

mkdir -p "$RUN_DIR"
pids=()
stop() {
    local status=$?
    trap - INT TERM EXIT
    # HAProxy first, then the relays, the owner (which stores its last events) and Redis last.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -f "$RUN_DIR"/*.pid
    echo "cluster: stopped; logs in $RUN_DIR"
    exit "$status"
}
trap stop INT TERM EXIT

# start NAME COMMAND...: runs it in the background, output in RUN_DIR/NAME.log, pid in RUN_DIR/NAME.pid.
start() {
    local name=$1; shift
    "$@" > "$RUN_DIR/$name.log" 2>&1 &
    pids+=($!)
    echo $! > "$RUN_DIR/$name.pid"
}

# wait_for NAME PORT: until something listens on the loopback PORT, or NAME has exited.
wait_for() {
    local name=$1 port=$2
    for _ in $(seq 300); do
        kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || { tail -n 20 "$RUN_DIR/$name.log" >&2; fail "$name exited"; }
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "$name does not listen on port $port"
}

# Each websocket holds a descriptor in its server and two in HAProxy: take what the hard limit allows.
ulimit -n "$(ulimit -Hn)"
needed=24100
if [ "$(ulimit -n)" -lt "$needed" ]; then
    export ATELIER_MAXCONN=$(( ($(ulimit -n) - 100) / 2 ))
    echo "cluster: the descriptor limit is $(ulimit -n), HAProxy needs $needed for 12,000 connections: it takes $ATELIER_MAXCONN (raise ulimit -Hn for more)." >&2
fi

common=(--host 127.0.0.1 --trusted-proxy "$PROXY" --public-url "$PUBLIC_URL")
if [ "$RELAYS" -gt 0 ]; then
    start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$RUN_DIR" --appendonly yes --save ""
    wait_for redis "$REDIS_PORT"
    common+=(--redis "redis://127.0.0.1:$REDIS_PORT")
fi

start owner "$BIN" serve --workshop "$WORKSHOP" --db "$DB" --port "$OWNER_PORT" "${common[@]}"
wait_for owner "$OWNER_PORT"
until grep -q '^Stop with Ctrl-C' "$RUN_DIR/owner.log"; do sleep 0.1; done

relays_cfg="$RUN_DIR/relays.cfg"
echo "backend relays from relay" > "$relays_cfg"
if [ "$RELAYS" -eq 0 ]; then
    echo "    server owner 127.0.0.1:$OWNER_PORT" >> "$relays_cfg"
fi
for ((n = 1; n <= RELAYS; n++)); do
    port=$((RELAY_PORT + n - 1))
    start "relay$n" "$BIN" serve --relay --port "$port" --web Web "${common[@]}"
    wait_for "relay$n" "$port"
    echo "    server relay$n 127.0.0.1:$port" >> "$relays_cfg"
done

ATELIER_PUBLIC="$PUBLIC_HOST:$PUBLIC_PORT" ATELIER_OWNER="127.0.0.1:$OWNER_PORT" \
    start haproxy haproxy -db -f deploy/haproxy.cfg -f "$relays_cfg"
wait_for haproxy "$PUBLIC_PORT"

# The owner's banner: the sessions, their links on the public address and a new session's key.
sed -n '/^atelier serving on/,/^Stop with Ctrl-C/p' "$RUN_DIR/owner.log" | grep -v '^Stop with'
echo
echo "Public address: $PUBLIC_URL/ (HAProxy on port $PUBLIC_PORT; the owner on $OWNER_PORT, $RELAYS relay(s))"
echo "Logs and pids in $RUN_DIR. Stop with Ctrl-C."
# Runs until Ctrl-C, or until one of them stops by itself, which stops the rest.
wait -n "${pids[@]}" || true
echo "cluster: a process stopped by itself; see $RUN_DIR" >&2
exit 1
