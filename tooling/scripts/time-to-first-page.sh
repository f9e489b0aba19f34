#!/usr/bin/env bash
# How long a newcomer waits: clone this repository into a fresh folder, run
# the README's playground command, and time install, build+start, and the
# first answered page (GET / and /api/status). Stops the playground after.
#   bash tooling/scripts/time-to-first-page.sh [destination] [port]
# The figures depend on the machine and on whether pnpm's store already
# holds the packages (a machine that downloads them adds the download).
set -euo pipefail
source_repo="$(cd "$(dirname "$0")/../.." && pwd)"
destination="${1:-$(mktemp -d)/ratatoskr}"
port="${2:-4188}"
log="$(mktemp)"
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start=$(now)
git clone -q "$source_repo" "$destination"
cd "$destination"
npx -y pnpm@12.4.2 install > /dev/null 2>&1
installed=$(now)
# Its own process group, so that the Ctrl+C at the end reaches npx, pnpm and node alike.
PORT="$port" setsid npx -y pnpm@12.4.2 exec node tooling/scripts/playground.mjs > "$log" 2>&1 &
playground=$!
trap 'kill -INT -- "-$playground" 2>/dev/null || true' EXIT
until grep -q "Playground running" "$log"; do
  if ! kill -0 "$playground" 2>/dev/null; then
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
running=$(now)
until curl -sf "http://127.0.0.1:$port/" > /dev/null && curl -sf "http://127.0.0.1:$port/api/status" > /dev/null; do
  sleep 0.2
done
answered=$(now)
grep -E "Tasks:|Time:" "$log" || true
echo "clone+install $(seconds "$start" "$installed") s; build+start $(seconds "$installed" "$running") s; first page and /api/status at $(seconds "$start" "$answered") s from the clone"
