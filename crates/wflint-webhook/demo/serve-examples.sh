#!/usr/bin/env bash
# Runs the admission gate locally: a fresh self-signed certificate (valid for localhost), the
# default policy, and the cluster state of examples/artifact-passing (namespace `demo`).
# Then, from another shell:
#   curl -s --cacert /tmp/wflint-tls/ca.crt -H 'content-type: application/json' \
#     --data @crates/wflint-webhook/demo/review-deny.json https://localhost:8443/validate
# Extra arguments are passed to the server (e.g. --addr 127.0.0.1:9443).
set -euo pipefail
cd "$(dirname "$0")/../../.."
TLS_DIR="${TLS_DIR:-/tmp/wflint-tls}"
deploy/gen-certs.sh --no-apply --local --out "$TLS_DIR"
exec cargo run -q -p wflint-webhook -- \
  --addr 127.0.0.1:8443 \
  --tls-cert "$TLS_DIR/tls.crt" --tls-key "$TLS_DIR/tls.key" \
  --policy policies/default.yaml \
  --context examples/artifact-passing/context \
  --metrics-addr 127.0.0.1:9090 \
  --shutdown-delay 0s \
  --log-format text \
  "$@"
