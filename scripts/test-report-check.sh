#!/usr/bin/env bash
# Tests scripts/report-check.sh on hand-written pages in the real Chromium on PATH, so a Chromium
# whose log no longer shows what the check looks for is caught before the check passes everything:
# a page with an SVG chart passes (and its PNG is written beside it); a blank page, pages that load
# a remote image, a missing local image, a stylesheet or run a script, a page without the CSP meta,
# and a render that runs out of time fail, each for its own reason. Exits 1 on any surprise.
# Used by `make report-check` before it checks the examples' reports.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
surprises=0

csp="<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
chart='<svg xmlns="http://www.w3.org/2000/svg" width="900" height="400" viewBox="0 0 900 400" role="img">
<title>TTFT CDF</title><rect width="900" height="400" fill="#f4f6fb"/>
<polyline points="60,360 200,300 340,180 480,110 620,70 760,50 860,44" fill="none" stroke="#1f5fbf" stroke-width="3"/>
<line x1="60" y1="360" x2="860" y2="360" stroke="#222"/><line x1="60" y1="40" x2="60" y2="360" stroke="#222"/>
<text x="460" y="392" font-size="14" text-anchor="middle">TTFT (s)</text></svg>
<table><tr><th>fraction</th><th>seconds</th></tr><tr><td>0.5</td><td>0.182</td></tr></table>'

# page NAME HEAD BODY: writes $scratch/NAME/NAME.html, one report per directory.
page() {
  mkdir -p "$scratch/$1"
  printf '<!doctype html><html><head><meta charset="utf-8">%s<title>%s</title></head><body>%s</body></html>\n' \
    "$2" "$1" "$3" >"$scratch/$1/$1.html"
}
# expect NAME pass|fail REASON [VAR=VALUE...]: runs report-check on NAME's directory; the status
# and, for a failure, the text REASON in its output must be as expected.
expect() {
  local name="$1" outcome="$2" reason="$3" output status
  shift 3
  output="$(env "$@" "$root/scripts/report-check.sh" "$scratch/$name" 2>&1)"
  status=$?
  if [ "$outcome" = pass ] && [ "$status" -eq 0 ] && [ -s "$scratch/$name/$name.png" ]; then
    echo "ok   $name passes"
  elif [ "$outcome" = fail ] && [ "$status" -ne 0 ] && grep -qF -- "$reason" <<<"$output"; then
    echo "ok   $name fails: $(grep -F -- "$reason" <<<"$output" | head -n 1 | cut -c1-160)"
  else
    echo "SURPRISE $name: expected to $outcome${reason:+ ($reason)}, report-check exited $status:" >&2
    sed 's/^/    /' <<<"$output" >&2
    surprises=$((surprises + 1))
  fi
}

page chart "$csp" "<h1>simulate: chart</h1>$chart"
page blank "$csp" ""
page remote-image "$csp" "<h1>chart</h1>$chart<img src=\"http://x/a.png\" alt=\"\">"
page local-image "$csp" "<h1>chart</h1>$chart<img src=\"missing.png\" alt=\"\">"
page stylesheet "$csp<link rel=\"stylesheet\" href=\"style.css\">" "<h1>chart</h1>$chart"
page script "$csp" "<h1>chart</h1>$chart<script>console.error('boom')</script>"
page no-csp "" "<h1>chart</h1>$chart"
page slow "$csp" "<h1>chart</h1>$chart"

expect chart pass ""
expect blank fail "screenshot blank"
expect remote-image fail "Loading the image 'http://x/a.png' violates"
expect local-image fail "missing.png' violates"
expect stylesheet fail "Loading the stylesheet"
expect script fail "Content Security Policy"
expect no-csp fail "no <meta http-equiv"
expect slow fail "did not finish within 0.05 s" REPORT_CHECK_TIMEOUT=0.05

if [ "$surprises" -ne 0 ]; then
  echo "test-report-check: $surprises surprise(s)" >&2
  exit 1
fi
echo "test-report-check: every page passed or failed as expected"
