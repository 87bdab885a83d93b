#!/usr/bin/env bash
# Builds and runs the sandbox demo: the controller against the Kubernetes API
# simulator (kube-sim) and the AWS STS/IMDS simulator (aws-sim), driven with the
# real kubectl and AWS CLI. A narrated walk-through ("==> ..." steps):
#   an AWSIAMRole (docs/example-app.yaml) -> its Secret -> the AWS CLI uses the
#   Secret's credentials.process -> the controller refreshes the credentials ->
#   a role that does not trust the controller -> a pod that keeps kube2iam's
#   annotation, wired by the admission webhook -> events, status, metrics ->
#   the controller off AWS with only an X.509 certificate (IAM Roles Anywhere).
#
# Usage: scripts/demo.sh [--keep]
#   --keep   leave the sandbox (simulators + controller) running at the end and
#            print the KUBECONFIG line and how to stop it.
# Env: KUBECTL (default kubectl), AWS (default /usr/bin/aws, else aws on PATH).
# Needs root or sudo for scripts/install-deps.sh on a fresh Debian; takes about
# 2 minutes after the build (aws-sim issues 90-second credentials so that a
# refresh happens about a minute in). Everything listens on 127.0.0.1; every
# process it starts is stopped by PID and its temporary directory removed.
# Exit status: 0 when every step worked, non-zero at the first failing step.
set -euo pipefail

KEEP=false
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=true ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
ROOT=$PWD
START=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }
# show CMD...: prints the command as a user would type it, then runs it.
show() {
  local shown=("${1##*/}" "${@:2}")
  printf '$ %s\n' "${shown[*]}"
  "$@"
}

step "Installing dependencies (scripts/install-deps.sh)"
scripts/install-deps.sh

step "Building kube-aws-iam-controller, kube-sim and aws-sim in build/"
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ -DKAIC_WERROR=ON >/dev/null
fi
cmake --build build -j "$(nproc)" --target kube-aws-iam-controller kube-sim aws-sim
CONTROLLER=$ROOT/build/controller/kube-aws-iam-controller
KUBE_SIM=$ROOT/build/tests/sim/kube/kube-sim
AWS_SIM=$ROOT/build/tests/sim/aws/aws-sim

KUBECTL=${KUBECTL:-kubectl}
if [[ -z "${AWS:-}" ]]; then
  if [[ -x /usr/bin/aws ]]; then AWS=/usr/bin/aws; else AWS=aws; fi
fi
KUBECTL=$(command -v "$KUBECTL") || { echo "demo.sh: kubectl not found" >&2; exit 1; }
AWS=$(command -v "$AWS") || { echo "demo.sh: the AWS CLI (aws) not found" >&2; exit 1; }

# ---------------------------------------------------------------------------
# The sandbox: a temporary directory, processes remembered by PID.
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/kaic-demo.XXXXXX")
MOUNT=$DEMO/meta-aws-iam # where "the pod" mounts the Secret: --credentials-mount-path
mkdir -p "$DEMO/home" "$MOUNT"
export KUBECONFIG=$DEMO/kubeconfig KUBECACHEDIR=$DEMO/kube-cache
KUBE_SIM_PID=""
AWS_SIM_PID=""
CONTROLLER_PID=""

