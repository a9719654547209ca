#!/usr/bin/env bash
# Validating big prompts files (see bench/README.md, "Validating big files"): N prompts as minified JSON (one line) and
# pretty-printed, through the CLI's dry run, which reads, validates and plans every prompt and starts nothing. Prints
# wall time, CPU time (user + sys: steadier than wall time on a busy machine) and peak RSS per size; linear work shows as
# a time that doubles with the size, not quadruples.
# usage: bench/validate.sh [SIZES…]   (default: 50000 100000 200000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50000 100000 200000)
work=$(mktemp -d /tmp/claude-runner-validate-XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet build -c Release "$root/src/ClaudeRunner.Cli" -o "$work/cli" -v:q -nologo >/dev/null
cli="$work/cli/claude-runner"

echo "validate: load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %8s %10s %10s %10s\n' layout prompts "wall (s)" "CPU (s)" "RSS (MB)"
for size in "${sizes[@]}"; do
  for layout in minified pretty; do
    python3 - "$work/prompts.json" "$size" "$layout" <<'PY'
import json, sys
path, count, layout = sys.argv[1], int(sys.argv[2]), sys.argv[3]
document = {"defaults": {"timeout": "10m"}, "prompts": [{"id": f"p{i}", "prompt": f"Review file {i} for bugs", "retries": 1} for i in range(count)]}
with open(path, "w") as f:
    json.dump(document, f, indent=None if layout == "minified" else 2, separators=(",", ":") if layout == "minified" else None)
PY
    (cd "$work" && /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$cli" prompts.json --dry-run --quiet --claude /bin/true >/dev/null) || true
    read -r wall user sys rss < "$work/time"
    printf '%-8s %8d %10.2f %10.2f %10.0f\n' "$layout" "$size" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))"
  done
done
