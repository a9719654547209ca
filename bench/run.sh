#!/usr/bin/env bash
# Benchmarks ClaudeRunner (CLI and MSBuild task) against xargs -P, GNU parallel and a minimal .NET
# runner, all driving the same native fake claude with the same prompts. See bench/README.md.
#
# usage: bench/run.sh [--quick] [--runs N] [--workloads abcdefg] [--runners LIST] [--work DIR]
#   --quick       one run of smaller workloads, for development (the figures mean little)
#   --runs N      runs per runner and workload (default: 5 for a b f, 3 for c d e, 21 for g)
#   --workloads   which workloads, e.g. "ab" (default: abcdefg)
#   --runners     which runners, comma-separated (default: all of spawn,xargs,parallel,baseline,core,cli,cli-jit,msbuild)
#   --work DIR    scratch directory, emptied first (default: /dev/shm/claude-runner-bench, a tmpfs:
#                 the runners write their outputs there, so disk speed does not hide their own cost)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=/dev/shm/claude-runner-bench
[ -d /dev/shm ] && [ -w /dev/shm ] || work=/tmp/claude-runner-bench
quick=0
runs=
workloads=abcdefg
only=
parallelism=8
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --workloads) workloads=$2; shift ;;
    --runners) only=",$2,"; shift ;;
    --work) work=$2; shift ;;
    *) echo "usage: $0 [--quick] [--runs N] [--workloads abcdefg] [--runners LIST] [--work DIR]" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "bench: $*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
load() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------- tools
missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
[ -x /usr/bin/time ] || missing+=(time)
command -v parallel >/dev/null || missing+=(parallel)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# Executables live apart from the scratch directory: /dev/shm is mounted noexec on many machines.
tools=${TMPDIR:-/tmp}/claude-runner-bench-tools
rm -rf "$work" "$tools"
mkdir -p "$work/out" "$tools"
fake=$tools/fake-claude
# Static when libc.a is there: a static binary starts about 0.15 ms sooner.
gcc -O2 -static -o "$fake" "$root/bench/fake/fake-claude.c" 2>/dev/null || gcc -O2 -o "$fake" "$root/bench/fake/fake-claude.c"

log "publishing the .NET baseline and ClaudeRunner (Release)"
dotnet publish "$root/bench/Baseline" -c Release -o "$tools/baseline" --nologo -v:q >&2
dotnet publish "$root/bench/CoreDriver" -c Release -o "$tools/core" --nologo -v:q >&2
# The CLI as its tool package ships it (Native AOT for this machine's platform), and as the `any` package runs it (JIT).
dotnet publish "$root/src/ClaudeRunner.Cli" -c Release -o "$tools/cli" --nologo -v:q >&2
dotnet publish "$root/src/ClaudeRunner.Cli" -c Release -o "$tools/cli-jit" -p:PublishAot=false --nologo -v:q >&2
cli=("$tools/cli/claude-runner")
cli_jit=(dotnet "$tools/cli-jit/claude-runner.dll")
source "$root/bench/msbuild.sh"
runners=(spawn xargs parallel baseline core cli cli-jit msbuild)

if [ -n "$only" ]; then
  chosen=()
  for r in "${runners[@]}"; do [[ $only == *",$r,"* ]] && chosen+=("$r"); done
  runners=("${chosen[@]}")
fi

