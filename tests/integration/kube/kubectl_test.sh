#!/usr/bin/env bash
# Drives the REAL kubectl against kube-sim and checks what a real
# kube-apiserver would make kubectl print (expectations from
# tests/data/k8s-wire-samples and the Kubernetes documentation, not from our
# own client): discovery, CRD + custom resource with printer columns,
# metadata (uid, resourceVersion, generation, creationTimestamp), the status
# subresource, generation rules, Secrets with label selection, Events in
# `kubectl get events` and `kubectl describe`, a watch, schema violations
# (422 Invalid), strict server-side validation of a Deployment, deletion with
# garbage collection.
#
# Usage: kubectl_test.sh <path/to/kube-sim> [kube-sim flags, e.g. --tls --token=t]
# Env:   KUBECTL (default: kubectl on PATH). Exit 77 (skip) without kubectl.
# kubectl is isolated with a temporary HOME, KUBECONFIG and KUBECACHEDIR;
# every process started here is stopped by PID on exit, failure included.
set -euo pipefail

KUBE_SIM=${1:?usage: kubectl_test.sh <kube-sim> [kube-sim flags]}
shift
KUBECTL=${KUBECTL:-kubectl}
if ! command -v "$KUBECTL" >/dev/null 2>&1; then
  echo "SKIP: no kubectl ($KUBECTL)"
  exit 77
fi
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURES=$HERE/fixtures

TMP=$(mktemp -d)
SIM_PID=""
LOG_PID=""
WATCH_PID=""
cleanup() {
  local rc=$?
  for pid in "$WATCH_PID" "$SIM_PID" "$LOG_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ $rc -ne 0 ] && [ -f "$TMP/sim.log" ]; then
    echo "--- kube-sim log"; cat "$TMP/sim.log"
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT

export HOME=$TMP/home KUBECONFIG=$TMP/kubeconfig KUBECACHEDIR=$TMP/cache
mkdir -p "$HOME"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "--- $*"; }

# run <expected rc> <command...>: runs, keeps stdout+stderr in $OUT.
run() {
  local want=$1
  shift
  set +e
  OUT=$("$@" 2>&1)
  local rc=$?
  set -e
  if [ "$want" = "0" ] && [ $rc -ne 0 ]; then fail "$* exited $rc:"$'\n'"$OUT"; fi
  if [ "$want" = "fail" ] && [ $rc -eq 0 ]; then fail "$* succeeded but should fail:"$'\n'"$OUT"; fi
  return 0
}
contains() {  # contains <needle> [description]
  grep -qF -- "$1" <<<"$OUT" || fail "${2:-output} lacks '$1':"$'\n'"$OUT"
}
lacks() {
  if grep -qF -- "$1" <<<"$OUT"; then fail "${2:-output} has '$1':"$'\n'"$OUT"; fi
}
matches() {  # matches <extended regex>
  grep -qE -- "$1" <<<"$OUT" || fail "output does not match /$1/:"$'\n'"$OUT"
}
equals() {
  [ "$OUT" = "$1" ] || fail "expected '$1', got '$OUT'"
}
k() { "$KUBECTL" "$@"; }

# --- start kube-sim; it announces itself on stderr only once it listens and
# its kubeconfig is written, so we wait (bounded) for that line, not a sleep.
mkfifo "$TMP/sim.fifo"
"$KUBE_SIM" --port=0 --kubeconfig-out="$KUBECONFIG" --namespace=default "$@" \
  2>"$TMP/sim.fifo" &
SIM_PID=$!
exec 3<"$TMP/sim.fifo"
if ! read -r -t 60 -u 3 ready; then fail "kube-sim did not start"; fi
# Keep draining its stderr into a log.
cat <&3 >"$TMP/sim.log" &
LOG_PID=$!
exec 3<&-
case "$ready" in *"serving http"*) ;; *) fail "unexpected kube-sim output: $ready" ;; esac
[ -s "$KUBECONFIG" ] || fail "no kubeconfig written"

MINOR=$(k version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1)
[ -n "$MINOR" ] || fail "cannot tell the kubectl version"
echo "kubectl 1.$MINOR against ${ready#kube-sim: serving }"
# kubectl 1.27+ learns from /openapi/v3 that the server validates fields and
# sends fieldValidation=Strict; older kubectl validates client-side against
# /openapi/v2 (served as protobuf from the same Kubernetes schema).

step "discovery"
run 0 k get namespaces
contains "default"
contains "kube-system"
matches "^NAME +STATUS +AGE"
run 0 k api-resources --api-group=coordination.k8s.io
contains "leases"

step "apply the AWSIAMRole CRD"
run 0 k apply -f "$FIXTURES/awsiamrole-crd.yaml"
equals "customresourcedefinition.apiextensions.k8s.io/awsiamroles.zalando.org created"
run 0 k get crd awsiamroles.zalando.org -o 'jsonpath={.status.conditions[?(@.type=="Established")].status}'
equals "True"
run 0 k api-resources --api-group=zalando.org
matches "awsiamroles +zalando.org/v1 +true +AWSIAMRole"

