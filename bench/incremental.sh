#!/usr/bin/env bash
# Incremental runs (see bench/README.md, "Incremental runs"): 1,000 prompts, each with 10 input files, run once to
# record their successes, then again with nothing changed (no claude should start), then with one input file changed
# (exactly the prompt that reads it should run). Uses the CLI and the native fake claude of bench/fake.
# usage: bench/incremental.sh [PROMPTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prompts=${1:-1000}
work=$(mktemp -d /tmp/claude-runner-incremental-XXXXXX)
trap 'rm -rf "$work"' EXIT

gcc -O2 -o "$work/fake-claude" "$root/bench/fake/fake-claude.c"
dotnet build -c Release "$root/src/ClaudeRunner.Cli" -o "$work/cli" -v:q -nologo >/dev/null
cli=("$work/cli/claude-runner")

# Prompt i reads in/<i>/0.txt … in/<i>/9.txt.
python3 - "$work" "$prompts" <<'PY'
import json, os, sys
work, count = sys.argv[1], int(sys.argv[2])
entries = []
for i in range(count):
    folder = os.path.join(work, "in", str(i))
    os.makedirs(folder)
    for j in range(10):
        with open(os.path.join(folder, f"{j}.txt"), "w") as f:
            f.write(f"input {i}.{j}\n" * 20)
    entries.append({"id": f"p{i}", "prompt": f"Summarise the inputs of {i}", "inputs": [f"in/{i}/*.txt"]})
json.dump({"prompts": entries}, open(os.path.join(work, "prompts.json"), "w"))
PY

run() { # label
  : > "$work/starts"
  local start end
  start=$(date +%s.%N)
  (cd "$work" && BENCH_STAMP_FILE="$work/starts" "${cli[@]}" prompts.json --claude "$work/fake-claude" --max-parallel 8 --quiet >/dev/null)
  end=$(date +%s.%N)
  # One start is `claude --version`, asked once per run.
  printf '%-34s %6.2f s wall, %5d claude processes started\n' "$1" "$(echo "$end - $start" | bc)" "$(( $(wc -l < "$work/starts") - 1 ))"
}

echo "incremental: $prompts prompts x 10 input files; load $(cut -d' ' -f1-3 /proc/loadavg)"
run "first run (records successes)"
run "nothing changed"
echo "changed" >> "$work/in/7/3.txt"
run "one input file changed"
# The hashing share: the same prompts without inputs, nothing changed.
sed -i 's/, "inputs": \["in\/[0-9]*\/\*.txt"\]//g' "$work/prompts.json"
run "no inputs: first run"
run "no inputs: nothing changed"
