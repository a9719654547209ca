#!/usr/bin/env bash
# Installs the pinned real Claude Code CLI for the end-to-end tests
# (tests/ClaudeRunner.EndToEnd.Tests) into <repo>/.tools/claude (gitignored).
# Idempotent: does nothing when the pinned version is already installed.
# Override the version with CLAUDE_CODE_VERSION=x.y.z (the tests assume the pinned one).
set -euo pipefail

version="${CLAUDE_CODE_VERSION:-2.1.331}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo_root/.tools/claude"
bin="$prefix/node_modules/.bin/claude"

if [ -x "$bin" ]; then
  installed="$("$bin" --version 2>/dev/null || true)"
  case "$installed" in
    "$version"|"$version "*)
      echo "Claude Code CLI $version already installed: $bin"
      exit 0
      ;;
  esac
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is required to install @anthropic-ai/claude-code (install Node.js 18+)" >&2
  exit 1
fi

mkdir -p "$prefix"
echo "Installing @anthropic-ai/claude-code@$version into $prefix"
npm install --no-audit --no-fund --prefix "$prefix" "@anthropic-ai/claude-code@$version"

installed="$("$bin" --version)"
case "$installed" in
  "$version"|"$version "*) echo "Installed: $bin ($installed)" ;;
  *) echo "error: expected Claude Code $version, got '$installed'" >&2; exit 1 ;;
esac
