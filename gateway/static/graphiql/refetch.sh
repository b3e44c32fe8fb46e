#!/usr/bin/env bash
# Re-fetch the GraphiQL page's files from the npm registry (`npm pack <package>@<version>`, as
# MANIFEST.tsv lists them) and check each is byte for byte the committed one, and that the
# committed files match SHA256SUMS. Run by hand when upgrading GraphiQL (not by CI: CI has no
# reason to reach a registry to serve a page). To upgrade, change the versions in MANIFEST.tsv,
# run with --update, review the diff, and run again without it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
update="${1:-}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

while IFS=$'\t' read -r file package version path _licence; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  unpacked="$scratch/$(echo "$package@$version" | tr '/@' '__')"
  if [[ ! -d "$unpacked" ]]; then
    mkdir -p "$unpacked"
    tarball="$(cd "$scratch" && npm pack --silent "$package@$version" | tail -n 1)"
    tar -xzf "$scratch/$tarball" -C "$unpacked"
  fi
  if [[ "$update" == "--update" ]]; then
    cp "$unpacked/package/$path" "$here/$file"
  elif ! cmp -s "$unpacked/package/$path" "$here/$file"; then
    echo "differs from $package@$version's $path: $file" >&2
    exit 1
  fi
done < "$here/MANIFEST.tsv"

if [[ "$update" == "--update" ]]; then
  (cd "$here" && grep -v '^#' MANIFEST.tsv | cut -f1 | xargs sha256sum > SHA256SUMS)
fi
(cd "$here" && sha256sum --check --quiet SHA256SUMS)
echo "GraphiQL files: as published, and as SHA256SUMS records"