step "apply a custom resource"
run 0 k create namespace demo
equals "namespace/demo created"
run 0 k apply -f "$FIXTURES/awsiamrole.yaml"
equals "awsiamrole.zalando.org/my-app-iam-role created"
run 0 k apply -f "$FIXTURES/awsiamrole.yaml"
equals "awsiamrole.zalando.org/my-app-iam-role unchanged"

step "kubectl get shows the printer columns"
run 0 k get awsiamroles -n demo
matches "^NAME +ROLEARN +EXPIRATION$"
matches "^my-app-iam-role +$"
run 0 k get all -n demo
contains "awsiamrole.zalando.org/my-app-iam-role"

step "get -o yaml shows the server-set metadata"
run 0 k get awsiamrole my-app-iam-role -n demo -o yaml
matches "^  uid: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
matches "^  resourceVersion: \"[0-9]+\"$"
matches "^  generation: 1$"
matches "^  creationTimestamp: \"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\"$"
contains "roleSessionDuration: 3600" "the CRD default"
UID_ROLE=$(k get awsiamrole my-app-iam-role -n demo -o 'jsonpath={.metadata.uid}')

ARN="arn:aws:iam::123456789012:role/team/app/my-role"
if [ "$MINOR" -ge 24 ]; then
  step "patch --subresource=status sets status without touching generation"
  run 0 k patch awsiamrole my-app-iam-role -n demo --subresource=status --type=merge \
    -p "{\"status\":{\"roleARN\":\"$ARN\",\"expiration\":\"2026-11-23T16:44:56Z\",\"observedGeneration\":1}}"
  equals "awsiamrole.zalando.org/my-app-iam-role patched"
  run 0 k get awsiamroles -n demo
  matches "^my-app-iam-role +arn:aws:iam::123456789012:role/team/app/my-role +2026-11-23T16:44:56Z$"
  run 0 k get awsiamrole my-app-iam-role -n demo -o 'jsonpath={.metadata.generation}'
  equals "1"
  step "the main endpoint ignores status"
  run 0 k patch awsiamrole my-app-iam-role -n demo --type=merge -p '{"status":{"roleARN":"ignored"}}'
  run 0 k get awsiamrole my-app-iam-role -n demo -o 'jsonpath={.status.roleARN} {.metadata.generation}'
  equals "$ARN 1"
else
  echo "NOTE: kubectl 1.$MINOR has no --subresource (1.24+): status steps skipped"
fi

step "a spec change bumps generation"
run 0 k patch awsiamrole my-app-iam-role -n demo --type=merge -p '{"spec":{"roleSessionDuration":7200}}'
run 0 k get awsiamrole my-app-iam-role -n demo -o 'jsonpath={.metadata.generation} {.spec.roleSessionDuration}'
equals "2 7200"
run 0 k label awsiamrole my-app-iam-role -n demo team=app
run 0 k get awsiamrole my-app-iam-role -n demo -o 'jsonpath={.metadata.generation}'
equals "2"

step "Secrets and label selection"
run 0 k create secret generic my-app-iam-role -n demo --from-literal=credentials=seed --from-literal=expire=2026-11-23T16:44:56Z
equals "secret/my-app-iam-role created"
run 0 k create secret generic unrelated -n demo --from-literal=a=b
run 0 k label secret my-app-iam-role -n demo heritage=kube-aws-iam-controller type=awsiamrole
equals "secret/my-app-iam-role labeled"
run 0 k get secrets -n demo -l heritage=kube-aws-iam-controller
matches "^NAME +TYPE +DATA +AGE$"
matches "^my-app-iam-role +Opaque +2 +[0-9]+s$"
lacks "unrelated"
run 0 k get secrets -n demo -l 'heritage!=kube-aws-iam-controller' -o name
equals "secret/unrelated"
run 0 k get secrets -A -l 'heritage in (kube-aws-iam-controller),type=awsiamrole' -o name
equals "secret/my-app-iam-role"
run 0 k get secret my-app-iam-role -n demo -o 'jsonpath={.data.credentials}'
equals "c2VlZA=="

step "a watch (kubectl get -w) sees a change"
mkfifo "$TMP/watch.fifo"
k get secrets -n demo -w >"$TMP/watch.fifo" 2>&1 &
WATCH_PID=$!
exec 4<"$TMP/watch.fifo"
# The list comes first; the watch resumes from the list's resourceVersion, so
# a change made once the list is printed is seen however late the watch
# request arrives.
listed=""
while read -r -t 30 -u 4 line; do
  case "$line" in unrelated*) listed=$line; break ;; esac
done
[ -n "$listed" ] || fail "kubectl get -w printed no list"
run 0 k create secret generic watched -n demo --from-literal=a=b
seen=""
while read -r -t 30 -u 4 line; do
  case "$line" in watched*) seen=$line; break ;; esac
