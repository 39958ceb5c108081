#!/usr/bin/env bash
# Profiles the server under a small steady load with valgrind's callgrind (instruction counts:
# repeatable whatever else the machine does). Instrumentation starts when the participants have
# joined and stops when the measured window ends, so the profile is the load alone.
# Usage: Scripts/bench-profile.sh ATELIER_BIN [OUT] [SERVER_BIN]   (SERVER_BIN: another build to
# profile with the same load generator, e.g. one from before a change)
# Then: callgrind_annotate OUT | head -40   (or --inclusive=yes)
set -euo pipefail
bin=$(realpath "$1"); out=$(realpath -m "${2:-.build/bench/callgrind.out}"); server_bin=$(realpath "${3:-$1}")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
cat > "$work/server" <<SH
#!/bin/sh
exec valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" "$server_bin" "\$@"
SH
chmod +x "$work/server"
"$bin" bench --scenario 1 --participants 200 --rate 10 --seconds 10 --warmup 0 --server "$work/server" \
  > "$work/report" 2> "$work/progress" &
bench=$!
until grep -q "load starts" "$work/progress" 2>/dev/null; do
  kill -0 $bench 2>/dev/null || { cat "$work/progress"; exit 1; }
  sleep 0.2
done
server=$(grep -o 'server pid [0-9]*' "$work/progress" | awk '{print $3}')
callgrind_control -i on "$server" > /dev/null
# Off again when the measured window ends, so the profile holds the load and not the shutdown.
until grep -q "^bench: measured" "$work/progress" 2>/dev/null; do sleep 0.1; done
callgrind_control -i off "$server" > /dev/null
wait $bench
cat "$work/report"
echo "profile: $out ($(awk '/^totals:/ {print $2}' "$out") instructions)"
