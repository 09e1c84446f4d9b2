#!/usr/bin/env bash
# Install profile-render with its test dependencies into .venv, fetch the Helm
# oracle binary, and run the whole test suite. This is the README's test
# command and what CI runs (.ci/run). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

if helm_path="$(bash scripts/fetch-helm.sh)"; then
  export PROFILE_RENDER_HELM="$helm_path"
  echo "helm oracle: $("$helm_path" version --short)"
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: could not fetch the Helm oracle binary; CI must run the conformance tests" >&2
  exit 1
else
  echo "test.sh: Helm oracle unavailable here; tests marked 'helm' will be skipped" >&2
fi

# The HTML report's tests open it in a real headless browser: Debian's chromium, installed when missing
# (nothing downloads a browser build of its own).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test.sh: installing chromium for the report's browser tests"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
    >/tmp/profile-render-chromium-install.log 2>&1 || true
fi
if command -v chromium >/dev/null 2>&1; then
  echo "browser: $(chromium --version 2>/dev/null | head -n 1)"
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: could not install chromium (see /tmp/profile-render-chromium-install.log); CI must run the report's browser tests" >&2
  exit 1
else
  echo "test.sh: chromium unavailable here; the report's browser tests will be skipped" >&2
fi

set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests; treating that as a failure" >&2
  exit 1
fi
exit "$status"