done
exec 4<&-
kill -TERM "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
[[ "$seen" =~ ^watched\ +Opaque\ +1 ]] || fail "kubectl get -w did not show the new Secret (got '$seen')"

step "Events in kubectl get events and kubectl describe"
sed "s/uid: PLACEHOLDER/uid: $UID_ROLE/" "$FIXTURES/event.yaml" >"$TMP/event.yaml"
run 0 k create -f "$TMP/event.yaml"
equals "event/my-app-iam-role.18eab713b99d77e7 created"
run 0 k get events -n demo
matches "^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$"
matches "Normal +CreateCredentials +awsiamrole/my-app-iam-role +Created credentials for role 'arn:aws:iam::123456789012:role/team/app/my-role'"
run 0 k describe awsiamrole my-app-iam-role -n demo
matches "^Name: +my-app-iam-role$"
matches "^Events:$"
matches "Normal +CreateCredentials +.* +kube-aws-iam-controller +Created credentials for role"

step "a CR violating the schema is rejected with the apiserver's Invalid message"
run fail k apply -f "$FIXTURES/awsiamrole-invalid.yaml"
contains 'The AWSIAMRole "bad" is invalid: '
contains '* spec.roleReference: Invalid value: "x": spec.roleReference in body should be at least 3 chars long'
contains '* spec.roleSessionDuration: Invalid value: 10: spec.roleSessionDuration in body should be greater than or equal to 900'

if [ "$MINOR" -ge 27 ]; then
  step "apply --dry-run=server --validate=strict rejects the initialDelaySecond typo"
  run fail k apply --dry-run=server --validate=strict -f "$FIXTURES/deployment-typo.yaml"
  contains 'Error from server (BadRequest): error when creating'
  contains 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].livenessProbe.initialDelaySecond"'
  run fail k apply --dry-run=server --validate=strict -f "$FIXTURES/deployment-typo.yaml" -v=6
  contains "POST"
  contains "?dryRun=All&fieldManager=kubectl-client-side-apply&fieldValidation=Strict"
  step "and accepts the correct manifest without storing it"
  run 0 k apply --dry-run=server --validate=strict -f "$FIXTURES/deployment.yaml"
  contains "serviceaccount/kube-aws-iam-controller created (server dry run)"
  contains "clusterrole.rbac.authorization.k8s.io/kube-aws-iam-controller created (server dry run)"
  contains "clusterrolebinding.rbac.authorization.k8s.io/kube-aws-iam-controller created (server dry run)"
  contains "deployment.apps/kube-aws-iam-controller created (server dry run)"
  run 0 k get deployments -n kube-system -o name
  equals ""
  step "kubectl explain reads the CRD schema from /openapi/v3"
  run 0 k explain awsiamrole.spec.roleReference
  contains "Reference to an AWS IAM role"
else
  step "apply --dry-run=server rejects the initialDelaySecond typo (client-side validation, /openapi/v2)"
  run fail k apply --dry-run=server -f "$FIXTURES/deployment-typo.yaml"
  contains 'unknown field "initialDelaySecond" in io.k8s.api.core.v1.Probe'
  step "and accepts the correct manifest without storing it"
  run 0 k apply --dry-run=server -f "$FIXTURES/deployment.yaml"
  contains "deployment.apps/kube-aws-iam-controller created (server dry run)"
  run 0 k get deployments -n kube-system -o name
  equals ""
fi

step "delete the CR; the garbage collector deletes its Secret"
run 0 k patch secret my-app-iam-role -n demo --type=merge -p \
  "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"zalando.org/v1\",\"kind\":\"AWSIAMRole\",\"name\":\"my-app-iam-role\",\"uid\":\"$UID_ROLE\",\"controller\":true,\"blockOwnerDeletion\":true}]}}"
run 0 k delete awsiamrole my-app-iam-role -n demo
equals 'awsiamrole.zalando.org "my-app-iam-role" deleted'
run 0 k get awsiamroles -n demo
equals "No resources found in demo namespace."
run fail k get secret my-app-iam-role -n demo
equals 'Error from server (NotFound): secrets "my-app-iam-role" not found'
run 0 k get secret unrelated -n demo -o name
equals "secret/unrelated"

step "delete the CRD: its API disappears"
run 0 k delete -f "$FIXTURES/awsiamrole-crd.yaml"
equals 'customresourcedefinition.apiextensions.k8s.io "awsiamroles.zalando.org" deleted'
run fail k get awsiamroles -n demo
contains "NotFound" "with discovery cached from before"
run fail k --cache-dir="$TMP/fresh-cache" get awsiamroles -n demo
contains 'the server doesn'"'"'t have a resource type "awsiamroles"'

step "delete the namespace"
run 0 k delete namespace demo
equals 'namespace "demo" deleted'
run fail k get secret unrelated -n demo
contains 'NotFound'

echo "PASS: kubectl 1.$MINOR against kube-sim $*"
