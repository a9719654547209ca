#!/usr/bin/env bash
# The CLI's start-up, side by side in one run: its fixed cost on one prompt that exits at once (g) and the makespan of
# 64 prompts of 200 ms (b), for the Native AOT executable (cli), the JIT form `dotnet claude-runner.dll` (cli-jit) and
# xargs running the same fake through sh. Extra arguments go to run.sh (--runs N, --work DIR). See bench/README.md.
exec "$(dirname "$0")/run.sh" --workloads gb --runners xargs,cli,cli-jit "$@"
