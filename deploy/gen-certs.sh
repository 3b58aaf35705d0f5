#!/usr/bin/env bash
# Makes a self-signed CA and a serving certificate for the wflint webhook Service, stores them
# in the Secret the Deployment mounts, and patches the CA bundle into both webhook
# configurations. For clusters without cert-manager (with it: kubectl apply -k deploy/cert-manager).
#
#   deploy/gen-certs.sh                      # create the Secret, patch caBundle (kubectl context)
#   deploy/gen-certs.sh --no-apply --out DIR # only write ca.crt, tls.crt, tls.key into DIR
#   deploy/gen-certs.sh --local ...          # also valid for localhost / 127.0.0.1 (local runs)
#
# Re-running it rotates the certificate; the server picks the new files up without a restart
# (the kubelet updates the Secret volume within about a minute).
set -euo pipefail

NAMESPACE=wflint-system
SERVICE=wflint-webhook
SECRET=wflint-webhook-tls
VALIDATING=wflint-validating
MUTATING=wflint-mutating
DAYS=365
OUT=""
APPLY=1
LOCAL=0

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --no-apply) APPLY=0; shift ;;
    --local) LOCAL=1; shift ;;
    --namespace) NAMESPACE="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done

command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }
if [ -z "$OUT" ]; then
  OUT="$(mktemp -d)"
  trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"
cd "$OUT"

HOST="$SERVICE.$NAMESPACE.svc"
SAN="DNS:$SERVICE,DNS:$SERVICE.$NAMESPACE,DNS:$HOST,DNS:$HOST.cluster.local"
if [ "$LOCAL" = 1 ]; then
  SAN="$SAN,DNS:localhost,IP:127.0.0.1"
fi

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.crt -days "$DAYS" -subj "/CN=wflint-webhook-ca" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout tls.key -out tls.csr -subj "/CN=$HOST" 2>/dev/null
cat > tls.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$SAN
EXT
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
  -out tls.crt -days "$DAYS" -extfile tls.ext 2>/dev/null
rm -f tls.csr tls.ext ca.srl
chmod 600 ca.key tls.key

if [ "$APPLY" = 0 ]; then
  echo "wrote $OUT/ca.crt, $OUT/tls.crt, $OUT/tls.key (for $SAN)"
  exit 0
fi

command -v kubectl >/dev/null || { echo "kubectl is required (or use --no-apply)" >&2; exit 1; }
kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE"
kubectl -n "$NAMESPACE" create secret tls "$SECRET" --cert=tls.crt --key=tls.key \
  --dry-run=client -o yaml | kubectl apply -f -
CA_BUNDLE="$(base64 < ca.crt | tr -d '\n')"
for kind_name in "validatingwebhookconfiguration/$VALIDATING" "mutatingwebhookconfiguration/$MUTATING"; do
  if kubectl get "$kind_name" >/dev/null 2>&1; then
    kubectl patch "$kind_name" --type=json \
      -p "[{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$CA_BUNDLE\"}]"
  else
    echo "$kind_name not found: apply deploy/base, then run this script again" >&2
  fi
done
echo "Secret $NAMESPACE/$SECRET written; caBundle patched where the webhook configurations exist"
