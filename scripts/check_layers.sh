#!/usr/bin/env bash
# Checks that includes run one way only, through the folders' layers (README, Development):
#   base <- procfs, exposition, bpf <- collectors <- collectors/sysv, collectors/posix,
#   collectors/activity (which alone reads bpf) <- scrape <- exporter
# and that no file includes a unit (a .h/.cc pair) that includes it back, directly or not.
# Every project include is qualified by its folder ("procfs/proc_fs.h").
#
#   check_layers.sh [SOURCE_ROOT]     exits 1 and names every include against the rule
set -euo pipefail
root=${1:-$(dirname "$(readlink -f "$0")")/..}
cd "$root"

# What each folder may include besides itself.
declare -A may_include=(
  [base]=""
  [bpf]="base"
  [procfs]="base"
  [exposition]="base"
  [collectors]="base procfs exposition"
  [collectors/sysv]="base procfs exposition collectors"
  [collectors/posix]="base procfs exposition collectors"
  [collectors/activity]="base procfs exposition collectors bpf"
  [scrape]="base procfs exposition collectors collectors/sysv collectors/posix collectors/activity bpf"
  [exporter]="base procfs exposition collectors collectors/sysv collectors/posix collectors/activity bpf scrape"
)

problems=0
complain() {
  echo "check_layers: $*" >&2
  problems=$((problems + 1))
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for folder in "${!may_include[@]}"; do
  for file in "$folder"/*.h "$folder"/*.cc; do
    [[ -f "$file" ]] || continue
    while IFS= read -r included; do
      included_folder=${included%/*}
      if [[ "$included" != */* ]]; then
        complain "$file includes \"$included\": qualify it by its folder"
        continue
      fi
      if [[ -z "${may_include[$included_folder]+set}" ]]; then
        complain "$file includes \"$included\": no such layer ($included_folder)"
        continue
      fi
      if [[ "$included_folder" != "$folder" && " ${may_include[$folder]} " != *" $included_folder "* ]]; then
        complain "$file includes \"$included\": $folder may not include from $included_folder"
      fi
      echo "${file%.*} ${included%.*}" >>"$edges"
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
  done
done

# A unit that includes itself (a .cc its own header) is no loop; any other cycle is.
loops=$(awk '$1 != $2' "$edges" | tsort 2>&1 >/dev/null || true)
if [[ -n "$loops" ]]; then
  complain "units include each other in a loop:"
  echo "$loops" | grep -v '^tsort: input contains a loop' | sed 's/^tsort: /  /' >&2
fi

if ((problems > 0)); then
  echo "check_layers: $problems problem(s); the layers are in README, Development" >&2
  exit 1
fi
echo "check_layers: $(wc -l <"$edges") includes in $(cut -d' ' -f1 "$edges" | sort -u | wc -l) files follow the layers"
