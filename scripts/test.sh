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

set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests; treating that as a failure" >&2
  exit 1
fi
exit "$status"
