#!/usr/bin/env bash
# Renders every report (*.html) under DIR (default .build/reports) in headless Chromium to a PNG
# beside it (report.html -> report.png), and fails a report when
#   - it lacks the Content-Security-Policy meta every GPUSched report carries (without it a resource
#     that fails to load leaves no line in Chromium's log, so the check below could not see it);
#   - Chromium logs any console message while loading it: reports have no script, so every message
#     comes from the browser itself: a CSP violation (anything fetched that is not inline or a data:
#     URL: a remote or local image, a stylesheet, a font), a failed load, a parse error;
#   - Chromium does not exit 0 within REPORT_CHECK_TIMEOUT seconds (default 60), or writes no PNG;
#   - the PNG is blank: the variance of its colour samples is below REPORT_CHECK_MIN_VARIANCE
#     (default 20; scripts/png_check.py).
# Prints one line per report and a count; exits 1 when any report fails or none is found.
# Needs `chromium` on PATH (scripts/install-chromium.sh). Used by `make report-check`.
#
#   scripts/report-check.sh                  # every report under .build/reports
#   scripts/report-check.sh path/to/reports  # or under another directory
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
directory="${1:-$root/.build/reports}"
timeout_seconds="${REPORT_CHECK_TIMEOUT:-60}"
min_variance="${REPORT_CHECK_MIN_VARIANCE:-20}"

if ! command -v chromium >/dev/null 2>&1; then
  echo "report-check: no chromium on PATH (scripts/install-chromium.sh installs it)" >&2
  exit 1
fi
if [ ! -d "$directory" ]; then
  echo "report-check: no directory $directory (make examples writes the reports there)" >&2
  exit 1
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# Lines of Chromium's log that mean the page did not load cleanly: console messages
# (`INFO:CONSOLE:12] "..."`, older builds `INFO:CONSOLE(12)`), CSP violations and network errors.
problem_pattern=':CONSOLE[:(]|Content Security Policy|net::ERR_|Failed to load resource'

# milliseconds: the time now, for the timings each line reports.
milliseconds() { date +%s%3N; }
# seconds_since START_MS: elapsed seconds with one decimal.
seconds_since() { awk -v ms=$(( $(milliseconds) - $1 )) 'BEGIN { printf "%.1f", ms / 1000 }'; }

passed=0
failed=0
while IFS= read -r -d '' report; do
  report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
  png="${report%.html}.png"
  log="$scratch/chromium.log"
  rm -f "$png"
  problem=""
  if ! grep -qi 'http-equiv="Content-Security-Policy"' "$report"; then
    problem="no <meta http-equiv=\"Content-Security-Policy\">: a failed load would go unseen"
  fi
  start=$(milliseconds)
  if [ -z "$problem" ]; then
    profile="$(mktemp -d "$scratch/profile.XXXXXX")"
    timeout -k 5 "$timeout_seconds" chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --no-first-run --disable-background-networking --disable-component-update --disable-sync \
      --disable-extensions --user-data-dir="$profile" \
      --window-size=1200,2400 --screenshot="$png" --enable-logging=stderr --v=0 \
      "file://$report" >"$log" 2>&1
    status=$?
    rm -rf "$profile"
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      problem="chromium did not finish within $timeout_seconds s"
    elif [ "$status" -ne 0 ]; then
      problem="chromium exited $status: $(grep -v dbus "$log" | tail -n 1)"
    elif grep -qE "$problem_pattern" "$log"; then
      problem="console: $(grep -E "$problem_pattern" "$log" | head -n 1 | sed 's/^\[[^]]*\] *//')"
    elif [ ! -s "$png" ]; then
      problem="chromium wrote no screenshot"
    fi
  fi
  render_seconds=$(seconds_since "$start")
  if [ -z "$problem" ]; then
    check_start=$(milliseconds)
    verdict="$(python3 "$root/scripts/png_check.py" --min-variance "$min_variance" "$png")"
    blank_status=$?
    # png_check prints "ok|blank|unreadable PATH: details"; keep the details.
    details="${verdict#*"$png": }"
    if [ "$blank_status" -ne 0 ]; then
      problem="screenshot ${verdict%% *}: $details"
    fi
  fi
  name="${report#"$root/"}"
  if [ -z "$problem" ]; then
    echo "ok   $name (render $render_seconds s, check $(seconds_since "$check_start") s): $details"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $problem" >&2
    failed=$((failed + 1))
  fi
done < <(find "$directory" -name '*.html' -type f -print0 | sort -z)

if [ $((passed + failed)) -eq 0 ]; then
  echo "report-check: no reports (*.html) under $directory" >&2
  exit 1
fi
echo "reports: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
