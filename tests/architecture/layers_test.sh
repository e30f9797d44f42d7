#!/usr/bin/env bash
# The layer rule holds for the tree, and the check catches each kind of include that breaks it:
# an include up the layers, two units that include each other, an unqualified include.
#   layers_test.sh SOURCE_ROOT
set -euo pipefail
root=$(readlink -f "$1")
check=$root/scripts/check_layers.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"$check" "$root"

# A copy of the tree's sources with one include added to FILE; the check must fail naming WHY.
expect_refused() {
  local file=$1 include=$2 why=$3
  rm -rf "$scratch/tree" && mkdir "$scratch/tree"
  (cd "$root" && cp -r --parents base procfs exposition collectors scrape exporter "$scratch/tree")
  sed -i "1a #include \"$include\"" "$scratch/tree/$file"
  grep -q "^#include \"$include\"" "$scratch/tree/$file" || { echo "FAIL: could not edit $file" >&2; exit 1; }
  local output status=0
  output=$("$check" "$scratch/tree" 2>&1) || status=$?
  if [[ $status -eq 0 ]]; then
    echo "FAIL: $file including $include passed the check" >&2
    exit 1
  fi
  if [[ "$output" != *"$why"* ]]; then
    echo "FAIL: $file including $include: expected \"$why\", got:" >&2
    echo "$output" >&2
    exit 1
  fi
  echo "refused as expected: $file including $include ($why)"
}

expect_refused procfs/proc_fs.h scrape/scraper.h "procfs may not include from scrape"
expect_refused exposition/exposition_writer.h procfs/proc_fs.h "exposition may not include from procfs"
expect_refused collectors/sysv/shm_collector.cc collectors/posix/posix_directory.h \
  "collectors/sysv may not include from collectors/posix"
expect_refused scrape/scraper.cc exporter/http_encoding.h "scrape may not include from exporter"
expect_refused scrape/collector_run.h scrape/scraper.h "units include each other in a loop"
expect_refused exporter/options.h landing_page.h "qualify it by its folder"
echo "layers: the tree follows them and 6 of 6 violations are refused"