# ---------------------------------------------------------------- workloads
# A workload directory holds prompts/<id> (one prompt text per file), list.txt (their paths, for
# xargs, parallel and the baseline), prompts.json (the same prompts with the same ids, for
# ClaudeRunner) and facts (shell assignments: count, and the lower bound of the makespan).
generate() { # name count mode
  local dir=$work/$1
  mkdir -p "$dir/prompts"
  awk -v dir="$dir" -v count="$2" -v mode="$3" -v parallelism=$parallelism '
    BEGIN {
      seed = 42; sum = 0; longest = 0
      json = dir "/prompts.json"; list = dir "/list.txt"
      printf "{\"prompts\":[\n" > json
      for (i = 1; i <= count; i++) {
        id = sprintf("p%05d", i)
        if (mode == "exit") { text = "Benchmark prompt " i ": exit at once."; ms = 0 }
        else if (mode ~ /^sleep=/) { ms = substr(mode, 7) + 0; text = "Benchmark prompt " i ": sleep=" ms }
        else if (mode == "mixed") {
          # Park-Miller minimal standard generator: exact in the doubles awk computes with.
          seed = (seed * 16807) % 2147483647
          ms = 50 + int(seed / 2147483647 * 1951)
          text = "Benchmark prompt " i ": sleep=" ms
        }
        else { ms = 0; text = "Benchmark prompt " i ": " mode }
        sum += ms; if (ms > longest) longest = ms; duration[i] = ms
        file = dir "/prompts/" id
        print text > file; close(file)
        print file > list
        printf "  {\"id\":\"%s\",\"prompt\":\"%s\"}%s\n", id, text, (i < count ? "," : "") > json
      }
      printf "]}\n" > json
      bound = sum / parallelism; if (longest > bound) bound = longest
      printf "count=%d\nbound_s=%.3f\n", count, bound / 1000 > (dir "/facts")
      if (mode == "mixed") {
        # The sleeps alone placed by list scheduling (each into the slot that frees first), in input order and longest
        # first: what the order can reach at best, apart from any cost of starting processes.
        printf "fifo_s=%.3f\n", schedule(duration, count) / 1000 > (dir "/facts")
        for (i = 2; i <= count; i++) { v = duration[i]; for (j = i - 1; j >= 1 && duration[j] < v; j--) duration[j + 1] = duration[j]; duration[j + 1] = v }
        printf "lpt_s=%.3f\n", schedule(duration, count) / 1000 > (dir "/facts")
      }
    }
    function schedule(d, n,    slot, i, k, least, end) {
      for (k = 1; k <= parallelism; k++) slot[k] = 0
      for (i = 1; i <= n; i++) { least = 1; for (k = 2; k <= parallelism; k++) if (slot[k] < slot[least]) least = k; slot[least] += d[i] }
      end = 0; for (k = 1; k <= parallelism; k++) if (slot[k] > end) end = slot[k]
      return end
    }'
}

# ---------------------------------------------------------------- runners
# Every runner starts the fake as claude -p --output-format stream-json --verbose
# --dangerously-skip-permissions, writes the prompt to its stdin, and keeps its stdout and stderr
# in files of the output directory. xargs and parallel need a shell for the redirections: it
# replaces itself with the fake (exec), and /bin/sh is dash.
# "spawn" is the floor, not a runner: xargs starts the fake with no shell, no prompt on stdin (the
# path is an ignored argument, stdin is /dev/null) and all output into one file.
# A real run has an API key in its environment: ClaudeRunner then masks it in every line it logs.
export ANTHROPIC_API_KEY=sk-ant-bench-0000000000000000
claude_args='-p --output-format stream-json --verbose --dangerously-skip-permissions'
command_for() { # runner workload-dir out-dir → cmd array
  local dir=$2 out=$3
  case $1 in
    spawn) cmd=(xargs -P "$parallelism" -n 1 -a "$dir/list.txt" "$fake" $claude_args) ;;
    xargs) cmd=(xargs -P "$parallelism" -n 1 -a "$dir/list.txt" sh -c "exec \"\$0\" $claude_args <\"\$1\" >\"$out/\${1##*/}.jsonl\" 2>\"$out/\${1##*/}.err\"" "$fake") ;;
    parallel) cmd=(env PARALLEL_SHELL=/bin/sh parallel --will-cite -j "$parallelism" "exec $fake $claude_args <{} >$out/{/}.jsonl 2>$out/{/}.err" :::: "$dir/list.txt") ;;
    baseline) cmd=("$tools/baseline/Baseline" "$fake" "$parallelism" "$dir/list.txt" "$out") ;;
    core) cmd=("$tools/core/CoreDriver" "$fake" "$parallelism" "$dir/prompts.json" "$out") ;;
    cli) cmd=("${cli[@]}" "$dir/prompts.json" --max-parallel "$parallelism" --claude "$fake" --log-dir "$out" --quiet) ;;
    cli-jit) cmd=("${cli_jit[@]}" "$dir/prompts.json" --max-parallel "$parallelism" --claude "$fake" --log-dir "$out" --quiet) ;;
    # The CLI with the durations of an earlier run (history/summary.json): prompts start longest first.
    cli-lpt) cmd=("${cli[@]}" "$dir/prompts.json" --max-parallel "$parallelism" --claude "$fake" --log-dir "$out" --quiet --history "$dir/history") ;;
    msbuild) cmd=("${msbuild_command[@]}" -p:BenchPrompts="$dir/prompts.json" -p:BenchParallel="$parallelism" -p:BenchClaude="$fake" -p:BenchLogs="$out") ;;
    msbuild-empty) cmd=("${msbuild_command[@]}" -p:BenchEmpty=true -p:BenchLogs="$out") ;;
  esac
}

