#!/usr/bin/env bash
# Adaptive concurrency (see bench/README.md, "Adaptive concurrency"): 40 prompts against a server that admits 4
# requests at once and answers each in 1 s (FakeClaude's server_limit: above 4 it prints claude's api_retry 429 lines
# and retries itself after retry_ms), MaxParallel 16, with adaptation on and off side by side. The ideal makespan is
# 40 / 4 x 1 s = 10 s. Reports the makespan, the server's 429 answers and the prompts that failed.
# usage: bench/adaptive.sh [PROMPTS] [RETRY_MS] [ANSWER_MS]
#        bench/adaptive.sh --real [PROMPTS] [ANSWER_MS]
# --real: the same workload with the real pinned claude against the end-to-end tests' mock Anthropic API, which admits
# 4 requests at once and answers 429 with retry-after: 1 above 4 (bench/AdaptiveMockApi); it also reports the CPU the
# run took, which bounds its makespan on a small machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = --real ]; then
  shift
  work=$(mktemp -d /tmp/claude-runner-adaptive-real-XXXXXX)
  trap 'rm -rf "$work"' EXIT
  bash "$root/.ci/install-claude.sh" >/dev/null
  # The CLI as shipped: Native AOT (PublishAot in its project).
  dotnet publish -c Release "$root/src/ClaudeRunner.Cli" -o "$work/cli" -v:q -nologo >/dev/null
  dotnet build -c Release "$root/bench/AdaptiveMockApi" -o "$work/bench" -v:q -nologo >/dev/null
  dotnet "$work/bench/AdaptiveMockApi.dll" "$work/cli/claude-runner" "$root/.tools/claude/node_modules/.bin/claude" "${1:-40}" "${2:-1000}"
  exit
fi
prompts=${1:-40}
retry_ms=${2:-1000}
answer_ms=${3:-1000}
work=$(mktemp -d /tmp/claude-runner-adaptive-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Both native (Native AOT): a JIT-compiled fake takes ~0.3 s of CPU to start on 2 cores, and with a server that refuses
# rather than queues, every start is time its slot cannot serve (the makespan is at least 40 / 4 x (answer + start)).
rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
dotnet publish -c Release "$root/tests/FakeClaude" -r "$rid" -p:PublishAot=true -o "$work/fake" -v:q -nologo >/dev/null
dotnet publish -c Release "$root/src/ClaudeRunner.Cli" -o "$work/cli" -v:q -nologo >/dev/null

python3 - "$work" "$prompts" "$retry_ms" "$answer_ms" <<'PY'
import json, os, sys
work, count, retry, answer = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
entries = [f"@fake server_limit=4 server_retries=30 retry_ms={retry} sleep={answer}\nprompt {i}" for i in range(count)]
json.dump({"prompts": entries}, open(os.path.join(work, "prompts.json"), "w"))
PY

run() { # label, extra args...
  local label=$1; shift
  local state="$work/state-$label"
  mkdir -p "$state"
  local start end status=0
  start=$(date +%s.%N)
  (cd "$work" && FAKE_CLAUDE_STATE_DIR="$state" "$work/cli/claude-runner" prompts.json --claude "$work/fake/FakeClaude" \
     --max-parallel 16 --retry 0 --log-dir "logs-$label" --quiet "$@" >/dev/null) || status=$?
  end=$(date +%s.%N)
  local rejected=0
  [ -f "$state/server/rejected" ] && rejected=$(wc -l < "$state/server/rejected")
  local failed
  failed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['totals']['failed'])" "$work/logs-$label/summary.json")
  printf '%-22s %6.2f s (%.2fx the ideal %s s), %4d answers 429, %3d prompts failed, exit %d\n' \
    "$label" "$(echo "$end - $start" | bc)" "$(echo "($end - $start) / $ideal" | bc -l)" "$ideal" "$rejected" "$failed" "$status"
}

ideal=$(echo "$prompts / 4 * $answer_ms / 1000" | bc -l | sed 's/0*$//; s/\.$//')
echo "adaptive: $prompts prompts, server admits 4 at once, ${answer_ms} ms each, claude's own retry after ${retry_ms} ms; load $(cut -d' ' -f1-3 /proc/loadavg)"
run adaptive
run fixed --no-adaptive
