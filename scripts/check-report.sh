#!/usr/bin/env bash
# Renders a small comparison's report.html in headless Chromium with the network cut off, and
# checks that the page loads without console errors, that its charts and animation are drawn, and
# that it asks for nothing over the network. Leaves the page, the rendered DOM, Chromium's log and
# a screenshot in target/check-report/ to look at.
#
# Installs Debian's `chromium` package when it is missing and apt-get can run; otherwise prints
# why and exits 0 (skipped), so that CI without apt does not fail. Exits 1 on a failed check.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=target/check-report
rm -rf "$out"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "==> apt-get install -y chromium"
        if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
            echo "==> SKIPPED the browser check: apt-get could not install chromium"
            exit 0
        fi
    else
        echo "==> SKIPPED the browser check: chromium is not installed and apt-get is unavailable (or not root)"
        exit 0
    fi
fi

echo "==> a small comparison with --report"
cargo build --release --quiet
target/release/trustsim compare scenarios/platform_collapse.toml --seeds 2 \
    --set population.users=2000 --out "$out/compare" --report --quiet
target/release/trustsim animate scenarios/platform_collapse.toml --set population.users=2000 \
    --out "$out/animation.html" --quiet
page="$(pwd)/$out/compare/report.html"

# No network: a network namespace of its own when possible, and in any case every host name
# unresolvable and every connection sent to a closed proxy.
isolate=()
if unshare -n true 2>/dev/null; then
    isolate=(unshare -n)
fi
browser() {
    "${isolate[@]}" chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --proxy-server=127.0.0.1:9 --host-resolver-rules="MAP * ~NOTFOUND" \
        --enable-logging=stderr --v=0 --virtual-time-budget=10000 "$@"
}

echo "==> rendering with chromium ${isolate[*]:+(in its own network namespace)}"
browser --dump-dom "file://$page" >"$out/dom.html" 2>"$out/chromium-dom.log"
browser --window-size=1280,7000 --screenshot="$(pwd)/$out/report.png" "file://$page" >/dev/null \
    2>"$out/chromium-screenshot.log"
# The animation on a page of its own, ten (virtual) seconds in.
browser --window-size=1200,1000 --screenshot="$(pwd)/$out/animation.png" "file://$(pwd)/$out/animation.html" \
    >/dev/null 2>"$out/chromium-animation.log"

failed=0
check() {
    if eval "$2"; then
        echo "ok: $1"
    else
        echo "FAILED: $1"
        failed=1
    fi
}
logs="$out/chromium-dom.log $out/chromium-screenshot.log $out/chromium-animation.log"
# Chromium's own pages (chrome://) log to the console too; only the report's messages count.
check "no console messages or uncaught errors from the page" "! grep -hE 'CONSOLE.*source: file://' $logs"
check "no network requests" "! grep -hiE 'ERR_(NAME_NOT_RESOLVED|PROXY|CONNECTION)|Failed to load resource' $logs"
check "no external src or href in the page" "! grep -Eiq '(src|href)=\"(https?:)?//' '$page'"
check "nine charts inline (five over time, two distributions, two of early warning)" "[ \"\$(grep -c '<figure id=\"chart-' '$out/dom.html')\" -eq 9 ]"
check "the animation's canvases" "grep -q 'id=\"trustsim-network\"' '$out/dom.html' && grep -q 'id=\"trustsim-curve\"' '$out/dom.html'"
check "the animation's script ran (its day label moved on)" "grep -Eq 'id=\"trustsim-day-label\">day [0-9]+ of [0-9]+' '$out/dom.html'"
check "screenshots were taken" "[ -s '$out/report.png' ] && [ -s '$out/animation.png' ]"
if [ "$failed" != 0 ]; then
    echo "==> browser check FAILED (see $out)"
    exit 1
fi
echo "==> browser check passed; screenshots: $out/report.png, $out/animation.png"