results=$work/results.tsv
printf 'workload\trunner\trun\twall_s\trss_kb\tcpu_s\tfirst_start_s\n' > "$results"

measure() { # workload runner run
  local dir=$work/$1 out=$work/out/$1-$2 stamps=$work/stamps rss=$work/rss
  rm -rf "$out" "$stamps"
  mkdir -p "$out"
  command_for "$2" "$dir" "$out"
  local start end first=
  start=$(date +%s%N)
  if ! BENCH_STAMP_FILE=$stamps /usr/bin/time -f '%M %U %S' -o "$rss" "${cmd[@]}" </dev/null >"$work/out/$1-$2.stdout" 2>&1; then
    log "$2 failed on workload $1 (run $3): see $work/out/$1-$2.stdout"; tail -5 "$work/out/$1-$2.stdout" >&2; exit 1
  fi
  end=$(date +%s%N)
  # shellcheck disable=SC1091
  . "$dir/facts"
  if [ "$2" != msbuild-empty ]; then
    local done
    if [ "$2" = spawn ]; then done=$(grep -c '"type":"result"' "$work/out/$1-$2.stdout"); else done=$(find "$out" -name '*.jsonl' | wc -l); fi
    [ "$done" -eq "$count" ] || { log "$2 left $done of $count outputs on workload $1"; exit 1; }
    first=$(awk -v s="$start" 'NR == 1 || $1 < m { m = $1 } END { printf "%.3f", m - s / 1e9 }' "$stamps")
  fi
  rm -rf "$out"
  read -r kb user sys < "$rss"
  printf '%s\t%s\t%s\t%.3f\t%s\t%.2f\t%s\n' "$1" "$2" "$3" "$(( end - start ))e-9" "$kb" "$(echo "$user $sys" | awk '{ print $1 + $2 }')" "$first" >> "$results"
  log "$1 $2 run $3: $(tail -1 "$results" | cut -f4-7 | tr '\t' ' ')"
}

# Runs every runner once per round, rounds interleaved (A B C A B C …), the starting runner
# rotated each round so none always runs first on a cold or hot machine.
interleave() { # workload rounds runner…
  local workload=$1 rounds=$2
  shift 2
  local list=("$@") n=$#
  for ((round = 1; round <= rounds; round++)); do
    for ((k = 0; k < n; k++)); do
      measure "$workload" "${list[$(((round + k) % n))]}" "$round"
    done
  done
}

rounds() { echo "${runs:-$([ $quick = 1 ] && echo 1 || echo "$1")}"; }
size() { [ $quick = 1 ] && echo "$2" || echo "$1"; }

# The floor does not deliver prompts, so it runs only the workloads that ignore them.
delivering=()
for r in "${runners[@]}"; do [ "$r" = spawn ] || delivering+=("$r"); done

load_before=$(load)
declare -A load_during
for w in $(echo "$workloads" | grep -o .); do
  log "workload $w (load $(load))"
  case $w in
    a) generate a "$(size 1000 200)" exit; interleave a "$(rounds 5)" "${runners[@]}" ;;
    b) generate b 64 sleep=200; interleave b "$(rounds 5)" "${delivering[@]}" ;;
    c) generate c "$(size 100 24)" mixed
       # FIFO (every runner, the CLI without history) and the CLI longest first from the history of one earlier run, side by side.
       lpt=()
       if [[ " ${runners[*]} " == *" cli "* ]]; then
         "${cli[@]}" "$work/c/prompts.json" --max-parallel "$parallelism" --claude "$fake" --log-dir "$work/c/history" --quiet >/dev/null
         lpt=(cli-lpt)
       fi
       interleave c "$(rounds 3)" "${delivering[@]}" "${lpt[@]}" ;;
    d) generate d 1 "bytes=$(size 1073741824 134217728)"; interleave d "$(rounds 3)" "${delivering[@]}" ;;
    e) generate e "$(size 10000 2000)" exit; interleave e "$(rounds 3)" "${runners[@]}" ;;
    f) if [[ " ${runners[*]} " == *" msbuild "* ]]; then generate f 1 exit; interleave f "$(rounds 5)" msbuild-empty msbuild; fi ;;
    g) generate g 1 exit; interleave g "$(rounds 21)" "${delivering[@]}" ;;
  esac
  load_during[$w]=$(load)
