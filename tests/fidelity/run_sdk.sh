#!/usr/bin/env bash
# Builds one fidelity case with the SageMaker Python SDK, offline, and prints its pipeline
# definition JSON to stdout (or writes it to OUT_FILE). A case runs on SDK 2.x unless its script
# has the line `SDK_MAJOR = 3` (step types only 3.x has, e.g. EMRServerless): then on SDK 3.x.
#
# Usage: tests/fidelity/run_sdk.sh CASE [OUT_FILE]
#        tests/fidelity/run_sdk.sh --list          the case names, one a line
# CASE is a script tests/fidelity/sdk/CASE.py. The SDK venvs come from `scripts/tools --sdk`
# and `scripts/tools --sdk3` (installed on first use). The SDK's own log lines go to stderr; they are shown only on failure.
# Nothing is written into the repository: the SDK output is the oracle, rebuilt every run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

if [[ "${1:-}" == --list ]]; then
  for f in "$HERE"/sdk/*.py; do
    name="$(basename "$f" .py)"
    [[ "$name" == _* ]] || echo "$name"
  done
  exit 0
fi
case_name="${1:?usage: run_sdk.sh CASE [OUT_FILE] (or --list)}"
script="$HERE/sdk/$case_name.py"
[[ "$case_name" != _* && -f "$script" ]] || { echo "run_sdk.sh: no such case: $case_name (see --list)" >&2; exit 2; }

if grep -q '^SDK_MAJOR = 3$' "$script"; then
  "$ROOT/scripts/tools" --sdk3
  py="$ROOT/.tools/sdk3-venv/bin/python"
else
  "$ROOT/scripts/tools" --sdk
  py="$ROOT/.tools/sdk-venv/bin/python"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A private HOME and no AWS settings: nothing from this machine's configuration reaches the SDK
# (sdk/_offline.py also blocks the network and removes AWS_* variables).
if ! env -u AWS_PROFILE HOME="$tmp" PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 \
  "$py" "$script" >"$tmp/out.json" 2>"$tmp/err.log"; then
  cat "$tmp/err.log" >&2
  echo "run_sdk.sh: the SDK script for $case_name failed" >&2
  exit 1
fi
"$py" -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out.json" ||
  { echo "run_sdk.sh: $case_name did not print one JSON document" >&2; exit 1; }
if [[ -n "${2:-}" ]]; then
  cp "$tmp/out.json" "$2"
else
  cat "$tmp/out.json"
fi