# has_exited PID: gone, or a zombie waiting to be reaped.
has_exited() {
  [[ ! -e "/proc/$1" || "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" == Z ]]
}
# stop PID: SIGTERM, up to 5 s, then SIGKILL; reaps it.
stop() {
  local pid=$1 i
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    has_exited "$pid" && break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((rc != 0)); then
    echo >&2
    echo "demo.sh: FAILED (exit $rc). Last lines of the logs in $DEMO:" >&2
    for log in controller kube-sim aws-sim; do
      [[ -f "$DEMO/$log.log" ]] && { echo "--- $log.log" >&2; tail -n 15 "$DEMO/$log.log" >&2; }
    done
  fi
  if [[ "$KEEP" == true && $rc -eq 0 ]]; then
    exit 0
  fi
  stop "$CONTROLLER_PID"
  stop "$AWS_SIM_PID"
  stop "$KUBE_SIM_PID"
  rm -rf "$DEMO"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s; fails with a
# clear message after SECONDS.
wait_until() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "demo.sh: timed out after ${seconds}s waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
secret_key() { # NAMESPACE NAME KEY: the decoded value of one data key
  "$KUBECTL" get secret -n "$1" "$2" -o "go-template={{with .data}}{{index . \"$3\" | base64decode}}{{end}}"
}
secret_has_key() { [[ -n "$(secret_key "$@" 2>/dev/null)" ]]; }
expire_changed() { [[ "$(secret_key "$1" "$2" expire 2>/dev/null)" != "$3" ]]; }
has_event() { # NAMESPACE OBJECT REASON
  [[ -n "$("$KUBECTL" get events -n "$1" --field-selector "involvedObject.name=$2,reason=$3" -o name)" ]]
}
ready_is() { # NAMESPACE NAME STATUS
  [[ "$("$KUBECTL" get awsiamrole -n "$1" "$2" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" == "$3" ]]
}
# materialise NAMESPACE NAME DIR: each data key a file with the decoded value,
# replaced atomically, as kubelet does for a Secret volume.
materialise() {
  "$KUBECTL" get secret -n "$1" "$2" -o json | python3 -c '
import base64, json, os, sys
secret, target = json.load(sys.stdin), sys.argv[1]
for key, value in sorted((secret.get("data") or {}).items()):
    tmp = os.path.join(target, "..tmp." + key)
    with open(tmp, "wb") as f:
        f.write(base64.b64decode(value))
    os.replace(tmp, os.path.join(target, key))' "$3"
}
# secret_in NAMESPACE: a Secret the controller manages exists there.
secret_in() { [[ -n "$("$KUBECTL" get secrets -n "$1" -l heritage=kube-aws-iam-controller -o name)" ]]; }

# The AWS CLI with only the Secret's files as credentials (no env keys, no IMDS).
aws_with_secret() {
  env -i PATH=/usr/bin:/bin HOME="$DEMO/home" AWS_CONFIG_FILE="$DEMO/no-config" \
    AWS_SHARED_CREDENTIALS_FILE="$MOUNT/credentials.process" AWS_DEFAULT_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true AWS_PAGER= "$AWS" "$@"
}

# ---------------------------------------------------------------------------
step "Starting the sandbox in $DEMO"
# The sandbox IAM world, with the simulator-only knob issued_duration_cap: every
# credential aws-sim issues lives 90 s, so a refresh happens within the demo.
grep -v '^issued_duration_cap:' tests/sim/aws/sandbox-config.yaml >"$DEMO/aws-sim.yaml"
echo "issued_duration_cap: 90s" >>"$DEMO/aws-sim.yaml"
# IAM Roles Anywhere (the demo's last part): a CA made here with the openssl
# CLI, registered as a trust anchor, and a profile for the controller's role.
tests/pki/make_test_pki.sh "$DEMO/pki" >"$DEMO/pki.log" 2>&1 ||
  { cat "$DEMO/pki.log" >&2; exit 1; }
RA_ANCHOR=arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/demo
RA_PROFILE=arn:aws:rolesanywhere:us-east-1:123456789012:profile/demo
cat >>"$DEMO/aws-sim.yaml" <<EOF
roles_anywhere:
  trust_anchors: [{arn: $RA_ANCHOR, certificate_bundle_file: pki/trust-anchor.pem}]
  profiles: [{arn: $RA_PROFILE, role_arns: [arn:aws:iam::123456789012:role/kube-aws-iam-controller]}]
EOF
# The admission webhook's Service (deploy/components/webhook) is reached where
# the controller serves it: kube-sim's --service-address is the cluster network.
WEBHOOK_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$KUBE_SIM" --kubeconfig-out="$KUBECONFIG" --port-out="$DEMO/kube-sim.port" \
  --service-address="kube-aws-iam-controller/kube-aws-iam-controller-webhook=127.0.0.1:$WEBHOOK_PORT" \
  >"$DEMO/kube-sim.log" 2>&1 &
KUBE_SIM_PID=$!
"$AWS_SIM" --config "$DEMO/aws-sim.yaml" --ports-file "$DEMO/aws-sim.json" >"$DEMO/aws-sim.log" 2>&1 &
AWS_SIM_PID=$!
wait_until 20 "kube-sim to listen" test -s "$KUBECONFIG"
wait_until 20 "aws-sim to listen" test -s "$DEMO/aws-sim.json"
STS=$(json_field "$DEMO/aws-sim.json" sts_endpoint)
IMDS=$(json_field "$DEMO/aws-sim.json" imds_endpoint)
say "kube-sim (Kubernetes API):   $("$KUBECTL" config view -o 'jsonpath={.clusters[0].cluster.server}')  (pid $KUBE_SIM_PID)"
say "aws-sim STS:                 $STS  (pid $AWS_SIM_PID)"
say "aws-sim IMDSv2 (the node):   $IMDS  (instance profile role kube-aws-iam-controller)"
say "credentials issued by aws-sim live 90s (issued_duration_cap, a simulator-only knob)"

step "Installing the CRD, the admission webhook's Service and configuration, and a namespace"
show "$KUBECTL" apply -f crd/awsiamrole-crd.yaml
wait_until 20 "the CRD to be served" "$KUBECTL" get awsiamroles -A
show "$KUBECTL" create namespace kube-aws-iam-controller
show "$KUBECTL" apply -f deploy/components/webhook/service.yaml \
  -f deploy/components/webhook/mutatingwebhookconfiguration.yaml
show "$KUBECTL" create namespace demo

step "Starting the controller (base credentials from the instance profile via IMDS)"
say "refresh lead = min(max(--refresh-limit 20s, --min-validity 20s + --secret-propagation 5s), 90s/2) = 25s"
say "so each 90s credential is refreshed about 65s after it was issued"
say "with --webhook-address it also serves the admission webhook, with a CA of its own"
env -i PATH=/usr/bin:/bin HOME="$DEMO/home" AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" \
  POD_NAMESPACE=kube-aws-iam-controller \
  "$CONTROLLER" --kubeconfig="$KUBECONFIG" --sts-endpoint="$STS" \
  --metrics-address=127.0.0.1:0 --leader-election-namespace=kube-system --identity=demo-controller \
  --refresh-limit=20s --min-validity=20s --secret-propagation=5s \
  --credentials-mount-path="$MOUNT" --webhook-address="127.0.0.1:$WEBHOOK_PORT" \
  >"$DEMO/controller.log" 2>&1 &
CONTROLLER_PID=$!
wait_until 20 "the controller to become leader" grep -q 'leader is now demo-controller' "$DEMO/controller.log"
sed 's/^/    | /' "$DEMO/controller.log"
METRICS_PORT=$(sed -n 's/.*serving \/healthz, \/readyz, \/metrics on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$DEMO/controller.log")
[[ -n "$METRICS_PORT" ]] || { echo "demo.sh: the controller logged no metrics address" >&2; exit 1; }

step "Applying the AWSIAMRole of docs/example-app.yaml (its first document) in namespace demo"
say "roleReference my-app-role = arn:aws:iam::123456789012:role/my-app-role; in the sandbox"
say "every role/* trusts the controller's role, so this one can be assumed"
awk '/^---$/ { exit } { print }' docs/example-app.yaml |
  sed 's/^  namespace: default$/  namespace: demo/' >"$DEMO/my-app-iam-role.yaml"
grep -v '^ *#' "$DEMO/my-app-iam-role.yaml"
show "$KUBECTL" apply -f "$DEMO/my-app-iam-role.yaml"

step "The controller writes the Secret my-app-iam-role"
wait_until 30 "Secret demo/my-app-iam-role" secret_has_key demo my-app-iam-role credentials.process
grep 'credentials for demo/my-app-iam-role' "$DEMO/controller.log" | sed 's/^/    | /'
printf '$ %s\n' "kubectl get secret -n demo my-app-iam-role -o yaml   # credentials values redacted here"
"$KUBECTL" get secret -n demo my-app-iam-role -o yaml |
  sed -E 's/^(  (credentials|credentials\.json)): .*/\1: <redacted: holds the secret key and session token>/'
say "decoded, the keys that hold nothing secret:"
for key in role-arn expire awsiamrole-generation; do
  printf '      %-22s %s\n' "$key:" "$(secret_key demo my-app-iam-role "$key")"
done
say "credentials.process (for AWS_SHARED_CREDENTIALS_FILE):"
secret_key demo my-app-iam-role credentials.process | sed 's/^/      /'
say "credentials (static INI for SDKs that cannot run a process), values masked:"
secret_key demo my-app-iam-role credentials |
  sed -E 's/^(aws_(access_key_id|secret_access_key|session_token)) = .*/\1 = <redacted>/; s/^/      /'

step "Mounting the Secret as kubelet would: one file per data key in $MOUNT"
materialise demo my-app-iam-role "$MOUNT"
show ls -l "$MOUNT"
say "credentials.process runs: $(sed -n 's/^credential_process = //p' "$MOUNT/credentials.process")"

step "The real AWS CLI uses the Secret: AWS_SHARED_CREDENTIALS_FILE=$MOUNT/credentials.process"
printf '$ %s\n' "AWS_SHARED_CREDENTIALS_FILE=$MOUNT/credentials.process aws sts get-caller-identity --endpoint-url $STS"
aws_with_secret sts get-caller-identity --endpoint-url "$STS" --output json | tee "$DEMO/identity.json"
grep -q '"Arn": "arn:aws:sts::123456789012:assumed-role/my-app-role/' "$DEMO/identity.json" ||
  { echo "demo.sh: get-caller-identity did not return the assumed my-app-role session" >&2; exit 1; }
say "STS (which verifies every SigV4 signature) accepted the credentials of the assumed role."

step "Waiting for the controller to refresh the credentials (bounded: 120s)"
OLD_EXPIRE=$(secret_key demo my-app-iam-role expire)
say "current credentials expire at $OLD_EXPIRE; refresh due 25s before that"
wait_until 120 "the Secret's expire to change (a refresh)" expire_changed demo my-app-iam-role "$OLD_EXPIRE"
NEW_EXPIRE=$(secret_key demo my-app-iam-role expire)
say "expire: $OLD_EXPIRE  ->  $NEW_EXPIRE"
grep -m 1 'updated credentials for demo/my-app-iam-role' "$DEMO/controller.log" | sed 's/^/    | /'
wait_until 10 "the UpdateCredentials event" has_event demo my-app-iam-role UpdateCredentials
show "$KUBECTL" get events -n demo --field-selector reason=UpdateCredentials
say "kubelet updates the mounted files; the SDK re-runs credential_process when its keys expire:"
materialise demo my-app-iam-role "$MOUNT"
aws_with_secret sts get-caller-identity --endpoint-url "$STS" --query Arn --output text | sed 's/^/    /'

step "A role whose trust policy does not admit the controller: denied-role"
"$KUBECTL" apply -f - <<'EOF'
apiVersion: zalando.org/v1
kind: AWSIAMRole
metadata:
  name: denied
  namespace: demo
spec:
  roleReference: denied-role
EOF
wait_until 30 "the GetCredentialsFailed event" has_event demo denied GetCredentialsFailed
wait_until 10 "Ready=False on awsiamrole demo/denied" ready_is demo denied False
show "$KUBECTL" get events -n demo --field-selector involvedObject.name=denied
say "no Secret is written for it:"
if "$KUBECTL" get secret -n demo denied >/dev/null 2>&1; then
  echo "demo.sh: a Secret exists for the denied role" >&2
  exit 1
fi
say "(kubectl get secret -n demo denied: NotFound)"

step "A pod that keeps kube2iam's annotation, wired by the admission webhook"
say "the namespace opts in with a label; the pod names its role as it did for kube2iam and"
say "mounts nothing itself; its second container reads the static credentials file, a mistake"
show "$KUBECTL" create namespace team-a
show "$KUBECTL" label namespace team-a kube-aws-iam-controller/inject=enabled
cat >"$DEMO/web.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
  annotations:
    iam.amazonaws.com/role: team/app
spec:
  containers:
  - name: app
    image: busybox:1.36
  - name: legacy
    image: busybox:1.36
    env:
    - name: AWS_SHARED_CREDENTIALS_FILE
      value: $MOUNT/credentials
EOF
sed 's/^/    /' "$DEMO/web.yaml"
show "$KUBECTL" create -f "$DEMO/web.yaml"
say "what the webhook added (kubectl get pod -n team-a web -o yaml, the parts it wrote):"
"$KUBECTL" get pod -n team-a web -o json | python3 -c '
import json, sys
pod = json.load(sys.stdin)["spec"]
for v in pod.get("volumes", []):
    print("      volume %s: Secret %s, mode %o" % (v["name"], v["secret"]["secretName"], v["secret"]["defaultMode"]))
for c in pod["containers"]:
    for m in c.get("volumeMounts", []):
        print("      %s: mounts %s at %s%s" % (c["name"], m["name"], m["mountPath"], " (read-only)" if m.get("readOnly") else ""))
    for e in c.get("env", []):
        print("      %s: %s=%s" % (c["name"], e["name"], e["value"]))'
wait_until 20 "the Secret of the derived role" secret_in team-a
show "$KUBECTL" get awsiamroles -n team-a -L kube-aws-iam-controller/derived
say "the AWSIAMRole was created by the webhook; its Secret was there before kubelet needed it"

step "What kubectl shows"
show "$KUBECTL" get awsiamroles -n demo -o wide
show "$KUBECTL" describe awsiamrole -n demo

step "Who assumed what, as STS saw it (GET $STS/_sim/calls)"
curl -fsS "$STS/_sim/calls" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["calls"]:
    if c["action"] == "AssumeRole":
        print("    %s  %-70s -> %-45s %s" % (c["time"][11:19], c["caller_arn"], c["role_arn"], c["result"]))'

step "Metrics (http://127.0.0.1:$METRICS_PORT/metrics), a few lines"
curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" >"$DEMO/metrics.txt"
grep -E '^kube_aws_iam_controller_(leader|reconciles_total|sts_requests_total)[{ ]' "$DEMO/metrics.txt" |
  sed 's/^/    /'

if [[ "$KEEP" == true ]]; then
  step "The sandbox keeps running (--keep)"
  say "export KUBECONFIG=$KUBECONFIG"
  say "kubectl get awsiamroles -A -o wide; kubectl get events -n demo"
  say "controller log: $DEMO/controller.log; metrics: http://127.0.0.1:$METRICS_PORT/metrics; STS: $STS"
  say "stop it with: kill $CONTROLLER_PID $AWS_SIM_PID $KUBE_SIM_PID; rm -rf $DEMO"
  exit 0
fi

step "Stopping the controller (SIGTERM: it finishes its work and releases its Lease)"
kill -TERM "$CONTROLLER_PID"
wait_until 10 "the controller to exit after SIGTERM" has_exited "$CONTROLLER_PID"
set +e
wait "$CONTROLLER_PID"
rc=$?
set -e
CONTROLLER_PID=""
tail -n 2 "$DEMO/controller.log" | sed 's/^/    | /'
say "exit status $rc; Lease holder now: '$("$KUBECTL" get lease -n kube-system kube-aws-iam-controller -o 'jsonpath={.spec.holderIdentity}')'"
((rc == 0)) || { echo "demo.sh: the controller exited $rc after SIGTERM" >&2; exit 1; }

step "Off AWS with nothing that can lapse: the controller with only an X.509 certificate"
say "no AWS key, no seed, no IMDS: IAM Roles Anywhere's CreateSession, signed with the"
say "certificate's key, gives the controller its own session (docs/bootstrap.md)"
mkdir -p "$DEMO/certificate"
cp "$DEMO/pki/ec.pem" "$DEMO/certificate/tls.crt"
cp "$DEMO/pki/ec.key" "$DEMO/certificate/tls.key"
cp "$DEMO/pki/chain.pem" "$DEMO/certificate/ca.crt"
say "certificate: $(openssl x509 -noout -subject -enddate -in "$DEMO/certificate/tls.crt" | tr '\n' ' ')"
RA=$(json_field "$DEMO/aws-sim.json" rolesanywhere_endpoint)
printf '$ %s\n' "kube-aws-iam-controller --roles-anywhere-trust-anchor-arn=$RA_ANCHOR \\" \
  "    --roles-anywhere-profile-arn=$RA_PROFILE \\" \
  "    --roles-anywhere-role-arn=arn:aws:iam::123456789012:role/kube-aws-iam-controller \\" \
  "    --roles-anywhere-certificate=tls.crt --roles-anywhere-private-key=tls.key \\" \
  "    --roles-anywhere-certificate-chain=ca.crt --roles-anywhere-endpoint=$RA ..."
env -i PATH=/usr/bin:/bin HOME="$DEMO/home" AWS_EC2_METADATA_DISABLED=true \
  "$CONTROLLER" --kubeconfig="$KUBECONFIG" --sts-endpoint="$STS" \
  --metrics-address=127.0.0.1:0 --leader-election-namespace=kube-system --identity=demo-roles-anywhere \
  --namespace=demo-ra --credentials-mount-path="$MOUNT" \
  --roles-anywhere-trust-anchor-arn="$RA_ANCHOR" --roles-anywhere-profile-arn="$RA_PROFILE" \
  --roles-anywhere-role-arn=arn:aws:iam::123456789012:role/kube-aws-iam-controller \
  --roles-anywhere-certificate="$DEMO/certificate/tls.crt" \
  --roles-anywhere-private-key="$DEMO/certificate/tls.key" \
  --roles-anywhere-certificate-chain="$DEMO/certificate/ca.crt" \
  --roles-anywhere-endpoint="$RA" >"$DEMO/controller-ra.log" 2>&1 &
CONTROLLER_PID=$!
"$KUBECTL" create namespace demo-ra >/dev/null
sed 's/  namespace: demo$/  namespace: demo-ra/' "$DEMO/my-app-iam-role.yaml" | "$KUBECTL" apply -f - >/dev/null
wait_until 30 "Secret demo-ra/my-app-iam-role" secret_has_key demo-ra my-app-iam-role credentials.process
grep -E 'IAM Roles Anywhere|credentials for demo-ra' "$DEMO/controller-ra.log" | sed 's/^/    | /'
materialise demo-ra my-app-iam-role "$MOUNT"
aws_with_secret sts get-caller-identity --endpoint-url "$STS" --query Arn --output text | sed 's/^/    the app: /'
say "as the simulators saw it:"
curl -fsS "$STS/_sim/calls" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["calls"]:
    by_certificate = c["action"] == "AssumeRole" and "/i-" not in c["caller_arn"]  # not the IMDS session
    if c["action"] == "CreateSession" or (by_certificate and "my-app-role" in c["role_arn"]):
        print("    %s  %-14s %-62s -> %s %s" % (c["time"][11:19], c["action"], c["caller_arn"][:62],
                                                c["role_arn"], c["result"]))' | head -n 4
kill -TERM "$CONTROLLER_PID"
wait_until 10 "the Roles Anywhere controller to exit" has_exited "$CONTROLLER_PID"
wait "$CONTROLLER_PID" 2>/dev/null || true
CONTROLLER_PID=""

step "Done in $((SECONDS - START))s; stopping the simulators and removing $DEMO"