done

# ---------------------------------------------------------------- report
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_of() { # workload runner column → values
  awk -F'\t' -v w="$1" -v r="$2" -v c="$3" 'NR > 1 && $1 == w && $2 == r { print $c }' "$results"
}
stat() { column_of "$@" | median; }
fixed() { awk -v v="$2" -v d="$1" 'BEGIN { if (v == "") print "–"; else printf "%.*f", d, v }'; }
spread() { column_of "$@" | sort -g | awk -v d="$([ "$1" = g ] && echo 3 || echo 2)" 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.*f–%.*f", d, lo, d, hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.2f×", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { if (k == "") print "–"; else printf "%.0f", k / 1024 }'; }
verdict() { awk -v v="$1" -v goal="$2" 'BEGIN { if (v == "") print "not measured"; else if (v + 0 <= goal + 0) print "**reached**"; else print "**missed**" }'; }

title() {
  case $1 in
    a) echo "(a) $count prompts exiting at once, MaxParallel $parallelism: per-prompt overhead" ;;
    b) echo "(b) $count prompts sleeping 200 ms, MaxParallel $parallelism: makespan against the ideal ${bound_s} s" ;;
    c) echo "(c) $count prompts of 50–2000 ms (seed 42), MaxParallel $parallelism: makespan against the lower bound ${bound_s} s" ;;
    d) echo "(d) one prompt printing $(awk -v b="$(sed 's/.*bytes=//' "$work/d/prompts/p00001")" 'BEGIN { printf "%.0f MiB", b / 1048576 }'): peak RSS and throughput" ;;
    e) echo "(e) $count prompts exiting at once, MaxParallel $parallelism: peak RSS, first start, overhead" ;;
    f) echo "(f) the MSBuild task's fixed cost: one prompt exiting at once against an empty target" ;;
    g) echo "(g) one prompt exiting at once: the fixed cost of a run" ;;
  esac
}

