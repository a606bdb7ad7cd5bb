#!/usr/bin/env bash
# The project's test command (npm test): typecheck, layer rule, then every test file on every store.
# Stores: SUYUAN_TEST_STORES (default "sqlite,postgres"); PostgreSQL at SUYUAN_TEST_PG_URL
# (default postgres://root@127.0.0.1:5432/postgres). An unreachable PostgreSQL fails the run; it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"
npx tsc --noEmit -p .
echo "== layers"
npx tsx scripts/check-layers.ts
echo "== tests on: ${SUYUAN_TEST_STORES:-sqlite,postgres}"
# Node 20's --test finds no .ts files by itself (and would exit 0): pass every file explicitly.
mapfile -t files < <(find src test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
