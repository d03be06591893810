#!/bin/sh
# Regenerates the README's table of the seed's comparison, and its chart,
# from one run of the bench on the book the seed timed:
#
#   docs/bench-readme.sh path/to/don-quixote.txt
#
# The book is Don Quixote, Project Gutenberg ebook 996
# (https://www.gutenberg.org/ebooks/996, "Plain Text UTF-8"). The run's
# Markdown (the command, the protocol, the table, the reasons) replaces the
# lines between the bench-book markers in README.md; it needs python3.
set -eu
book=${1:?usage: docs/bench-readme.sh path/to/don-quixote.txt}
cd "$(dirname "$0")/.."
block=$(mktemp)
trap 'rm -f "$block" "$block.readme"' EXIT
go run ./cmd/mmap bench --file "$book" --python --chart docs/bench-book.svg --markdown >"$block"
awk -v block="$block" '
	/<!-- bench-book:begin -->/ { print; while ((getline line < block) > 0) print line; skip = 1; next }
	/<!-- bench-book:end -->/ { skip = 0 }
	!skip { print }
' README.md >"$block.readme"
grep -q '<!-- bench-book:end -->' "$block.readme" || { echo "README.md: no bench-book markers" >&2; exit 1; }
mv "$block.readme" README.md
echo "README.md: bench block regenerated from: $(head -n 1 "$block")"