{
  echo "## Results"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr), .NET $(dotnet --version)."
  echo "Load average (1, 5, 15 min) before: $load_before; after each workload: $(for w in $(echo "$workloads" | grep -o .); do printf '(%s) %s; ' "$w" "${load_during[$w]:-}"; done)"
  [ $quick = 1 ] && echo "**Quick run: smaller workloads, one run each; not for comparison.**"
  echo
  for w in $(echo "$workloads" | grep -o .); do
    [ -f "$work/$w/facts" ] || continue
    # shellcheck disable=SC1090
    . "$work/$w/facts"
    echo "### $(title "$w")"
    echo
    reference=$(stat "$w" xargs 4)
    case $w in
      a|e|g) echo "| runner | wall median (s) | range (s) | vs xargs | per prompt (ms) | first start (s) | CPU (s) | peak RSS (MB) |"
           echo "|---|---:|---:|---:|---:|---:|---:|---:|" ;;
      b|c) echo "| runner | wall median (s) | range (s) | vs bound ${bound_s} s | CPU (s) | peak RSS (MB) |"
           echo "|---|---:|---:|---:|---:|---:|" ;;
      d)   echo "| runner | wall median (s) | range (s) | throughput (MB/s) | CPU (s) | peak RSS (MB) |"
           echo "|---|---:|---:|---:|---:|---:|" ;;
      f)   echo "| build | wall median (s) | range (s) | CPU (s) | peak RSS (MB) |"
           echo "|---|---:|---:|---:|---:|" ;;
    esac
    for r in spawn xargs parallel baseline core cli cli-jit cli-lpt msbuild msbuild-empty; do
      wall=$(stat "$w" "$r" 4)
      [ -n "$wall" ] || continue
      rss=$(mb "$(stat "$w" "$r" 5)") cpu=$(fixed 2 "$(stat "$w" "$r" 6)")
      case $w in
        a|e|g) printf '| %s | %.3f | %s | %s | %.2f | %s | %s | %s |\n' "$r" "$wall" "$(spread "$w" "$r" 4)" "$(ratio "$wall" "$reference")" \
               "$(awk -v t="$wall" -v n="$count" 'BEGIN { print t * 1000 / n }')" "$(fixed 3 "$(stat "$w" "$r" 7)")" "$cpu" "$rss" ;;
        b|c) printf '| %s | %.2f | %s | %s | %s | %s |\n' "$r" "$wall" "$(spread "$w" "$r" 4)" "$(ratio "$wall" "$bound_s")" "$cpu" "$rss" ;;
        d)   printf '| %s | %.2f | %s | %.0f | %s | %s |\n' "$r" "$wall" "$(spread "$w" "$r" 4)" \
               "$(awk -v t="$wall" -v b="$(sed 's/.*bytes=//' "$work/d/prompts/p00001")" 'BEGIN { print b / 1e6 / t }')" "$cpu" "$rss" ;;
        f)   printf '| %s | %.2f | %s | %s | %s |\n' "$( [ "$r" = msbuild ] && echo "RunClaudeParallel, 1 prompt" || echo "empty target")" "$wall" "$(spread "$w" "$r" 4)" "$cpu" "$rss" ;;
      esac
    done
    echo
    cli_wall=$(stat "$w" cli 4)
    case $w in
      a) echo "Goal: the CLI within 1.5× of xargs: $(ratio "$cli_wall" "$reference"), $(verdict "$(awk -v a="$cli_wall" -v b="$reference" 'BEGIN { if (a != "" && b != "") print a / b }')" 1.5)." ;;
      b) echo "Goal: the CLI within 1.03× of the ideal: $(ratio "$cli_wall" "$bound_s"), $(verdict "$(awk -v a="$cli_wall" -v b="$bound_s" 'BEGIN { if (a != "") print a / b }')" 1.03); under JIT (cli-jit): $(ratio "$(stat b cli-jit 4)" "$bound_s")." ;;
      c) lpt_wall=$(stat c cli-lpt 4)
         echo "Goal: the CLI longest first (cli-lpt) within 1.01× of the bound: $(ratio "$lpt_wall" "$bound_s"), $(verdict "$(awk -v a="$lpt_wall" -v b="$bound_s" 'BEGIN { if (a != "") print a / b }')" 1.01); in input order (cli): $(ratio "$cli_wall" "$bound_s")."
         echo "The order alone (the sleeps placed by list scheduling, no process costs): input order ${fifo_s} s ($(ratio "$fifo_s" "$bound_s")), longest first ${lpt_s} s ($(ratio "$lpt_s" "$bound_s"))." ;;
      d) echo "Goal: the CLI's peak RSS ≤ 100 MB: $(mb "$(stat d cli 5)") MB, $(verdict "$(mb "$(stat d cli 5)" | tr -d –)" 100)." ;;
      e) echo "Goals: the CLI's peak RSS ≤ 200 MB: $(mb "$(stat e cli 5)") MB, $(verdict "$(mb "$(stat e cli 5)" | tr -d –)" 200); first start within 1 s: $(fixed 3 "$(stat e cli 7)") s, $(verdict "$(stat e cli 7)" 1)." ;;
      g) echo "Goal: the CLI's fixed cost within 1.5× of xargs: $(ratio "$cli_wall" "$reference"), $(verdict "$(awk -v a="$cli_wall" -v b="$reference" 'BEGIN { if (a != "" && b != "") print a / b }')" 1.5); under JIT (cli-jit): $(ratio "$(stat g cli-jit 4)" "$reference")." ;;
      f) fixed=$(awk -v a="$(stat f msbuild 4)" -v b="$(stat f msbuild-empty 4)" 'BEGIN { if (a != "" && b != "") printf "%.2f", a - b }')
         echo "Fixed cost of the task (difference of the medians): ${fixed:-–} s. Goal ≤ 0.5 s: $(verdict "$fixed" 0.5)." ;;
    esac
    echo
  done
  echo "Raw figures: \`$results\`."
} | tee "$work/report.md"
