#!/usr/bin/env bash
# What a run saves when claude's version is known from the cache (docs/incremental.md, "The cache"): the cost of
# `claude --version` of the pinned claude (.tools/claude, installed by .ci/run), against the static fake's, measured
# interleaved. Usage: bench/claude-version.sh [RUNS] (default 21). See bench/README.md, "Start-up".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-21}
claude=$root/.tools/claude/node_modules/.bin/claude
[ -x "$claude" ] || { echo "no pinned claude at $claude: run .ci/run (or its install step) first" >&2; exit 2; }
fake=$(mktemp -d)/fake-claude
gcc -O2 -static -o "$fake" "$root/bench/fake/fake-claude.c" 2>/dev/null || gcc -O2 -o "$fake" "$root/bench/fake/fake-claude.c"

declare -A wall cpu
for ((i = 0; i < runs; i++)); do
  for name in claude fake; do
    exe=$claude; [ $name = fake ] && exe=$fake
    # Wall time from bash's microsecond clock; CPU (user + system, 10 ms resolution) from GNU time.
    start=$EPOCHREALTIME
    read -r u s < <( { /usr/bin/time -f '%U %S' "$exe" --version >/dev/null; } 2>&1 | tail -n 1)
    end=$EPOCHREALTIME
    wall[$name]+="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }') "; cpu[$name]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $runs runs each, interleaved"
echo "$("$claude" --version)"
echo
echo "| \`--version\` of | wall median (s) | CPU median (s) |"
echo "|---|---:|---:|"
for name in claude fake; do
  echo "| $name | $(echo "${wall[$name]}" | median) | $(echo "${cpu[$name]}" | median) |"
done
