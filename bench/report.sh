#!/usr/bin/env bash
# The HTML report of a large run (see bench/README.md, "The HTML report"): PROMPTS prompts (default 1,000) through the
# CLI and the native fake claude of bench/fake (each writes ~1 KiB of output and succeeds); then report.html opened in headless
# Chromium RUNS times. The page records how long after the navigation started it had rendered (data-render-ms).
# usage: bench/report.sh [PROMPTS] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prompts=${1:-1000}
runs=${2:-5}
chromium=/usr/bin/chromium
[ -x "$chromium" ] || { echo "needs Chromium: sudo apt-get install -y chromium" >&2; exit 2; }
work=$(mktemp -d /tmp/claude-runner-report-XXXXXX)
trap 'rm -rf "$work"' EXIT

gcc -O2 -o "$work/fake-claude" "$root/bench/fake/fake-claude.c"
dotnet build -c Release "$root/src/ClaudeRunner.Cli" -o "$work/cli" -v:q -nologo >/dev/null

python3 - "$work" "$prompts" <<'PY'
import json, os, sys
work, count = sys.argv[1], int(sys.argv[2])
entries = [{"id": f"p{i:04}", "prompt": f"Answer {i} bytes=1024 sleep={i % 7 * 5}"} for i in range(count)]
json.dump({"prompts": entries}, open(os.path.join(work, "prompts.json"), "w"))
PY
(cd "$work" && "$work/cli/claude-runner" prompts.json --claude "$work/fake-claude" --max-parallel 8 --retry 0 --quiet >/dev/null) || true
page="$work/claude-logs/report.html"
echo "report.html of $prompts prompts: $(( $(stat -c %s "$page") / 1024 )) KiB; load $(cut -d' ' -f1-3 /proc/loadavg)"

for run in $(seq "$runs"); do
  profile=$(mktemp -d "$work/profile-XXXXXX")
  start=$(date +%s%N)
  dom=$("$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" --dump-dom "file://$page" 2>/dev/null)
  end=$(date +%s%N)
  rendered=$(grep -o 'data-render-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
  bars=$(grep -o 'class="bar ' <<<"$dom" | wc -l)
  rows=$(grep -o '<tbody data-id=' <<<"$dom" | wc -l)
  printf 'run %d: rendered %5d ms after navigation start; chromium start to exit %5d ms; %d bars, %d rows\n' \
    "$run" "$rendered" "$(( (end - start) / 1000000 ))" "$bars" "$rows"
done
