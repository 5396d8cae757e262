#!/usr/bin/env bash
# Golden test: `zkwire analyze` output for one capture must equal the checked-in expected output.
# Usage: check_golden.sh ZKWIRE CAPTURE EXPECTED_DIR
# With ZKWIRE_REGENERATE_GOLDEN=1 the expected files are rewritten instead (review the diff, then commit).
set -euo pipefail
zkwire=$1 capture=$2 expected_dir=$3
name=$(basename "$capture")
name=${name%.*}
mkdir -p "$expected_dir"
status=0
for format in jsonl text; do
  ext=$([ "$format" = text ] && echo txt || echo jsonl)
  expected="$expected_dir/$name.$ext"
  actual=$(mktemp)
  "$zkwire" analyze --format "$format" --color never -w "$actual" "$capture"
  if [ "${ZKWIRE_REGENERATE_GOLDEN:-0}" = 1 ]; then
    mv "$actual" "$expected"
    chmod 644 "$expected"
    echo "regenerated $expected"
    continue
  fi
  if [ ! -f "$expected" ]; then
    echo "no expected output $expected: run with ZKWIRE_REGENERATE_GOLDEN=1 to create it" >&2
    rm -f "$actual"
    status=1
    continue
  fi
  if ! diff -u "$expected" "$actual" > "$actual.diff"; then
    echo "output of 'zkwire analyze --format $format $capture' changed:" >&2
    head -60 "$actual.diff" >&2
    status=1
  fi
  rm -f "$actual" "$actual.diff"
done
exit $status
