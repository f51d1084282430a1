#!/usr/bin/env bash
# Tools some e2e tests need beyond Node and Go: shells to check completion scripts with, and
# krew's own tools to validate and install the manifest. Installed when missing, so a fresh
# machine runs those tests instead of skipping them.
set -euo pipefail
missing=()
for shell in zsh fish; do command -v "$shell" >/dev/null || missing+=("$shell"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
bin=/usr/local/bin
if ! command -v kubectl-krew >/dev/null; then
  GOBIN="$(mktemp -d)" && export GOBIN && "$go" install sigs.k8s.io/krew/cmd/krew@v0.4.3 && mv "$GOBIN/krew" "$bin/kubectl-krew"
fi
if ! command -v validate-krew-manifest >/dev/null; then
  GOBIN="$bin" "$go" install sigs.k8s.io/krew/cmd/validate-krew-manifest@v0.4.3
fi
