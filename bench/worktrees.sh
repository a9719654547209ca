#!/usr/bin/env bash
# What worktree isolation costs per attempt: 8 worktrees of a 10,000-file repository made and removed in parallel,
# with the git commands the runner uses (src/ClaudeRunner.Core/Isolation/AttemptWorktree.cs), no claude in between.
# Usage: bench/worktrees.sh [--files N] [--parallel P] [--rounds R] [--work DIR]
set -euo pipefail

files=10000 parallel=8 rounds=3 work="${TMPDIR:-/tmp}/claude-runner-bench-worktrees"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

rm -rf "$work" && mkdir -p "$work/repo" "$work/trees"
repo="$work/repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
git -C "$repo" init -q -b main
# 100 files per folder, about 1 KiB each (source-sized), every one different; written by the shell itself (printf).
filler=$(head -c 700 /dev/urandom | base64 -w 0)
for ((d = 0; d < files / 100; d++)); do
  mkdir -p "$repo/src/d$d"
  for ((f = 0; f < 100; f++)); do
    printf '// d%d/f%d\n%s\n' "$d" "$f" "$filler" > "$repo/src/d$d/f$f.cs"
  done
done
git -C "$repo" add --all && git -C "$repo" commit -q -m base
echo "user edit" >> "$repo/src/d0/f0.cs"   # an uncommitted change, carried into every worktree

now() { date +%s.%N; }

# One attempt's worktree: create (add, the user's diff applied, base tree), then save (add, diff) and remove.
attempt() {
  local tree="$work/trees/$1" base scratch="$work/trees/$1.base.patch" t0 t1 t2
  t0=$(now)
  git -C "$repo" -c core.hooksPath=/dev/null worktree add -q --detach "$tree" HEAD
  git -C "$repo" diff --binary HEAD > "$scratch"
  [[ -s "$scratch" ]] && git -C "$tree" apply --index --whitespace=nowarn "$scratch"
  rm -f "$scratch"
  base=$(git -C "$tree" write-tree)
  t1=$(now)
  echo "changed by $1" > "$tree/src/d1/f1.cs"
  git -C "$tree" add --all
  git -C "$tree" diff --cached --binary -M "$base" > "$work/trees/$1.patch"
  git -C "$repo" worktree remove --force --force "$tree"
  git -C "$repo" worktree prune
  t2=$(now)
  echo "$t0 $t1 $t2" > "$work/trees/$1.times"
}

echo "repository: $files files; $parallel worktrees at once; $rounds rounds; git $(git --version | cut -d' ' -f3); $(nproc) cores"
printf '| round | wall for %d | create (mean) | save + remove (mean) | per worktree (wall / %d) |\n|---|---|---|---|---|\n' "$parallel" "$parallel"
for ((r = 1; r <= rounds; r++)); do
  start=$(now)
  for ((i = 1; i <= parallel; i++)); do attempt "r$r-$i" & done
  wait
  end=$(now)
  awk -v start="$start" -v end="$end" -v n="$parallel" -v round="$r" '
    { create += $2 - $1; finish += $3 - $2 }
    END { printf "| %d | %.2f s | %.2f s | %.2f s | %.2f s |\n", round, end - start, create / n, finish / n, (end - start) / n }' "$work"/trees/r$r-*.times
done
test -z "$(git -C "$repo" worktree list --porcelain | grep -c '^worktree' | grep -v '^1$')" || { echo "worktrees left behind" >&2; exit 1; }
rm -rf "$work"
