#!/bin/sh
# PDF text-layer benchmark: budget-harvest on one core next to
# `pdftotext -layout` (poppler-utils) on the same files, in the same run.
#   bench/pdf.sh [DIR]   (default: tests/fixtures/pdf; rounds: ROUNDS=5)
set -eu
dir=${1:-tests/fixtures/pdf}
rounds=${ROUNDS:-5}
bin=target/release/budget-harvest
[ -x "$bin" ] || cargo build --release --quiet
for tool in pdfinfo pdftotext; do
  command -v $tool >/dev/null || { echo "$tool not installed (apt-get install poppler-utils)"; exit 2; }
done
pages=0
for f in "$dir"/*.pdf; do
  pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}')))
done
files=$(ls "$dir"/*.pdf | wc -l)
echo "$files PDFs, $pages pages, $rounds rounds"
out=$(mktemp -d)
now() { date +%s.%N; }
t0=$(now)
i=0; while [ $i -lt "$rounds" ]; do
  "$bin" extract "$dir"/*.pdf -o "$out" --jobs 1 -q >/dev/null 2>&1 || true
  i=$((i + 1)); done
t1=$(now)
i=0; while [ $i -lt "$rounds" ]; do
  for f in "$dir"/*.pdf; do pdftotext -layout "$f" "$out/x.txt" 2>/dev/null; done
  i=$((i + 1)); done
t2=$(now)
rm -rf "$out"
awk -v p="$pages" -v r="$rounds" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  bh = (b - a) / r; pt = (c - b) / r;
  printf "budget-harvest extract (text layer + tables + checks + CSV), 1 core: %.3f s/round, %.0f pages/s\n", bh, p / bh;
  printf "pdftotext -layout (text only), 1 process:                       %.3f s/round, %.0f pages/s\n", pt, p / pt;
}'
