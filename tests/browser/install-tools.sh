#!/usr/bin/env bash
# Install what the browser tests (tests/browser) need, where this machine allows it:
#   * Chromium from the Debian packages (`chromium`, `chromium-driver`), when run as root
#     with apt-get and no Chromium yet (browser downloads by Playwright are never used);
#   * axe-core from npm, pinned in tests/browser/package.json and package-lock.json, into
#     tests/browser/node_modules (gitignored); npm itself from Debian when it is missing.
# Never fails: what cannot be installed makes the tests that need it skip with a message.
# The Python package (Playwright) comes with the dev extras: pip install -e ".[dev]".
set -u
here="$(cd "$(dirname "$0")" && pwd)"

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_install() {
    echo "browser tests: apt-get install $*" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "$@"; } >/dev/null || echo "browser tests: apt-get failed" >&2
}

if ! command -v chromium >/dev/null 2>&1 && [ -z "${SURVEY_KIT_CHROMIUM:-}" ]; then
    if can_apt; then apt_install chromium chromium-driver fonts-dejavu-core; else
        echo "browser tests: no Chromium and no apt-get as root; they will be skipped" >&2; fi
fi
if ! command -v npm >/dev/null 2>&1 && can_apt; then apt_install npm; fi
stamp="$here/node_modules/.installed"  # npm gives the package's files an old date
if [ ! -f "$here/node_modules/axe-core/axe.min.js" ] || [ "$here/package-lock.json" -nt "$stamp" ]
then
    if command -v npm >/dev/null 2>&1; then
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error && touch "$stamp") \
            || echo "browser tests: npm ci failed; the axe-core checks will be skipped" >&2
    else
        echo "browser tests: no npm; the axe-core checks will be skipped" >&2
    fi
fi
exit 0
