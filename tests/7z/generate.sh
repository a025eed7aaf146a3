#!/usr/bin/env bash
# Write the 7-Zip fixtures: tests/fixtures/7z/*.7z, seeds from samples/ as a
# county would publish them, made by 7-Zip itself (Debian's 7zip: 7zz).
#
#   apt-get install 7zip
#   tests/7z/generate.sh
#
# - county_solid.7z: 7-Zip's defaults (LZMA2, solid): a folder 预算 holding
#   002.txt, and 决算/003.txt.
# - county_lzma_blocks.7z: LZMA, not solid (a block a file).
# - encrypted.7z: a password (names readable, contents not).
# - encrypted_names.7z: a password with the names encrypted too (-mhe).
# - twin_zips.7z: two zips of one name, 部门.zip (7-Zip lists a name
#   twice when told to rename one file to another's name): one holds
#   002.txt, the other 003.txt.
# File times are fixed so a second run writes the same bytes (bar the
# encrypted ones' random salts). Output is ours (the seeds), not third-party.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/tests/fixtures/7z"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/预算" "$work/决算"
cp "$root/samples/002_ef8a97d7800bc6c6.txt" "$work/预算/002.txt"
cp "$root/samples/003_93f707ff5e41d323.txt" "$work/决算/003.txt"
printf 'hidden' > "$work/a.txt"
touch -d '2023-11-14 00:00:00' "$work"/预算 "$work"/决算 "$work"/预算/* "$work"/决算/* "$work/a.txt"
rm -f "$out"/*.7z
cd "$work"
7zz a -bso0 "$out/county_solid.7z" 预算 决算/003.txt
7zz a -bso0 -ms=off -m0=lzma "$out/county_lzma_blocks.7z" 预算/002.txt 决算/003.txt
7zz a -bso0 -psecret "$out/encrypted.7z" a.txt
7zz a -bso0 -psecret -mhe=on "$out/encrypted_names.7z" a.txt
7zz a -bso0 -tzip "$work/one.zip" 预算/002.txt
7zz a -bso0 -tzip "$work/two.zip" 决算/003.txt
touch -d '2023-11-14 00:00:00' "$work/one.zip" "$work/two.zip"
7zz a -bso0 "$out/twin_zips.7z" one.zip two.zip
7zz rn -bso0 "$out/twin_zips.7z" one.zip 部门.zip two.zip 部门.zip
ls -l "$out"
