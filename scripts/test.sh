#!/usr/bin/env bash
# Every test (`make test`), in two lanes that overlap:
#
#   - the site tests (scripts/site-tests.sh: the committed site/ in headless
#     Chromium and the Nu Html Checker) start at once, in the background, with
#     their output kept in .artifacts/site-tests/output.txt. They mostly wait
#     on the browser (about a quarter of the two cores over 90 s), and they
#     need nothing that the Swift lane builds: they judge the committed site/.
#   - meanwhile the page script's unit tests run in node (`node --test
#     Tests/js/`, a second or so), then the Swift lane builds and runs the
#     Swift tests, builds the release engine and runtime, runs `convbook
#     check` on the committed site/ and the same on another BLAS kernel
#     (scripts/other-cpu-check.sh); then actionlint checks the GitHub
#     Actions workflows, ours and the one `convbook init` writes
#     (scripts/lint-workflows.sh).
#
# Then the site tests' output is printed whole, and the script fails if
# the node tests or either lane failed. Nothing in the Swift lane writes
# into site/.
#
#   bash scripts/test.sh            (SWIFT=swift by default)
set -uo pipefail
cd "$(dirname "$0")/.."
swift="${SWIFT:-swift}"

mkdir -p .artifacts/site-tests
site_output=.artifacts/site-tests/output.txt
bash scripts/site-tests.sh site >"$site_output" 2>&1 &
site_tests=$!
# An interrupted run leaves no browser behind.
trap 'kill "$site_tests" 2>/dev/null' INT TERM

echo "== the page script's unit tests (node --test Tests/js/):"
node --test Tests/js/
js_status=$?

swift_lane() {
    set -e
    bash scripts/crosscheck-env.sh
    "$swift" build --build-tests
    "$swift" test
    "$swift" build -c release --product ConvbookRuntime
    .build/debug/convbook check --modules .build/release
    bash scripts/other-cpu-check.sh .build/debug/convbook site --modules .build/release
}
( swift_lane )
swift_status=$?

echo "== the GitHub Actions workflows, ours and the one convbook init writes (scripts/lint-workflows.sh):"
CONVBOOK=.build/debug/convbook bash scripts/lint-workflows.sh
workflows_status=$?

echo "== the site tests (scripts/site-tests.sh site), run alongside the above:"
wait "$site_tests"
site_status=$?
cat "$site_output"

if [ "$workflows_status" -ne 0 ]; then
    echo "error: actionlint found mistakes in the workflows (exit $workflows_status); they are above the site tests' output" >&2
fi
if [ "$js_status" -ne 0 ]; then
    echo "error: the page script's unit tests failed (exit $js_status); their output is at the top" >&2
fi
if [ "$swift_status" -ne 0 ]; then
    echo "error: the Swift tests or the site check failed (exit $swift_status)" >&2
fi
if [ "$site_status" -ne 0 ]; then
    echo "error: the site tests failed (exit $site_status); their output is above and in $site_output" >&2
fi
[ "$workflows_status" -eq 0 ] && [ "$js_status" -eq 0 ] && [ "$swift_status" -eq 0 ] && [ "$site_status" -eq 0 ]
