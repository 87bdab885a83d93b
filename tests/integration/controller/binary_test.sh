#!/usr/bin/env bash
# End-to-end test of the kube-aws-iam-controller BINARY, run as a user runs it:
# against the kube-sim and aws-sim binaries, checked with the real kubectl,
# AWS CLI and boto3. Sections (each prints PASS or FAIL; any FAIL fails the run):
#   a  the AWS CLI (credentials.process) and boto3 (static credentials) use the
#      Secret's files, written to disk as kubelet would; STS accepts them
#   b  seed bootstrap: scripts/set_secret.sh, the controller runs on the seed
#      Secret only, adopts it, serves a second role, and keeps going after the
#      seed's own credentials expired (its Secret re-materialised as kubelet would)
#   c  --assume-role=kaic-intermediate chaining, as STS saw it (/_sim/calls)
#   d  leader election: two replicas, one Lease, one writer; SIGTERM -> exit 0,
#      Lease released, the other replica takes over at once; SIGKILL of the
#      leader -> a third takes over when the Lease expires (13 to 23.8 s)
#   e  --help, --version, an invalid flag value, and the arguments each released
#      version of the Go original documented (obsolete ones warn once);
#      --namespace-restrictions refuses a role until its Namespace allows it
#   f  the installs (deploy/base, its variants and the example overlays) render
#      with kubectl kustomize and pass server-side (strict) validation against
#      kube-sim (deploy/components/namespace-restrictions too: it adds the
#      flag and namespaces get/list/watch); docs/deployment.yaml is the
#      rendered base; the Restricted Pod Security Standard holds for all but
#      the host-network variant; deploy/components/webhook (with and without
#      deploy/components/webhook-cert-manager, on the base and every variant)
#      checked field by field (check_webhook_install.py);
#      deploy/monitoring passes strict validation against the real
#      prometheus-operator CRDs; the custom example opens its extra port in the
#      NetworkPolicy's HTTPS rule; the environment-credentials example's
#      rendered environment alone gets a role its Secret
#   g  the container image (not in the default sections; ctest runs it as
#      controller_image_test): scripts/build-image.sh builds it offline; run
#      with podman (--read-only, --user 65534, --cap-drop=all) it prints the
#      binary's --version and, against the simulators, writes a Secret
#   h  a real Prometheus (not in the default sections; ctest runs it as
#      monitoring_prometheus_test) scrapes the controller with the rules of
#      deploy/monitoring: they load; the credentials-expiry alert fires during
#      an STS outage and clears after it
#   i  the alert rules on what real replicas export (not in the default
#      sections; ctest runs it as monitoring_alerts_test): two replicas with
#      leader election, scraped with none leading (a Lease held by a replica
#      that is gone), with one leading, and stopped; each standby exports
#      kube_aws_iam_controller_leader 0; promtool replays the scrapes against
#      tests/integration/monitoring/scraped_alerts_test.yaml
#   j  a quiet start (not in the default sections; ctest runs it as
#      controller_probes_test): /readyz and /healthz answer 200 at the first
#      probe kubelet sends with deploy/base's probe settings, with the
#      metadata service answering and with one that never answers
#   k  IAM Roles Anywhere (not in the default sections; ctest runs it as
#      controller_roles_anywhere_test): the controller with only a certificate
#      (PKI made by tests/pki/make_test_pki.sh) against aws-sim's Roles Anywhere;
#      the AWS CLI uses the Secret; the certificate rotated in place (RSA -> EC)
#      with no failed call; KubeAWSIAMRolesAnywhereCertificateExpiring on the
#      scraped metrics (promtool)
#   l  IAM Roles Anywhere, a certificate that expires mid-run (ctest:
#      controller_roles_anywhere_expiry_test): the role turns Ready=False with
#      a Warning, its Secret stays, the expired certificate is never sent
#   m  --roles-anywhere-direct (ctest: controller_roles_anywhere_direct_test):
#      a role's 12-hour session from CreateSession, no STS call; the AWS CLI
#      uses it; six roles at a 2/s CreateSession quota converge, and promtool
#      on the scraped metrics: ThrottlingException is throttling, not an error
#   n  the admission webhook (ctest: controller_webhook_test): deploy/base with
#      deploy/components/webhook applied to kube-sim, which calls the binary's
#      webhook through the install's Service, trusting the CA the controller
#      made and put in the caBundle; a kube2iam-annotated pod created with
#      kubectl in an opted-in namespace comes back wired, kubectl prints the
#      webhook's warning, the derived AWSIAMRole's Secret appears and the AWS
#      CLI with the container's environment uses it; a namespace that did not
#      opt in is untouched; a dry run creates nothing; with a caBundle that
#      does not vouch for the served certificate, and with the webhook down,
#      pods are created in both namespaces
#
# Usage (ctest runs it as controller_binary_test: ctest -R controller_binary_test):
#   tests/integration/controller/binary_test.sh \
#     --controller=build/controller/kube-aws-iam-controller \
#     --kube-sim=build/tests/sim/kube/kube-sim --aws-sim=build/tests/sim/aws/aws-sim \
#     [--sections=abcdef] [--keep-tmp]        (g: the image, needs podman;
#                                              h: needs prometheus;
#                                              i, k, m: need promtool;
#                                              n: needs openssl)
# Env: KUBECTL (default kubectl), AWS (default /usr/bin/aws, else aws on PATH),
#      PYTHON (default /usr/bin/python3, with boto3).
# Exit: 0 all sections passed, 1 a section failed, 2 usage, 77 a real client
#       (or, for section g, podman; for h, prometheus; for i, k, m, promtool;
#       for n, openssl) is missing.
#
# Everything listens on 127.0.0.1 with OS-chosen ports. Every process started
# here is stopped by PID (TERM, then KILL after 5 s) and the temporary directory
# removed, on success, failure or interrupt. Waits poll a condition every 0.1 s
# up to a deadline; there are no fixed sleeps.

# Sections run in subshells on purpose (own errexit, cleanup and variables).
# shellcheck disable=SC2030,SC2031
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(cd "$HERE/../../.." && pwd)
CONTROLLER=""
KUBE_SIM=""
AWS_SIM=""
SECTIONS="abcdef"
KEEP_TMP=false

usage() {
  sed -n '/^# Usage/,/^# Exit/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
for arg in "$@"; do
  case "$arg" in
    --controller=*) CONTROLLER=${arg#*=} ;;
    --kube-sim=*) KUBE_SIM=${arg#*=} ;;
    --aws-sim=*) AWS_SIM=${arg#*=} ;;
    --source-dir=*) SOURCE_DIR=${arg#*=} ;;
    --sections=*) SECTIONS=${arg#*=} ;;
    --keep-tmp) KEEP_TMP=true ;;
    -h | --help) usage ;;
    *) echo "binary_test.sh: unknown argument '$arg'" >&2; usage ;;
  esac
done
[[ -n "$CONTROLLER" && -n "$KUBE_SIM" && -n "$AWS_SIM" ]] || usage
for bin in "$CONTROLLER" "$KUBE_SIM" "$AWS_SIM"; do
  [[ -x "$bin" ]] || { echo "binary_test.sh: '$bin' is not an executable" >&2; exit 2; }
done
CONTROLLER=$(realpath "$CONTROLLER")
KUBE_SIM=$(realpath "$KUBE_SIM")
AWS_SIM=$(realpath "$AWS_SIM")

KUBECTL=${KUBECTL:-kubectl}
if [[ -z "${AWS:-}" ]]; then
  if [[ -x /usr/bin/aws ]]; then AWS=/usr/bin/aws; else AWS=aws; fi
fi
PYTHON=${PYTHON:-/usr/bin/python3}
for tool in "$KUBECTL" "$AWS" "$PYTHON" curl base64; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not found (scripts/install-deps.sh)"; exit 77; }
done
# Absolute paths: the clients run with PATH=/usr/bin:/bin.
KUBECTL=$(command -v "$KUBECTL")
AWS=$(command -v "$AWS")
PYTHON=$(command -v "$PYTHON")
"$PYTHON" -c 'import boto3' 2>/dev/null || { echo "SKIP: $PYTHON has no boto3 (python3-boto3)"; exit 77; }
if [[ "$SECTIONS" == *n* ]]; then
  command -v openssl >/dev/null 2>&1 || { echo "SKIP: openssl not found (scripts/install-deps.sh)"; exit 77; }
fi
if [[ "$SECTIONS" == *g* ]]; then
  command -v podman >/dev/null 2>&1 || { echo "SKIP: podman not found (scripts/install-deps.sh)"; exit 77; }
fi
if [[ "$SECTIONS" == *[ikm]* ]]; then
  command -v promtool >/dev/null 2>&1 || { echo "SKIP: promtool not found (scripts/install-deps.sh)"; exit 77; }
  "$PYTHON" -c 'import yaml' 2>/dev/null || { echo "SKIP: $PYTHON has no PyYAML (python3-yaml)"; exit 77; }
fi
PROMETHEUS=""
if [[ "$SECTIONS" == *h* ]]; then
  PROMETHEUS=$(command -v prometheus) || { echo "SKIP: prometheus not found (scripts/install-deps.sh)"; exit 77; }
  PROMETHEUS=$(realpath "$PROMETHEUS")
  "$PYTHON" -c 'import yaml' 2>/dev/null || { echo "SKIP: $PYTHON has no PyYAML (python3-yaml)"; exit 77; }
fi

ACCOUNT=123456789012
BASE_ROLE_ARN="arn:aws:iam::$ACCOUNT:role/"
CONTROLLER_ROLE_ARN="arn:aws:iam::$ACCOUNT:role/kube-aws-iam-controller"
# Lifetime of every credential aws-sim issues in this test (its simulator-only
# issued_duration_cap): short enough to watch a seed session expire (section b).
CAP_SECONDS=40
# Refresh flags for sections a, c, d: a lead (12s) below half of CAP_SECONDS.
# Section b runs with the defaults, as docs/bootstrap.md does.
SHORT_LEAD=(--refresh-limit=10s --min-validity=10s --secret-propagation=2s)
# Sessions in the Roles Anywhere sections k and l: with SHORT_LEAD the
# controller's session is renewed every ~10s, so a certificate rotated or
# expired in place is used or refused within seconds.
RA_CAP_SECONDS=20

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kaic-binary-test.XXXXXX")
export HOME="$WORK/home" KUBECONFIG="$WORK/kubeconfig" KUBECACHEDIR="$WORK/kube-cache"
mkdir -p "$HOME"
: >"$WORK/pids"
MAIN_PIDS=()

# ---------------------------------------------------------------------------
# Processes: started in the background, remembered by PID, stopped by PID.

# is_ours PID: the PID is alive and runs one of the three binaries under test
# (guards against a recycled PID).
is_ours() {
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  [[ "$exe" == "$CONTROLLER" || "$exe" == "$KUBE_SIM" || "$exe" == "$AWS_SIM" ||
    (-n "$PROMETHEUS" && "$exe" == "$PROMETHEUS") ]]
}

# has_exited PID: the process is gone or a zombie (exited, not yet reaped).
has_exited() {
  [[ ! -e "/proc/$1" || "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" == Z ]]
}

# stop_pid PID: SIGTERM, up to 5 s for it to exit, then SIGKILL; reaps it when
# it is a child of this shell.
stop_pid() {
  local pid=$1 deadline
  if is_ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((${EPOCHREALTIME/./} + 5000000))
    while ! has_exited "$pid" && ((${EPOCHREALTIME/./} < deadline)); do
      sleep 0.1
    done
    if is_ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  # Stragglers of sections (normally stopped by the section itself).
  while read -r pid; do
    [[ -n "$pid" ]] && is_ours "$pid" && stop_pid "$pid"
  done <"$WORK/pids"
  for pid in "${MAIN_PIDS[@]}"; do stop_pid "$pid"; done
  if [[ "$KEEP_TMP" == true ]]; then
    echo "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# now_us: wall clock in microseconds.
now_us() { echo "${EPOCHREALTIME/./}"; }

# wait_until SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; after SECONDS prints a timeout message and returns 1.
wait_until() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$(($(now_us) + seconds * 1000000))
  until "$@" >/dev/null 2>&1; do
    if (($(now_us) >= deadline)); then
      echo "timeout: no $what after ${seconds}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------
# Helpers used by the sections (they run in subshells: see run_section).

SECTION_PIDS=()
SDIR=""
LAST_PID=""

fail() {
  echo "FAIL [$SECTION]: $*" >&2
  local log
  for log in "$SDIR"/*.log; do
    [[ -f "$log" ]] || continue
    echo "--- last lines of $(basename "$log")" >&2
    tail -n 25 "$log" >&2
  done
  exit 1
}
note() { echo "    $*"; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"
}
# expect_match ACTUAL EXTENDED-REGEX WHAT
expect_match() {
  [[ "$1" =~ $2 ]] || fail "$3: '$1' does not match /$2/"
}
# files_in DIR: the names of the (non-hidden) files in DIR, sorted, space-separated.
files_in() { (cd "$1" && printf '%s ' *); }
# binary_version: "VERSION REVISION" of the controller under test (its --version).
binary_version() {
  "$CONTROLLER" --version | sed -n 's/^kube-aws-iam-controller \([^ ]*\) (revision \(.*\))$/\1 \2/p'
}
# log_has FILE FIXED-STRING
log_has() { grep -qF -- "$2" "$1"; }

# start_controller NAME [VAR=value...] -- [flags...]: starts the controller with
# exactly these environment variables (plus PATH and HOME: credential_process
# needs sh and cat), logging to $SDIR/NAME.log; its PID is in LAST_PID.
start_controller() {
  local name=$1 envs=()
  shift
  while [[ $# -gt 0 && "$1" != -- ]]; do envs+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  # Sanitizer builds: their options (suppressions, halt_on_error) go along.
  local sanitizer_envs=() v
  for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
    [[ -n "${!v:-}" ]] && sanitizer_envs+=("$v=${!v}")
  done
  env -i PATH=/usr/bin:/bin HOME="$HOME" "${sanitizer_envs[@]}" "${envs[@]}" \
    "$CONTROLLER" --kubeconfig="$KUBECONFIG" --sts-endpoint="$STS" \
    --metrics-address=127.0.0.1:0 "$@" >"$SDIR/$name.log" 2>&1 &
  LAST_PID=$!
  SECTION_PIDS+=("$LAST_PID")
  echo "$LAST_PID" >>"$WORK/pids"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# metrics_port NAME: the port of /healthz, /readyz and /metrics of the
# controller started as NAME (--metrics-address=127.0.0.1:0), from its log.
metrics_port() {
  local port
  port=$(sed -n 's/.*serving \/healthz, \/readyz, \/metrics on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$SDIR/$1.log")
  [[ -n "$port" ]] && echo "$port"
}

# replay_alerts SCENARIOS SCRAPES: deploy/monitoring's rules, replayed by
# promtool on the /metrics scraped into SCRAPES/<scenario>/ (replay_scrapes.py)
# against what tests/integration/monitoring/SCENARIOS.yaml expects.
replay_alerts() {
  local out monitoring="$SOURCE_DIR/tests/integration/monitoring"
  "$PYTHON" "$monitoring/prometheus_rules.py" "$SOURCE_DIR/deploy/monitoring/prometheusrule.yaml" \
    "$SDIR/rules.yaml" || fail "cannot turn deploy/monitoring/prometheusrule.yaml into a rules file"
  out=$("$PYTHON" "$monitoring/replay_scrapes.py" "$monitoring/$1.yaml" "$2" "$SDIR/$1.replay.yaml" 2>&1) ||
    fail "replay_scrapes.py failed: $out"
  note "$out"
  out=$(cd "$SDIR" && promtool test rules "$1.replay.yaml" 2>&1) ||
    fail "the alert rules on the scraped series ($1.yaml):"$'\n'"$out"
}

# start_section_aws_sim CONFIG [FLAG...]: an aws-sim of the section's own; sets
# STS, IMDS and RA (its Roles Anywhere endpoint) for the caller's locals.
start_section_aws_sim() {
  local config=$1
  shift
  "$AWS_SIM" --config "$config" --ports-file "$SDIR/aws-sim.json" "$@" >"$SDIR/aws-sim.log" 2>&1 &
  SECTION_PIDS+=("$!")
  echo "$!" >>"$WORK/pids"
  wait_until 20 "aws-sim ports file" test -s "$SDIR/aws-sim.json" || fail "aws-sim did not start"
  STS=$(json_field "$SDIR/aws-sim.json" sts_endpoint)
  IMDS=$(json_field "$SDIR/aws-sim.json" imds_endpoint)
  RA=$(json_field "$SDIR/aws-sim.json" rolesanywhere_endpoint)
}

forget_pid() {
  local keep=() p
  for p in "${SECTION_PIDS[@]}"; do [[ "$p" == "$1" ]] || keep+=("$p"); done
  SECTION_PIDS=("${keep[@]}")
}

section_cleanup() {
  local p
  for p in "${SECTION_PIDS[@]}"; do stop_pid "$p"; done
}

# apply_role NAMESPACE NAME ROLE-REFERENCE
apply_role() {
  "$KUBECTL" apply -f - >/dev/null <<EOF
apiVersion: zalando.org/v1
kind: AWSIAMRole
metadata:
  name: $2
  namespace: $1
spec:
  roleReference: $3
EOF
}

# secret_key NAMESPACE NAME KEY: the decoded value of one data key.
secret_key() {
  "$KUBECTL" get secret -n "$1" "$2" -o "go-template={{with .data}}{{index . \"$3\" | base64decode}}{{end}}"
}
secret_has_key() { [[ -n "$(secret_key "$@" 2>/dev/null)" ]]; }
secret_key_is() { [[ "$(secret_key "$1" "$2" "$3" 2>/dev/null)" == "$4" ]]; }
secret_key_is_not() { [[ "$(secret_key "$1" "$2" "$3" 2>/dev/null)" != "$4" ]]; }

# materialise NAMESPACE NAME DIR: writes each data key of the Secret to DIR as
# a file with the decoded value, as kubelet does for a Secret volume (each file
# replaced atomically). Does nothing when the Secret's resourceVersion is the one
# already written. Prints the resourceVersion when it wrote.
materialise() {
  mkdir -p "$3"
  "$KUBECTL" get secret -n "$1" "$2" -o json | "$PYTHON" "$WORK/materialise.py" "$3"
}

# kubelet_sync_until NAMESPACE NAME DIR EPOCH: materialises the Secret to DIR
# (when it changed) and succeeds once the time is past EPOCH (seconds).
kubelet_sync_until() {
  materialise "$1" "$2" "$3" >/dev/null
  (($(date +%s) > $4))
}

# lease_holder NAMESPACE NAME
lease_holder() {
  "$KUBECTL" get lease -n "$1" "$2" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null
}
lease_holder_is() { [[ "$(lease_holder "$1" "$2")" == "$3" ]]; }
lease_holder_in() { local h; h=$(lease_holder "$1" "$2"); [[ "$h" == "$3" || "$h" == "$4" ]]; }

# calls ARGS...: queries aws-sim's call record, see calls.py.
calls() { "$PYTHON" "$WORK/calls.py" "$STS" "$@"; }
# aws_cli_arn FILE: the identity (Arn) the real AWS CLI gets from STS with the
# shared credentials FILE, as an app with AWS_SHARED_CREDENTIALS_FILE would.
aws_cli_arn() {
  "${aws_env[@]}" AWS_SHARED_CREDENTIALS_FILE="$1" \
    "$AWS" sts get-caller-identity --endpoint-url "$STS" --query Arn --output text 2>"$SDIR/aws-cli.err" ||
    fail "aws sts get-caller-identity with $1 failed: $(cat "$SDIR/aws-cli.err")"
}

# run_section LETTER TITLE FUNCTION: runs FUNCTION in a subshell with errexit,
# its own log directory and process cleanup; prints PASS or FAIL.
FAILED=()
run_section() {
  local letter=$1 title=$2 fn=$3 start rc
  [[ "$SECTIONS" == *"$letter"* ]] || return 0
  echo "=== [$letter] $title"
  start=$(now_us)
  set +e
  (
    set -euo pipefail
    SECTION=$letter
    SDIR="$WORK/section-$letter"
    mkdir -p "$SDIR"
    SECTION_PIDS=()
    trap section_cleanup EXIT
    "$fn"
  )
  rc=$?
  set -e
  local took=$((($(now_us) - start) / 100000))
  took="$((took / 10)).$((took % 10))s"
  if ((rc == 0)); then
    echo "PASS [$letter] $title ($took)"
  else
    echo "FAIL [$letter] $title ($took)"
    FAILED+=("$letter")
  fi
}

# ---------------------------------------------------------------------------
# Python helpers (the standard library only).

cat >"$WORK/materialise.py" <<'EOF'
import base64, json, os, sys
secret = json.load(sys.stdin)
target = sys.argv[1]
rv = secret["metadata"]["resourceVersion"]
marker = os.path.join(target, "..resourceVersion")
try:
    with open(marker) as f:
        if f.read() == rv:
            sys.exit(0)
except FileNotFoundError:
    pass
for key, value in (secret.get("data") or {}).items():
    tmp = os.path.join(target, "..tmp." + key)
    with open(tmp, "wb") as f:
        f.write(base64.b64decode(value))
    os.chmod(tmp, 0o644)
    os.replace(tmp, os.path.join(target, key))
with open(marker, "w") as f:
    f.write(rv)
print(rv)
EOF

# calls.py STS ACTION [FIELD=VALUE | FIELD^=PREFIX | FIELD!=VALUE]... [--field F | --count]
#   exit 0 if a recorded call of ACTION matches every filter (1 otherwise);
#   --field F prints F of the last match, --count the number of matches.
cat >"$WORK/calls.py" <<'EOF'
import json, re, sys, urllib.request
sts, action, *args = sys.argv[1:]
field = None
count = False
filters = []
i = 0
while i < len(args):
    if args[i] == "--field":
        field = args[i + 1]; i += 2; continue
    if args[i] == "--count":
        count = True; i += 1; continue
    m = re.match(r"^([a-z_]+)(\^=|!=|=)(.*)$", args[i])
    if not m:
        sys.exit("calls.py: bad filter " + args[i])
    filters.append(m.groups()); i += 1
with urllib.request.urlopen(sts + "/_sim/calls", timeout=5) as r:
    record = json.load(r)
def ok(call):
    for name, op, value in filters:
        got = str(call.get(name) or "")
        if op == "=" and got != value: return False
        if op == "!=" and got == value: return False
        if op == "^=" and not got.startswith(value): return False
    return True
matches = [c for c in record["calls"] if c.get("action") == action and ok(c)]
if count:
    print(len(matches)); sys.exit(0)
if not matches:
    sys.exit(1)
if field:
    print(matches[-1].get(field) or "")
EOF

# prom_query rules | up | alert NAME [NAMESPACE NAME]: asks the section's
# Prometheus ($PROM): the number of alerting rules loaded; the controller
# target's `up`; an alert's state (firing, pending or none).
cat >"$WORK/prom_query.py" <<'EOF'
import json, sys, urllib.request
prom, what, *args = sys.argv[1:]
def get(path):
    with urllib.request.urlopen(prom + path, timeout=5) as r:
        return json.load(r)["data"]
if what == "rules":
    print(sum(1 for g in get("/api/v1/rules")["groups"] for r in g["rules"] if r["type"] == "alerting"))
elif what == "up":
    result = get("/api/v1/query?query=up%7Bjob%3D%22kube-aws-iam-controller%22%7D")["result"]
    print(result[0]["value"][1] if result else "absent")
elif what == "alert":
    name, labels = args[0], dict(zip(("namespace", "name"), args[1:]))
    states = [a["state"] for a in get("/api/v1/alerts")["alerts"]
              if a["labels"].get("alertname") == name
              and all(a["labels"].get(k) == v for k, v in labels.items())]
    print(states[0] if states else "none")
EOF
prom_query() { "$PYTHON" "$WORK/prom_query.py" "$PROM" "$@" 2>/dev/null || echo "unreachable"; }

# ---------------------------------------------------------------------------
# The world: kube-sim, aws-sim (sandbox IAM with capped lifetimes), the CRD.

SANDBOX_CONFIG="$SOURCE_DIR/tests/sim/aws/sandbox-config.yaml"
# The sandbox's kube-aws-iam-controller role must trust itself for the seed
# bootstrap (the controller re-assumes its own role with its current session;
# docs/bootstrap.md step 1). Add that trust entry unless the config has it.
awk -v role="$CONTROLLER_ROLE_ARN" '
  /^  - arn: / { in_role = ($3 == role) }
  in_role && $0 == "      - " role { trusts_self = 1 }
  in_role && /^    trust:/ { trust_line = NR }
  { lines[NR] = $0 }
  END {
    for (i = 1; i <= NR; i++) {
      print lines[i]
      if (i == trust_line && !trusts_self) print "      - " role
    }
  }' "$SANDBOX_CONFIG" | grep -v '^issued_duration_cap:' >"$WORK/aws-sim.yaml"
echo "issued_duration_cap: ${CAP_SECONDS}s" >>"$WORK/aws-sim.yaml"
BOOTSTRAP_KEY_ID=$(awk '$1 == "access_key_id:" { print $2; exit }' "$SANDBOX_CONFIG")
BOOTSTRAP_SECRET=$(awk '$1 == "secret_access_key:" { print $2; exit }' "$SANDBOX_CONFIG")

# Section n: the webhook Service of deploy/components/webhook is routed to the
# controller's --webhook-address on this port.
WEBHOOK_PORT=$(free_port)
WEBHOOK_MOUNT="$WORK/webhook-meta-aws-iam"
"$KUBE_SIM" --kubeconfig-out="$KUBECONFIG" --port-out="$WORK/kube-sim.port" --gc=true \
  --service-address="kube-aws-iam-controller/kube-aws-iam-controller-webhook=127.0.0.1:$WEBHOOK_PORT" \
  >"$WORK/kube-sim.log" 2>&1 &
MAIN_PIDS+=("$!")
"$AWS_SIM" --config "$WORK/aws-sim.yaml" --ports-file "$WORK/aws-sim.json" \
  >"$WORK/aws-sim.log" 2>&1 &
MAIN_PIDS+=("$!")
if ! wait_until 20 "kube-sim kubeconfig" test -s "$KUBECONFIG" ||
  ! wait_until 20 "aws-sim ports file" test -s "$WORK/aws-sim.json"; then
  cat "$WORK/kube-sim.log" "$WORK/aws-sim.log" >&2
  exit 1
fi
json_field() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# kubectl_server: the API server URL of the kubeconfig (what --apiserver takes).
kubectl_server() { "$KUBECTL" config view --minify -o 'jsonpath={.clusters[0].cluster.server}'; }
STS=$(json_field "$WORK/aws-sim.json" sts_endpoint)
IMDS=$(json_field "$WORK/aws-sim.json" imds_endpoint)
"$KUBECTL" apply -f "$SOURCE_DIR/crd/awsiamrole-crd.yaml" >/dev/null
wait_until 20 "established CRD" "$KUBECTL" get awsiamroles -A
echo "kube-sim $(cat "$WORK/kube-sim.port"), STS $STS, IMDS $IMDS, credentials capped at ${CAP_SECONDS}s"

# The environment of every AWS CLI / boto3 call: only what is named, no IMDS.
aws_env=(env -i PATH=/usr/bin:/bin HOME="$HOME" AWS_EC2_METADATA_DISABLED=true
  AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=)

# ---------------------------------------------------------------------------
section_a() {
  local ns=sec-a dir="$SDIR/meta-aws-iam" arn port metrics
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role
  start_controller controller AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
    --namespace="$ns" --leader-election-namespace="$ns" --identity=a "${SHORT_LEAD[@]}" \
    --credentials-mount-path="$dir"
  wait_until 20 "Secret $ns/app with credentials.process" secret_has_key "$ns" app credentials.process ||
    fail "the controller wrote no Secret"
  log_has "$SDIR/controller.log" "created credentials for $ns/app" ||
    fail "no 'created credentials for $ns/app' in the log"
  materialise "$ns" app "$dir" >/dev/null
  expect_eq "$(files_in "$dir")" \
    "awsiamrole-generation credentials credentials.json credentials.process expire role-arn " "Secret data keys"
  expect_eq "$(cat "$dir/credentials.process")" \
    "$(printf '[default]\ncredential_process = cat %s/credentials.json' "$dir")" "credentials.process"
  expect_eq "$(cat "$dir/role-arn")" "arn:aws:iam::$ACCOUNT:role/team/app/my-role" "role-arn"

  arn=$(aws_cli_arn "$dir/credentials.process")
  expect_match "$arn" "^arn:aws:sts::$ACCOUNT:assumed-role/my-role/[^/]+\$" "AWS CLI (credential_process) identity"
  note "AWS CLI, credentials.process: $arn"

  arn=$("${aws_env[@]}" AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" "$PYTHON" -c '
import sys, boto3
sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1")
print(sts.get_caller_identity()["Arn"])' "$STS" 2>"$SDIR/boto3.err") ||
    fail "boto3 get_caller_identity with the static credentials file failed: $(tail -n 3 "$SDIR/boto3.err")"
  expect_match "$arn" "^arn:aws:sts::$ACCOUNT:assumed-role/my-role/[^/]+\$" "boto3 (static credentials) identity"
  note "boto3, credentials: $arn"
  [[ "$(calls GetCallerIdentity result=Success --count)" -ge 2 ]] ||
    fail "aws-sim recorded fewer than 2 successful GetCallerIdentity calls"

  port=$(metrics_port controller) || fail "no 'serving /healthz, /readyz, /metrics on' line in the log"
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "/healthz is not 200"
  # Read it whole first: `curl | grep -q` fails under pipefail when grep stops early.
  metrics=$(curl -fsS "http://127.0.0.1:$port/metrics") || fail "/metrics is not 200"
  grep -q '^kube_aws_iam_controller_sts_requests_total{operation="AssumeRole",outcome="OK"} ' <<<"$metrics" ||
    fail "/metrics lacks kube_aws_iam_controller_sts_requests_total{operation=\"AssumeRole\",outcome=\"OK\"}"
  # The one role of this section becomes Ready (its status write follows the Secret's).
  roles_ready() { curl -fsS "http://127.0.0.1:$port/metrics" | grep -x 'kube_aws_iam_controller_roles{ready="True"} 1'; }
  wait_until 10 'kube_aws_iam_controller_roles{ready="True"} 1' roles_ready ||
    fail "/metrics: $(curl -fsS "http://127.0.0.1:$port/metrics" | grep '^kube_aws_iam_controller_roles' | tr '\n' ' ')"
  # client-go's and controller-runtime's names, for the dashboards that use them.
  local line
  for line in 'controller_runtime_max_concurrent_reconciles{controller="awsiamrole"} 32' \
    'workqueue_depth{name="awsiamrole",controller="awsiamrole"} ' \
    'workqueue_adds_total{name="awsiamrole",controller="awsiamrole"} ' \
    'controller_runtime_reconcile_total{controller="awsiamrole",result="requeue_after"} '; do
    grep -qF "$line" <<<"$metrics" || fail "/metrics lacks '$line'"
  done
  local version revision series
  read -r version revision <<<"$(binary_version)"
  series="kube_aws_iam_controller_build_info{version=\"$version\",revision=\"$revision\"} 1"
  grep -qF "$series" <<<"$metrics" || fail "/metrics lacks $series"
}

# ---------------------------------------------------------------------------
section_b() {
  local ns=sec-b seed=kube-aws-iam-controller-iam-role dir="$SDIR/meta-aws-iam"
  local seed_key seed_exp seed_exp_epoch key caller rv section_start
  section_start=$(now_us)
  "$KUBECTL" create namespace "$ns" >/dev/null

  # 1. Seed, with the bootstrap user's keys and nothing else.
  env -i PATH="$PATH" HOME="$HOME" KUBECONFIG="$KUBECONFIG" KUBECACHEDIR="$KUBECACHEDIR" \
    AWS_ACCESS_KEY_ID="$BOOTSTRAP_KEY_ID" AWS_SECRET_ACCESS_KEY="$BOOTSTRAP_SECRET" \
    AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$WORK/no-aws-config" \
    NAMESPACE="$ns" ROLE_NAME="$seed" STS_ENDPOINT_URL="$STS" KUBECTL="$KUBECTL" AWS="$AWS" \
    CREDENTIALS_MOUNT_PATH="$dir" \
    bash "$SOURCE_DIR/scripts/set_secret.sh" "$CONTROLLER_ROLE_ARN" >"$SDIR/set_secret.log" 2>&1 ||
    fail "scripts/set_secret.sh failed: $(cat "$SDIR/set_secret.log")"
  note "$(tail -n 1 "$SDIR/set_secret.log")"
  materialise "$ns" "$seed" "$dir" >/dev/null
  expect_eq "$(files_in "$dir")" "credentials credentials.json credentials.process " "seed Secret data keys"
  seed_key=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKeyId"])' "$dir/credentials.json")
  seed_exp=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Expiration"])' "$dir/credentials.json")
  seed_exp_epoch=$(date -d "$seed_exp" +%s)
  calls AssumeRole issued_access_key_id="$seed_key" caller_arn="arn:aws:iam::$ACCOUNT:user/bootstrap" \
    role_arn="$CONTROLLER_ROLE_ARN" result=Success || fail "aws-sim has no AssumeRole by user/bootstrap that issued the seed"

  # 2. The controller on the seed only: no other AWS_* variable, no IMDS.
  start_controller controller AWS_SHARED_CREDENTIALS_FILE="$dir/credentials.process" \
    AWS_EC2_METADATA_DISABLED=true -- \
    --namespace="$ns" --leader-election-namespace="$ns" --identity=b \
    --base-role-arn="$BASE_ROLE_ARN" --credentials-mount-path="$dir"

  # 3. Adoption: the seed Secret gets all keys, the labels stay.
  wait_until 20 "adopted seed Secret (awsiamrole-generation=1)" secret_key_is "$ns" "$seed" awsiamrole-generation 1 ||
    fail "the controller did not adopt the seed Secret"
  expect_eq "$(secret_key "$ns" "$seed" role-arn)" "$CONTROLLER_ROLE_ARN" "adopted Secret role-arn"
  expect_eq "$("$KUBECTL" get secret -n "$ns" "$seed" -o 'jsonpath={.metadata.labels.heritage}')" \
    kube-aws-iam-controller "adopted Secret label heritage"
  expect_eq "$("$KUBECTL" get secret -n "$ns" "$seed" -o 'jsonpath={.metadata.labels.type}')" \
    awsiamrole "adopted Secret label type"
  log_has "$SDIR/controller.log" "updated credentials for $ns/$seed" ||
    fail "no 'updated credentials for $ns/$seed' in the log"
  calls AssumeRole role_arn="$CONTROLLER_ROLE_ARN" caller_access_key_id="$seed_key" result=Success ||
    fail "the adoption's AssumeRole was not made with the seed credentials"
  note "adopted: $ns/$seed has awsiamrole-generation=1, role-arn=$CONTROLLER_ROLE_ARN"
  materialise "$ns" "$seed" "$dir" >/dev/null  # kubelet propagates the adopted Secret

  # 4. A second role, assumed with the seed-derived session.
  apply_role "$ns" app team/app/my-role
  wait_until 20 "Secret $ns/app" secret_has_key "$ns" app credentials.json ||
    fail "no Secret for the second AWSIAMRole"
  caller=$(calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/team/app/my-role" result=Success --field caller_arn) ||
    fail "aws-sim has no successful AssumeRole of team/app/my-role"
  expect_match "$caller" "^arn:aws:sts::$ACCOUNT:assumed-role/kube-aws-iam-controller/[^/]+\$" \
    "caller of the second role's AssumeRole"
  note "team/app/my-role assumed by $caller"

  # 5. Past the seed's expiry: kubelet (here: this loop) re-materialises every
  #    change of the controller's own Secret; the seed credentials expire at
  #    $seed_exp; the controller must go on with its refreshed session.
  wait_until $((CAP_SECONDS + 30)) "passing of the seed's expiry ($seed_exp)" \
    kubelet_sync_until "$ns" "$seed" "$dir" $((seed_exp_epoch + 1)) ||
    fail "could not wait for the seed's expiry"
  rv=$("$KUBECTL" get secret -n "$ns" "$seed" -o 'jsonpath={.metadata.resourceVersion}')
  [[ "$(date -d "$(secret_key "$ns" "$seed" expire)" +%s)" -gt "$(date +%s)" ]] ||
    fail "the controller's own Secret holds expired credentials (expire $(secret_key "$ns" "$seed" expire))"
  [[ "$(calls AssumeRole role_arn="$CONTROLLER_ROLE_ARN" result=Success caller_arn^="arn:aws:sts::$ACCOUNT:assumed-role/" --count)" -ge 2 ]] ||
    fail "the controller did not refresh its own Secret before the seed expired"
  apply_role "$ns" after-expiry after-expiry-role
  wait_until 20 "Secret $ns/after-expiry" secret_has_key "$ns" after-expiry credentials.json ||
    fail "no Secret for an AWSIAMRole created after the seed expired"
  key=$(calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/after-expiry-role" result=Success --field caller_access_key_id) ||
    fail "aws-sim has no successful AssumeRole of after-expiry-role"
  [[ "$key" != "$seed_key" ]] || fail "after-expiry-role was assumed with the (expired) seed key"
  if calls AssumeRole caller_access_key_id="$seed_key" result=ExpiredToken; then
    fail "the controller used the seed credentials after they expired (ExpiredToken in /_sim/calls)"
  fi
  note "seed expired at $seed_exp; own Secret (resourceVersion $rv) expires $(secret_key "$ns" "$seed" expire);" \
    "after-expiry-role assumed with a refreshed session"

  # 6. Refresh cadence with the default flags (lead 22m, longer than these
  #    ${CAP_SECONDS}s sessions): the lead must be capped at half the issued
  #    lifetime, so team/app/my-role is assumed about every $((CAP_SECONDS / 2))s, not in a loop.
  local assumed elapsed=$((($(now_us) - section_start) / 1000000))
  assumed=$(calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/team/app/my-role" --count)
  note "team/app/my-role: $assumed AssumeRole calls in ${elapsed}s of ${CAP_SECONDS}s sessions"
  ((assumed <= 3 + elapsed / (CAP_SECONDS / 2))) ||
    fail "refresh loop: team/app/my-role was assumed $assumed times in ${elapsed}s" \
      "(sessions last ${CAP_SECONDS}s; expected about one per $((CAP_SECONDS / 2))s);" \
      "log: $(grep -F "for $ns/app " "$SDIR/controller.log" | sed -n 2p)"
}

# ---------------------------------------------------------------------------
section_c() {
  local ns=sec-c caller
  "$KUBECTL" create namespace "$ns" >/dev/null
  curl -fsS -X DELETE "$STS/_sim/calls" >/dev/null
  apply_role "$ns" chained chained-app
  start_controller controller AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
    --namespace="$ns" --leader-election-namespace="$ns" --identity=c "${SHORT_LEAD[@]}" \
    --assume-role=kaic-intermediate --credentials-mount-path="$SDIR/meta-aws-iam"
  wait_until 20 "Secret $ns/chained" secret_has_key "$ns" chained credentials.json ||
    fail "no Secret for the AWSIAMRole (via --assume-role)"
  expect_eq "$(secret_key "$ns" chained role-arn)" "arn:aws:iam::$ACCOUNT:role/chained-app" "role-arn"
  caller=$(calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/kaic-intermediate" result=Success --field caller_arn) ||
    fail "aws-sim has no successful AssumeRole of kaic-intermediate"
  expect_match "$caller" "^arn:aws:sts::$ACCOUNT:assumed-role/kube-aws-iam-controller/[^/]+\$" \
    "caller of AssumeRole(kaic-intermediate)"
  note "kaic-intermediate assumed by $caller"
  caller=$(calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/chained-app" result=Success --field caller_arn) ||
    fail "aws-sim has no successful AssumeRole of chained-app"
  expect_match "$caller" "^arn:aws:sts::$ACCOUNT:assumed-role/kaic-intermediate/[^/]+\$" \
    "caller of AssumeRole(chained-app)"
  note "chained-app assumed by $caller"
  if calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/chained-app" \
    caller_arn^="arn:aws:sts::$ACCOUNT:assumed-role/kube-aws-iam-controller/"; then
    fail "chained-app was (also) assumed directly by the base role"
  fi
}

# ---------------------------------------------------------------------------
section_d() {
  local ns=sec-d lease=kaic-binary-test leader follower leader_pid follower_pid rc start
  local -A pid_of
  "$KUBECTL" create namespace "$ns" >/dev/null
  for id in d-one d-two; do
    start_controller "$id" AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
      --namespace="$ns" --leader-election-namespace="$ns" --leader-election-id="$lease" \
      --identity="$id" --credentials-mount-path="$SDIR/meta-aws-iam" "${SHORT_LEAD[@]}"
    pid_of[$id]=$LAST_PID
  done
  wait_until 30 "Lease $ns/$lease holder" lease_holder_in "$ns" "$lease" d-one d-two ||
    fail "no replica became leader"
  leader=$(lease_holder "$ns" "$lease")
  if [[ "$leader" == d-one ]]; then follower=d-two; else follower=d-one; fi
  leader_pid=${pid_of[$leader]}
  follower_pid=${pid_of[$follower]}
  wait_until 20 "'leader is now $leader' in $follower's log" log_has "$SDIR/$follower.log" "leader is now $leader" ||
    fail "$follower never saw $leader as leader"
  log_has "$SDIR/$leader.log" "leader is now $leader (this replica)" ||
    fail "$leader's log lacks 'leader is now $leader (this replica)'"
  if log_has "$SDIR/$follower.log" "leader is now $follower"; then
    fail "both replicas believed they were leader"
  fi
  note "leader: $leader, follower: $follower"

  apply_role "$ns" first first-role
  wait_until 20 "Secret $ns/first" secret_has_key "$ns" first credentials.json || fail "no Secret for $ns/first"
  wait_until 5 "'created credentials for $ns/first' in $leader's log" \
    log_has "$SDIR/$leader.log" "created credentials for $ns/first" ||
    fail "the leader did not log 'created credentials for $ns/first'"
  if log_has "$SDIR/$follower.log" "created credentials"; then
    fail "the follower wrote credentials: $(grep -F 'created credentials' "$SDIR/$follower.log")"
  fi

  # SIGTERM the leader: it exits 0 within a few seconds and releases the Lease.
  start=$(now_us)
  kill -TERM "$leader_pid"
  wait_until 10 "exit of $leader after SIGTERM" has_exited "$leader_pid" ||
    fail "$leader still runs 10 s after SIGTERM"
  set +e
  wait "$leader_pid"
  rc=$?
  set -e
  forget_pid "$leader_pid"
  expect_eq "$rc" 0 "$leader's exit status after SIGTERM"
  note "$leader exited 0, $((($(now_us) - start) / 1000)) ms after SIGTERM"

  wait_until 20 "Lease $ns/$lease held by $follower" lease_holder_is "$ns" "$lease" "$follower" ||
    fail "$follower did not take over the Lease (holder: '$(lease_holder "$ns" "$lease")')"
  # Released: the standby takes it at its next attempt, every retry period
  # (2 s) times client-go's jitter [1, 2.2): within 4.4 s.
  local took_ms=$((($(now_us) - start) / 1000))
  ((took_ms <= 6000)) || fail "$follower took over ${took_ms} ms after SIGTERM; expected within 4.4 s (the Lease is released)"
  note "$follower took over ${took_ms} ms after SIGTERM (Lease released)"
  wait_until 10 "'leader is now $follower (this replica)'" \
    log_has "$SDIR/$follower.log" "leader is now $follower (this replica)" ||
    fail "$follower's log lacks 'leader is now $follower (this replica)'"
  apply_role "$ns" second second-role
  wait_until 20 "Secret $ns/second" secret_has_key "$ns" second credentials.json ||
    fail "the new leader wrote no Secret for $ns/second"
  wait_until 5 "'created credentials for $ns/second' in $follower's log" \
    log_has "$SDIR/$follower.log" "created credentials for $ns/second" ||
    fail "$follower did not log 'created credentials for $ns/second'"
  if log_has "$SDIR/$follower.log" "created credentials for $ns/first"; then
    fail "$follower re-created the existing Secret $ns/first after the takeover"
  fi
  kill -0 "$follower_pid" || fail "$follower died"

  # SIGKILL the new leader, as a lost node does: nothing releases the Lease, so
  # a third replica takes over once it has expired: the lease duration (15 s)
  # after the last renewal (up to 2 s before the kill) as the standby saw it
  # (at one of its attempts, 2 to 4.4 s apart), at its next attempt: 13 to
  # 23.8 s after the kill (docs/operations.md#leader-election).
  start_controller d-three AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
    --namespace="$ns" --leader-election-namespace="$ns" --leader-election-id="$lease" \
    --identity=d-three --credentials-mount-path="$SDIR/meta-aws-iam" "${SHORT_LEAD[@]}"
  wait_until 20 "'leader is now $follower' in d-three's log" log_has "$SDIR/d-three.log" "leader is now $follower" ||
    fail "d-three never saw $follower as leader"
  start=$(now_us)
  kill -KILL "$follower_pid"
  wait_until 30 "Lease $ns/$lease held by d-three" lease_holder_is "$ns" "$lease" d-three ||
    fail "d-three did not take over the Lease after SIGKILL of $follower (holder: '$(lease_holder "$ns" "$lease")')"
  took_ms=$((($(now_us) - start) / 1000))
  wait "$follower_pid" 2>/dev/null || true
  forget_pid "$follower_pid"
  ((took_ms >= 13000 && took_ms <= 25000)) ||
    fail "d-three took over ${took_ms} ms after SIGKILL of $follower; expected 13 to 23.8 s (lease duration, retry period)"
  note "d-three took over ${took_ms} ms after SIGKILL of $follower (Lease not released)"
}

# ---------------------------------------------------------------------------
section_e() {
  local out rc
  out=$("$CONTROLLER" --help 2>&1) || fail "--help exited $?"
  grep -q -- '--refresh-limit' <<<"$out" || fail "--help does not list --refresh-limit"
  set +e
  out=$("$CONTROLLER" --interval=abc 2>&1)
  rc=$?
  set -e
  ((rc != 0)) || fail "--interval=abc exited 0"
  expect_eq "$(wc -l <<<"$out")" 1 "number of lines printed for --interval=abc (got: $out)"
  grep -q -- '--interval' <<<"$out" || fail "the error does not name --interval: $out"
  note "--interval=abc: exit $rc: $out"

  out=$("$CONTROLLER" --version 2>&1) || fail "--version exited $?"
  expect_match "$out" '^kube-aws-iam-controller [0-9]+\.[0-9]+\.[0-9]+ \(revision ([0-9a-f]{12}(-dirty)?|unknown)\)$' "--version"
  note "--version: $out"
  local flag
  for flag in --help-long --help-man; do  # kingpin's, which the Go original had
    out=$("$CONTROLLER" "$flag" 2>&1) || fail "$flag exited $?"
    grep -q -- '--refresh-limit' <<<"$out" || fail "$flag does not list --refresh-limit"
  done

  # Swapping the image must be enough: the arguments each released version of
  # the Go original documented start this binary, which then does its job.
  local ns=sec-e
  "$KUBECTL" get namespace kube-system >/dev/null 2>&1 || "$KUBECTL" create namespace kube-system >/dev/null
  "$KUBECTL" create namespace "$ns" >/dev/null
  local -A go_args=(
    # v0.0.1 to v0.3.0: kingpin flags, with the pod watcher's queue.
    [v0.3.0]="--debug --interval=10s --refresh-limit=15m --event-queue-size=1000 --base-role-arn=$BASE_ROLE_ARN --namespace=$ns"
    # v0.4.0 and later: no pod watcher; --assume-role and --apiserver.
    [v0.4.0]="--debug --interval=10s --refresh-limit=15m --base-role-arn=$BASE_ROLE_ARN --assume-role=kaic-intermediate --namespace=$ns --apiserver=$(kubectl_server)"
  )
  local version role obsolete_lines
  for version in v0.3.0 v0.4.0; do
    role="app-${version//./-}"
    apply_role "$ns" "$role" team/app/my-role
    # shellcheck disable=SC2086 # the arguments as a Deployment lists them
    start_controller "go-$version" AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- ${go_args[$version]}
    wait_until 20 "Secret $ns/$role from the controller started with $version's arguments" \
      secret_has_key "$ns" "$role" credentials.process ||
      fail "started with the Go original $version's arguments, the controller wrote no Secret"
    stop_pid "$LAST_PID"
    forget_pid "$LAST_PID"
    obsolete_lines=$(grep -c 'is obsolete' "$SDIR/go-$version.log" || true)
    if [[ "${go_args[$version]}" == *--event-queue-size* ]]; then
      expect_eq "$obsolete_lines" 1 "warnings about --event-queue-size with $version's arguments"
    else
      expect_eq "$obsolete_lines" 0 "warnings about obsolete flags with $version's arguments"
    fi
    note "the Go original $version's arguments: Secret $ns/$role written"
  done

  # --namespace-restrictions as a user turns it on: a namespace without an
  # annotation may use no role; annotating it (kube2iam's form) lets the role in.
  local restricted=sec-e-restricted
  "$KUBECTL" create namespace "$restricted" >/dev/null
  apply_role "$restricted" app team/app/my-role
  start_controller restricted AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
    --base-role-arn="$BASE_ROLE_ARN" --namespace-restrictions
  wait_until 20 "AWSIAMRole $restricted/app refused (Ready=False, RoleNotPermitted)" \
    ready_reason_is "$restricted" app RoleNotPermitted ||
    fail "with --namespace-restrictions, a role of an unannotated namespace was not refused"
  secret_has_key "$restricted" app credentials.process && fail "a refused role got a Secret"
  local annotated_us
  annotated_us=$(now_us)
  "$KUBECTL" annotate namespace "$restricted" 'iam.amazonaws.com/allowed-roles=["team/app/*"]' >/dev/null
  wait_until 20 "Secret $restricted/app once the Namespace allows the role" \
    secret_has_key "$restricted" app credentials.process ||
    fail "annotating the Namespace did not let its role in"
  stop_pid "$LAST_PID"
  forget_pid "$LAST_PID"
  note "--namespace-restrictions: refused without an annotation, served $((($(now_us) - annotated_us) / 1000)) ms after annotating the Namespace"
}

# ready_reason_is NAMESPACE NAME REASON: the AWSIAMRole's Ready condition has REASON.
ready_reason_is() {
  [[ "$("$KUBECTL" get awsiamrole -n "$1" "$2" \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}' 2>/dev/null)" == "$3" ]]
}
# warning_event_is NAMESPACE NAME REASON: a Warning Event with REASON about the AWSIAMRole.
warning_event_is() {
  "$KUBECTL" get events -n "$1" --field-selector "involvedObject.name=$2,involvedObject.kind=AWSIAMRole" \
    -o 'jsonpath={range .items[?(@.type=="Warning")]}{.reason}{"\n"}{end}' 2>/dev/null | grep -qx "$3"
}
# ready_status_is NAMESPACE NAME STATUS: the AWSIAMRole's Ready condition is STATUS.
ready_status_is() {
  [[ "$("$KUBECTL" get awsiamrole -n "$1" "$2" \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == "$3" ]]
}

# ---------------------------------------------------------------------------
section_f() {
  local out install rendered violations
  # Dry runs do not create namespaces: the installs' own must exist.
  "$KUBECTL" create namespace kube-aws-iam-controller >/dev/null
  "$KUBECTL" create namespace platform-iam >/dev/null

  # docs/deployment.yaml is the rendered default install.
  rendered=$("$KUBECTL" kustomize "$SOURCE_DIR/deploy/base") || fail "kubectl kustomize deploy/base failed"
  expect_eq "$(grep -v '^#' "$SOURCE_DIR/docs/deployment.yaml")" "$rendered" \
    "docs/deployment.yaml (without its header) against 'kubectl kustomize deploy/base'"

  # Every install renders and passes strict server-side validation.
  for install in base variants/irsa variants/instance-profile variants/seed variants/roles-anywhere \
    examples/custom examples/environment-credentials; do
    "$KUBECTL" kustomize "$SOURCE_DIR/deploy/$install" >"$SDIR/${install//\//-}.yaml" ||
      fail "kubectl kustomize deploy/$install failed"
    out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/${install//\//-}.yaml" 2>&1) ||
      fail "deploy/$install failed strict server-side validation:"$'\n'"$out"
    grep -q 'deployment.apps/kube-aws-iam-controller created (server dry run)' <<<"$out" ||
      fail "deploy/$install: unexpected output: $out"
    note "deploy/$install: $(grep -c 'created (server dry run)' <<<"$out") objects pass --validate=strict"
  done
  # The namespace-restrictions component on the base: strict validation and
  # the flag the binary knows; read access to Namespaces is the base's (the
  # controller skips roles in namespaces being deleted), listed once.
  mkdir -p "$SDIR/restricted"
  printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' \
    "resources: [$(realpath --relative-to="$SDIR/restricted" "$SOURCE_DIR/deploy/base")]" \
    "components: [$(realpath --relative-to="$SDIR/restricted" "$SOURCE_DIR/deploy/components/namespace-restrictions")]" \
    >"$SDIR/restricted/kustomization.yaml"  # kustomize takes no absolute paths
  "$KUBECTL" kustomize "$SDIR/restricted" >"$SDIR/restricted.yaml" ||
    fail "kubectl kustomize with deploy/components/namespace-restrictions failed"
  out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/restricted.yaml" 2>&1) ||
    fail "the namespace-restrictions install failed strict server-side validation:"$'\n'"$out"
  namespace_access() {
    "$PYTHON" -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
rules = [r for d in docs if d["kind"] == "ClusterRole" for r in d["rules"] if "namespaces" in r["resources"]]
args = [a for d in docs if d["kind"] == "Deployment" for a in d["spec"]["template"]["spec"]["containers"][0]["args"]]
print(",".join(v for r in rules for v in r["verbs"]), "--namespace-restrictions" in args)' "$1"
  }
  expect_eq "$(namespace_access "$SDIR/restricted.yaml")" "get,list,watch True" \
    "namespaces verbs and the flag with deploy/components/namespace-restrictions"
  expect_eq "$(namespace_access "$SDIR/base.yaml")" "get,list,watch False" "namespaces verbs and the flag without it"
  out=$("$CONTROLLER" --help 2>&1) || fail "--help exited $?"
  grep -q -- '--namespace-restrictions' <<<"$out" ||
    fail "the binary's --help does not list --namespace-restrictions"
  note "deploy/components/namespace-restrictions: passes --validate=strict, adds the flag; namespaces get/list/watch in the base"

  # The check can fail: the Go original's typo is rejected.
  sed 's/initialDelaySeconds:/initialDelaySecond:/' "$SOURCE_DIR/docs/deployment.yaml" >"$SDIR/typo.yaml"
  grep -q initialDelaySecond: "$SDIR/typo.yaml" || fail "docs/deployment.yaml has no initialDelaySeconds to mistype"
  if out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/typo.yaml" 2>&1); then
    fail "strict validation accepted 'initialDelaySecond' (the check proves nothing)"
  fi
  grep -q 'unknown field' <<<"$out" || fail "unexpected rejection of the typo: $out"
  # A namespace of one's own moves the ClusterRoleBinding's subject along.
  expect_eq "$("$PYTHON" -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ClusterRoleBinding":
        print(d["subjects"][0]["namespace"])' "$SDIR/examples-custom.yaml")" platform-iam \
    "deploy/examples/custom: the ClusterRoleBinding subject's namespace"
  # networkPolicy.egressPorts: the example's extra port joins the HTTPS rule.
  https_egress_ports() {
    "$PYTHON" -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "NetworkPolicy":
        for rule in d["spec"]["egress"]:
            ports = [str(p["port"]) for p in rule.get("ports", [])]
            if "443" in ports:
                print(" ".join(ports))' "$1"
  }
  expect_eq "$(https_egress_ports "$SDIR/base.yaml")" "443 6443" "deploy/base: the NetworkPolicy's HTTPS egress ports"
  expect_eq "$(https_egress_ports "$SDIR/examples-custom.yaml")" "443 6443 16443" \
    "deploy/examples/custom: the NetworkPolicy's HTTPS egress ports"

  # deploy/variants/roles-anywhere with deploy/components/roles-anywhere-cert-manager:
  # what is not cert-manager's passes strict validation (cert-manager's CRDs
  # are not at hand offline: its objects are checked field by field against
  # what the variant mounts and what Roles Anywhere requires).
  mkdir -p "$SDIR/roles-anywhere"
  printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' \
    "resources: [$(realpath --relative-to="$SDIR/roles-anywhere" "$SOURCE_DIR/deploy/variants/roles-anywhere")]" \
    "components: [$(realpath --relative-to="$SDIR/roles-anywhere" "$SOURCE_DIR/deploy/components/roles-anywhere-cert-manager")]" \
    >"$SDIR/roles-anywhere/kustomization.yaml"
  "$KUBECTL" kustomize "$SDIR/roles-anywhere" >"$SDIR/roles-anywhere-cert-manager.yaml" ||
    fail "kubectl kustomize with deploy/components/roles-anywhere-cert-manager failed"
  out=$("$PYTHON" "$HERE/check_roles_anywhere_install.py" "$SDIR/roles-anywhere-cert-manager.yaml" \
    "$SDIR/roles-anywhere-kubernetes.yaml" 2>&1) ||
    fail "deploy/variants/roles-anywhere + cert-manager component: $out"
  note "$out"
  out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/roles-anywhere-kubernetes.yaml" 2>&1) ||
    fail "the roles-anywhere install with cert-manager failed strict server-side validation:"$'\n'"$out"

  # deploy/components/webhook on the base and on every variant (volumes merge
  # with the variant's), with and without deploy/components/webhook-cert-manager:
  # checked field by field against the binary's own defaults
  # (check_webhook_install.py), what is not cert-manager's passes strict
  # validation (the MutatingWebhookConfiguration included: kube-sim validates
  # it as the apiserver does), and the Restricted Pod Security Standard still
  # holds (but for the host-network variant, which never met it).
  local default_configuration components base_dir component component_list
  default_configuration=$("$CONTROLLER" --help 2>&1 | sed -n 's|.*--webhook-configuration (string, default "\(.*\)").*|\1|p')
  [[ -n "$default_configuration" ]] || fail "the binary's --help names no default for --webhook-configuration"
  for install in base:webhook base:webhook,webhook-cert-manager variants/irsa:webhook \
    variants/instance-profile:webhook variants/seed:webhook \
    variants/roles-anywhere:webhook,webhook-cert-manager; do
    base_dir=${install%%:*}
    mkdir -p "$SDIR/webhook-install"
    components=""
    IFS=, read -ra component_list <<<"${install#*:}"
    for component in "${component_list[@]}"; do
      components+="$(realpath --relative-to="$SDIR/webhook-install" "$SOURCE_DIR/deploy/components/$component"), "
    done
    printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' \
      "resources: [$(realpath --relative-to="$SDIR/webhook-install" "$SOURCE_DIR/deploy/$base_dir")]" \
      "components: [${components%, }]" >"$SDIR/webhook-install/kustomization.yaml"
    "$KUBECTL" kustomize "$SDIR/webhook-install" >"$SDIR/webhook-install.yaml" ||
      fail "kubectl kustomize deploy/$base_dir with ${install#*:} failed"
    out=$("$PYTHON" "$HERE/check_webhook_install.py" "$SDIR/webhook-install.yaml" \
      "$SDIR/webhook-install-kubernetes.yaml" "$default_configuration" 2>&1) ||
      fail "deploy/$base_dir with ${install#*:}: $out"
    note "deploy/$base_dir + ${install#*:}: $out"
    out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/webhook-install-kubernetes.yaml" 2>&1) ||
      fail "deploy/$base_dir with ${install#*:} failed strict server-side validation:"$'\n'"$out"
    grep -q 'mutatingwebhookconfiguration.admissionregistration.k8s.io/kube-aws-iam-controller created (server dry run)' <<<"$out" ||
      fail "deploy/$base_dir with ${install#*:}: no MutatingWebhookConfiguration in: $out"
    if [[ "$base_dir" != variants/instance-profile ]]; then
      violations=$("$PYTHON" "$HERE/pod_security.py" <"$SDIR/webhook-install.yaml") ||
        fail "deploy/$base_dir with ${install#*:} breaks the Restricted Pod Security Standard:"$'\n'"$violations"
    fi
    rm -rf "$SDIR/webhook-install"
  done
  # ...and the check can fail: the apiserver's own rules on the configuration.
  sed 's/sideEffects: NoneOnDryRun/sideEffects: Some/' "$SDIR/webhook-install-kubernetes.yaml" >"$SDIR/webhook-typo.yaml"
  if out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/webhook-typo.yaml" 2>&1); then
    fail "kube-sim accepted a MutatingWebhookConfiguration with sideEffects: Some"
  fi
  grep -q 'Unsupported value: "Some"' <<<"$out" || fail "unexpected rejection of sideEffects: Some: $out"

  # deploy/examples/environment-credentials, with the sandbox's bootstrap keys
  # in its env file: the controller started with exactly the environment the
  # rendered Deployment gives its container writes a role's Secret, assumed by
  # that user.
  local envdir="$SDIR/environment-credentials" ns=sec-f container_env=()
  mkdir -p "$envdir"
  sed "s#^- \.\./\.\./base#- $(realpath --relative-to="$envdir" "$SOURCE_DIR/deploy/base")#" \
    "$SOURCE_DIR/deploy/examples/environment-credentials/kustomization.yaml" >"$envdir/kustomization.yaml"
  printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$BOOTSTRAP_KEY_ID" "$BOOTSTRAP_SECRET" \
    >"$envdir/aws-credentials.env"
  "$KUBECTL" kustomize "$envdir" >"$SDIR/environment-credentials.yaml" ||
    fail "kubectl kustomize of deploy/examples/environment-credentials with the sandbox keys failed"
  mapfile -t container_env < <("$PYTHON" "$HERE/container_env.py" "$SDIR/environment-credentials.yaml")
  ((${#container_env[@]} > 0)) || fail "no environment for the container of deploy/examples/environment-credentials"
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app kaic-intermediate  # a role that trusts user/bootstrap
  start_controller environment-credentials "${container_env[@]}" -- \
    --namespace="$ns" --leader-election-namespace="$ns"
  wait_until 20 "Secret $ns/app" secret_has_key "$ns" app credentials.process ||
    fail "with deploy/examples/environment-credentials' environment, the controller wrote no Secret"
  calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/kaic-intermediate" \
    caller_arn="arn:aws:iam::$ACCOUNT:user/bootstrap" result=Success ||
    fail "kaic-intermediate was not assumed with the environment's keys (user/bootstrap)"
  note "deploy/examples/environment-credentials: its environment alone ($(printf '%s ' "${container_env[@]%%=*}")) gets $ns/app a Secret"

  # The Restricted Pod Security Standard, field by field (pod_security.py):
  # every install but the host-network one passes.
  for install in base variants-irsa variants-seed variants-roles-anywhere examples-custom \
    examples-environment-credentials; do
    violations=$("$PYTHON" "$HERE/pod_security.py" <"$SDIR/$install.yaml") ||
      fail "deploy/${install/-//} breaks the Restricted Pod Security Standard:"$'\n'"$violations"
  done
  violations=$("$PYTHON" "$HERE/pod_security.py" <"$SDIR/variants-instance-profile.yaml") &&
    fail "the instance-profile variant (hostNetwork) passed the Restricted check"
  expect_eq "$violations" "Deployment/kube-aws-iam-controller: spec.hostNetwork: must be unset or false (Baseline: host namespaces)" \
    "the instance-profile variant's only violation"
  # ...and the check can fail on each field it guards.
  local edit field
  for edit in 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/=readOnlyRootFilesystem' \
    's/runAsNonRoot: true/runAsNonRoot: false/=runAsNonRoot' \
    's/allowPrivilegeEscalation: false/allowPrivilegeEscalation: true/=allowPrivilegeEscalation' \
    's/type: RuntimeDefault/type: Unconfined/=seccompProfile.type' \
    's/- ALL/- NET_RAW/=capabilities.drop' \
    's/memory: 128Mi/cpu: 100m/=resources.limits.memory'; do
    field=${edit##*=}
    violations=$(sed "${edit%=*}" "$SDIR/base.yaml" | "$PYTHON" "$HERE/pod_security.py") &&
      fail "pod_security.py accepted the default install edited with '${edit%=*}'"
    grep -qF "$field" <<<"$violations" || fail "pod_security.py did not name $field: $violations"
  done
  note "deploy/base and its variants meet the Restricted profile (instance-profile: hostNetwork only)"

  # deploy/monitoring against the prometheus-operator's real CRDs.
  "$KUBECTL" apply --server-side -f "$SOURCE_DIR/tests/data/prometheus-operator-crds/" >/dev/null ||
    fail "the prometheus-operator CRDs did not apply"
  wait_until 20 "established ServiceMonitor, PodMonitor and PrometheusRule CRDs" \
    "$KUBECTL" get servicemonitors,podmonitors,prometheusrules -A
  out=$("$KUBECTL" apply --dry-run=server --validate=strict -k "$SOURCE_DIR/deploy/monitoring" 2>&1) ||
    fail "deploy/monitoring failed strict server-side validation:"$'\n'"$out"
  expect_eq "$(grep -c 'created (server dry run)' <<<"$out")" 3 "objects of deploy/monitoring created (dry run): $out"
  out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SOURCE_DIR/deploy/monitoring/podmonitor.yaml" 2>&1) ||
    fail "deploy/monitoring/podmonitor.yaml failed strict server-side validation:"$'\n'"$out"
  # ...which rejects what the operator would not understand.
  sed 's/^    interval: 30s/    intervall: 30s/' "$SOURCE_DIR/deploy/monitoring/servicemonitor.yaml" >"$SDIR/sm-typo.yaml"
  if out=$("$KUBECTL" apply --dry-run=server --validate=strict -f "$SDIR/sm-typo.yaml" -n kube-aws-iam-controller 2>&1); then
    fail "strict validation accepted a ServiceMonitor with 'intervall'"
  fi
  grep -q 'unknown field' <<<"$out" || fail "unexpected rejection of the ServiceMonitor typo: $out"
  note "deploy/monitoring: ServiceMonitor, PrometheusRule, dashboard ConfigMap and the PodMonitor pass --validate=strict"

  out=$("$KUBECTL" apply --dry-run=server -f "$SOURCE_DIR/docs/example-app.yaml" 2>&1) ||
    fail "docs/example-app.yaml failed server-side dry run:"$'\n'"$out"
  note "$(tr '\n' ';' <<<"$out")"
}

# ---------------------------------------------------------------------------
# A real Prometheus (Debian's) scraping the controller every second with the
# alert rules of deploy/monitoring. Only the credentials-expiry alert is
# scaled to the sandbox's 40-second credentials (threshold 10 s, for 2 s);
# every other rule is loaded as shipped.
section_h() {
  local ns=sec-h port prom_port rules state
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role
  start_controller controller AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
    --namespace="$ns" --leader-election-namespace="$ns" "${SHORT_LEAD[@]}"
  wait_until 20 "Secret $ns/app" secret_has_key "$ns" app credentials.json ||
    fail "the controller wrote no Secret"
  port=$(metrics_port controller) || fail "no 'serving /healthz, /readyz, /metrics on' line in the log"

  "$PYTHON" "$SOURCE_DIR/tests/integration/monitoring/prometheus_rules.py" --sandbox \
    "$SOURCE_DIR/deploy/monitoring/prometheusrule.yaml" "$SDIR/rules.yaml" ||
    fail "cannot turn deploy/monitoring/prometheusrule.yaml into a rules file"
  rules=$(grep -c '^ *- alert:' "$SDIR/rules.yaml")
  cat >"$SDIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
- $SDIR/rules.yaml
scrape_configs:
- job_name: kube-aws-iam-controller
  static_configs:
  - targets: ["127.0.0.1:$port"]
EOF
  "$PROMETHEUS" --config.file="$SDIR/prometheus.yml" --storage.tsdb.path="$SDIR/prometheus-data" \
    --web.listen-address=127.0.0.1:0 >"$SDIR/prometheus.log" 2>&1 &
  SECTION_PIDS+=("$!")
  echo "$!" >>"$WORK/pids"
  # With port 0 it logs the port it got: msg="Listening on" address=127.0.0.1:PORT
  prom_listening() { grep -q 'msg="Listening on" address=127.0.0.1:[0-9]' "$SDIR/prometheus.log"; }
  wait_until 30 "Prometheus listening" prom_listening || fail "Prometheus did not start"
  prom_port=$(sed -n 's/.*msg="Listening on" address=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$SDIR/prometheus.log" | head -n 1)
  PROM="http://127.0.0.1:$prom_port"

  # The rules load, the controller is scraped, and nothing fires.
  prom_rules_loaded() { [[ "$(prom_query rules)" == "$rules" ]]; }
  wait_until 30 "$rules alerting rules loaded by Prometheus" prom_rules_loaded ||
    fail "Prometheus did not load the $rules rules: $(prom_query rules)"
  prom_target_up() { [[ "$(prom_query up)" == 1 ]]; }
  wait_until 30 "the controller scraped (up == 1)" prom_target_up || fail "Prometheus does not scrape the controller"
  prom_expiring_is() { [[ "$(prom_query alert KubeAWSIAMCredentialsExpiring "$ns" app)" == "$1" ]]; }
  prom_expiring_is none || fail "KubeAWSIAMCredentialsExpiring is $(prom_query alert KubeAWSIAMCredentialsExpiring "$ns" app) before any fault"
  note "Prometheus loaded $rules alerting rules and scrapes the controller"

  # STS down: no refresh; the credentials run out and the alert fires...
  curl -fsS -X POST -d '{"outage":503}' "$STS/_sim/faults" >/dev/null || fail "cannot inject the STS outage"
  wait_until 90 "KubeAWSIAMCredentialsExpiring firing" prom_expiring_is firing ||
    fail "no KubeAWSIAMCredentialsExpiring during the STS outage (state: $(prom_query alert KubeAWSIAMCredentialsExpiring "$ns" app))"
  note "STS outage: KubeAWSIAMCredentialsExpiring fired for $ns/app"
  # ...and clears once STS answers again and the controller has refreshed.
  curl -fsS -X POST -d '{"reset":true}' "$STS/_sim/faults" >/dev/null || fail "cannot end the STS outage"
  wait_until 90 "KubeAWSIAMCredentialsExpiring resolved" prom_expiring_is none ||
    fail "KubeAWSIAMCredentialsExpiring did not clear after STS recovered (state: $(prom_query alert KubeAWSIAMCredentialsExpiring "$ns" app))"
  state=$(prom_query alert KubeAWSIAMControllerDown)
  expect_eq "$state" none "KubeAWSIAMControllerDown while the controller runs"
  note "STS recovered: the alert cleared"
}

# ---------------------------------------------------------------------------
# The alert rules on what two real replicas export, scraped in three states
# and replayed by promtool (tests/integration/monitoring/replay_scrapes.py).
# Its own aws-sim without the credential cap: the credentials-expiry alert
# must stay silent on healthy hour-long sessions.
section_i() {
  local ns=sec-i lease=kaic-alerts scrapes="$SDIR/scrapes" id out leader standby
  local STS IMDS RA  # this section's aws-sim, for start_controller
  local -A port_of
  start_section_aws_sim "$SANDBOX_CONFIG"

  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role
  apply_role "$ns" denied denied-role
  # A Lease renewed an hour ahead by a replica that is gone (a lost node).
  "$KUBECTL" apply -f - >/dev/null <<EOF
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: $lease
  namespace: $ns
spec:
  holderIdentity: replica-on-a-lost-node
  leaseDurationSeconds: 3600
  renewTime: "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"
EOF
  for id in i-one i-two; do
    start_controller "$id" AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
      --namespace="$ns" --leader-election-namespace="$ns" --leader-election-id="$lease" \
      --identity="$id" --base-role-arn="$BASE_ROLE_ARN"
  done
  for id in i-one i-two; do
    wait_until 20 "metrics port in $id's log" metrics_port "$id" || fail "$id serves no /metrics"
    port_of[$id]=$(metrics_port "$id")
  done

  # scrape SCENARIO: each replica's /metrics, or a record that the scrape failed.
  scrape() {
    local target
    mkdir -p "$scrapes/$1"
    for id in i-one i-two; do
      target="127.0.0.1:${port_of[$id]}"
      curl -fsS "http://$target/metrics" >"$scrapes/$1/$target.prom" 2>/dev/null ||
        { rm -f "$scrapes/$1/$target.prom"; : >"$scrapes/$1/$target.down"; }
    done
  }
  metrics_of() { curl -fsS "http://127.0.0.1:${port_of[$1]}/metrics"; }
  # leader_sample ID: the replica's kube_aws_iam_controller_leader line(s).
  leader_sample() { metrics_of "$1" | grep '^kube_aws_iam_controller_leader' || true; }
  ready_endpoint() { curl -fsS "http://127.0.0.1:${port_of[$1]}/readyz"; }
  roles_gauge_is() { metrics_of "$1" | grep -qx "kube_aws_iam_controller_roles{ready=\"$2\"} $3"; }
  roles_gauge() { metrics_of "$1" | grep '^kube_aws_iam_controller_roles' | tr '\n' ' '; }

  # 1. None leads: both are standbys, ready (caches synced), and see the holder.
  for id in i-one i-two; do
    wait_until 20 "$id ready" ready_endpoint "$id" || fail "$id never became ready"
    wait_until 20 "'leader is now replica-on-a-lost-node' in $id's log" \
      log_has "$SDIR/$id.log" "leader is now replica-on-a-lost-node" || fail "$id never saw the Lease's holder"
    wait_until 10 "$id counting 2 roles Ready=Unknown" roles_gauge_is "$id" Unknown 2 ||
      fail "$id: $(roles_gauge "$id")"
    expect_eq "$(leader_sample "$id")" "kube_aws_iam_controller_leader 0" "$id's leader gauge as a standby"
  done
  scrape no-leader
  note "none leads: both replicas export kube_aws_iam_controller_leader 0"

  # 2. The Lease freed (and STS throttles the next two calls): one leads.
  curl -fsS -X POST -d '{"throttle_next":2}' "$STS/_sim/faults" >/dev/null || fail "cannot inject throttling"
  "$KUBECTL" delete lease -n "$ns" "$lease" >/dev/null
  wait_until 20 "Lease $ns/$lease held by i-one or i-two" lease_holder_in "$ns" "$lease" i-one i-two ||
    fail "no replica took the free Lease"
  leader=$(lease_holder "$ns" "$lease")
  if [[ "$leader" == i-one ]]; then standby=i-two; else standby=i-one; fi
  wait_until 20 "AWSIAMRole $ns/app Ready=True" ready_status_is "$ns" app True ||
    fail "$ns/app did not become Ready"
  wait_until 20 "AWSIAMRole $ns/denied Ready=False" ready_status_is "$ns" denied False ||
    fail "$ns/denied was not refused"
  for id in i-one i-two; do
    wait_until 10 "$id counting 1 role Ready=True and 1 Ready=False" \
      eval 'roles_gauge_is "$id" True 1 && roles_gauge_is "$id" False 1' || fail "$id: $(roles_gauge "$id")"
  done
  expect_eq "$(leader_sample "$leader")" "kube_aws_iam_controller_leader 1" "$leader's leader gauge as the leader"
  expect_eq "$(leader_sample "$standby")" "kube_aws_iam_controller_leader 0" "$standby's leader gauge as the standby"
  scrape leader-and-standby
  note "$leader leads and exports 1, $standby stands by and exports 0"

  # 3. Both stopped: the scrapes fail.
  section_cleanup
  SECTION_PIDS=()
  scrape down

  # The rules, replayed on the scrapes.
  replay_alerts scraped_alerts_test "$scrapes"
  note "promtool: every expectation of scraped_alerts_test.yaml holds on the scraped series"
}

# ---------------------------------------------------------------------------
# A healthy start is quiet: kubelet probes at the times deploy/base's
# Deployment sets, and every failed probe is an `Unhealthy` Warning Event. The
# earliest kubelet probes is initialDelaySeconds after the container starts,
# so the first probe of each kind, sent exactly then, must succeed: with the
# metadata service answering, and with one that never answers (EKS pods behind
# an IMDS hop limit of 1, a cluster off AWS), which costs base role ARN
# discovery its three 1-second attempts.
SILENT_PID=""
section_j_cleanup() {
  if [[ -n "$SILENT_PID" ]]; then
    kill "$SILENT_PID" 2>/dev/null || true
    wait "$SILENT_PID" 2>/dev/null || true
  fi
  section_cleanup
}

section_j() {
  local ns=sec-j readiness_delay liveness_delay silent_port
  trap section_j_cleanup EXIT
  "$KUBECTL" kustomize "$SOURCE_DIR/deploy/base" >"$SDIR/base.yaml" || fail "kubectl kustomize deploy/base failed"
  read -r readiness_delay liveness_delay < <("$PYTHON" -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "Deployment":
        c = d["spec"]["template"]["spec"]["containers"][0]
        assert "startupProbe" not in c, "a startupProbe: this check does not model it"
        print(c["readinessProbe"].get("initialDelaySeconds", 0), c["livenessProbe"].get("initialDelaySeconds", 0))' \
    "$SDIR/base.yaml") || fail "cannot read the probes of deploy/base's Deployment"
  note "deploy/base: first readiness probe ${readiness_delay}s, first liveness probe ${liveness_delay}s after start"
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role

  # A metadata service that accepts connections and never answers; it prints
  # its port, then a line for each connection.
  "$PYTHON" -c '
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
held = []
while True:
    held.append(server.accept())
    print("connection", flush=True)' >"$SDIR/silent-imds.out" &
  SILENT_PID=$!
  wait_until 10 "silent IMDS port" test -s "$SDIR/silent-imds.out" || fail "the silent IMDS did not start"
  silent_port=$(head -n 1 "$SDIR/silent-imds.out")

  # probe_like_kubelet NAME PORT START_US: /readyz and /healthz, each once, at
  # its first probe time after START_US (the process start).
  probe_like_kubelet() {
    local name=$1 port=$2 start=$3 path delay code
    for path in readyz:$readiness_delay healthz:$liveness_delay; do
      delay=${path#*:}
      path=${path%:*}
      past_delay() { (($(now_us) >= start + delay * 1000000)); }
      wait_until $((delay + 5)) "${delay}s after $name's start" past_delay
      code=$(curl -s -o "$SDIR/$name.$path" -w '%{http_code}' "http://127.0.0.1:$port/$path") || true
      expect_eq "$code" 200 "/$path of $name ${delay}s after its start ($(cat "$SDIR/$name.$path" 2>/dev/null))"
    done
  }

  # As in a pod, the port is known before the process starts (kubelet probes
  # the containerPort, not what the log says).
  local start port
  port=$(free_port)
  start=$(now_us)
  start_controller imds-answers AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" -- \
    --namespace="$ns" --leader-election-namespace="$ns" --leader-election-id=imds-answers \
    --metrics-address="127.0.0.1:$port"
  probe_like_kubelet imds-answers "$port" "$start"
  note "metadata service answering: /readyz and /healthz 200 at their first probes"

  port=$(free_port)
  start=$(now_us)
  start_controller imds-silent AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$silent_port" \
    AWS_ACCESS_KEY_ID="$BOOTSTRAP_KEY_ID" AWS_SECRET_ACCESS_KEY="$BOOTSTRAP_SECRET" -- \
    --namespace="$ns" --leader-election-namespace="$ns" --leader-election-id=imds-silent \
    --metrics-address="127.0.0.1:$port"
  probe_like_kubelet imds-silent "$port" "$start"
  local waits
  waits=$(grep -c connection "$SDIR/silent-imds.out" || true)
  ((waits >= 3)) || fail "the controller did not wait for the silent metadata service ($waits connections): the case is not tested"
  note "metadata service silent ($waits unanswered connections): /readyz and /healthz 200 at their first probes"
}

# ---------------------------------------------------------------------------
# IAM Roles Anywhere: the controller off AWS with only a certificate (no seed,
# no AWS key in its environment), against its own aws-sim with a trust anchor
# and a profile (40-second sessions, so the controller's own session is
# renewed about every 30 s). The certificate files are a mounted Secret's.

RA_ANCHOR="arn:aws:rolesanywhere:us-east-1:$ACCOUNT:trust-anchor/kaic-test"
RA_PROFILE="arn:aws:rolesanywhere:us-east-1:$ACCOUNT:profile/kaic-test"

RA_DIRECT_PROFILE="arn:aws:rolesanywhere:us-east-1:$ACCOUNT:profile/kaic-direct"

# roles_anywhere_world [uncapped] [AWS-SIM-FLAG...]: the section's PKI
# ($SDIR/pki, tests/pki/make_test_pki.sh) and an aws-sim trusting its root,
# with a profile for the controller's role and one for every role (12 h, for
# --roles-anywhere-direct); credentials capped at RA_CAP_SECONDS unless
# `uncapped`. Sets STS, IMDS and RA (the endpoints) and PKI.
roles_anywhere_world() {
  local cap=true
  if [[ "${1:-}" == uncapped ]]; then cap=false; shift; fi
  PKI="$SDIR/pki"
  "$SOURCE_DIR/tests/pki/make_test_pki.sh" "$PKI" >"$SDIR/pki.log" 2>&1 || fail "make_test_pki.sh: $(cat "$SDIR/pki.log")"
  grep -v '^issued_duration_cap:' "$SANDBOX_CONFIG" >"$SDIR/aws-sim.yaml"
  if $cap; then echo "issued_duration_cap: ${RA_CAP_SECONDS}s" >>"$SDIR/aws-sim.yaml"; fi
  cat >>"$SDIR/aws-sim.yaml" <<EOF
roles_anywhere:
  trust_anchors:
  - arn: $RA_ANCHOR
    certificate_bundle_file: pki/trust-anchor.pem
  profiles:
  - arn: $RA_PROFILE
    role_arns: [$CONTROLLER_ROLE_ARN]
  - arn: $RA_DIRECT_PROFILE
    role_arns: ["arn:aws:iam::$ACCOUNT:role/*"]
    duration: 12h
EOF
  start_section_aws_sim "$SDIR/aws-sim.yaml" "$@"
}

# issue_certificate NAME rsa|ec START END: another end entity of the section's PKI
# (dates as `date -d` reads them).
issue_certificate() {
  "$SOURCE_DIR/tests/pki/make_test_pki.sh" "$PKI" issue "$1" "$2" \
    "$(date -u -d "$3" +%Y%m%d%H%M%SZ)" "$(date -u -d "$4" +%Y%m%d%H%M%SZ)" >>"$SDIR/pki.log" 2>&1 ||
    fail "cannot issue certificate $1: $(tail -n 5 "$SDIR/pki.log")"
}

# mount_certificate NAME: NAME.pem, its key and the chain where the controller
# reads them, as kubelet updates a Secret volume (each file replaced atomically).
mount_certificate() {
  local file
  mkdir -p "$SDIR/mount"
  for file in "$1.pem:tls.crt" "$1.key:tls.key" "chain.pem:ca.crt"; do
    cp "$PKI/${file%%:*}" "$SDIR/mount/.${file#*:}.tmp"
    mv "$SDIR/mount/.${file#*:}.tmp" "$SDIR/mount/${file#*:}"
  done
}

# signed_by NAME: aws-sim answered a CreateSession signed with certificate NAME.
signed_by() {
  local serial
  serial=$("$PYTHON" -c 'import sys; print(int(sys.argv[1].split("=")[1], 16))' \
    "$(openssl x509 -noout -serial -in "$PKI/$1.pem")")
  calls CreateSession result=Success caller_arn="x509:$serial"
}

# start_roles_anywhere_controller NAMESPACE [FLAG...]: the controller with only the
# mounted certificate: no AWS key, no seed, IMDS disabled. Its own role through
# $RA_PROFILE unless FLAGs say otherwise (the last of a flag given twice wins).
start_roles_anywhere_controller() {
  local ns=$1
  shift
  start_controller controller AWS_EC2_METADATA_DISABLED=true -- \
    --namespace="$ns" --leader-election-namespace="$ns" "${SHORT_LEAD[@]}" \
    --credentials-mount-path="$SDIR/meta-aws-iam" \
    --roles-anywhere-trust-anchor-arn="$RA_ANCHOR" --roles-anywhere-profile-arn="$RA_PROFILE" \
    --roles-anywhere-certificate="$SDIR/mount/tls.crt" \
    --roles-anywhere-private-key="$SDIR/mount/tls.key" \
    --roles-anywhere-certificate-chain="$SDIR/mount/ca.crt" --roles-anywhere-endpoint="$RA" "$@"
}

# The controller on a certificate alone; the AWS CLI uses the Secret; the
# certificate rotated in place (RSA -> EC) with no failed call; a fresh and a
# late certificate (25 of its 120 minutes left) scraped for the certificate alert.
section_k() {
  local ns=sec-k dir="$SDIR/meta-aws-iam" scrapes="$SDIR/scrapes" STS IMDS RA PKI start arn port out
  roles_anywhere_world
  issue_certificate late ec '95 minutes ago' '25 minutes'
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role
  mount_certificate rsa
  start=$(now_us)
  start_roles_anywhere_controller "$ns" --roles-anywhere-role-arn="$CONTROLLER_ROLE_ARN"
  if tr '\0' '\n' <"/proc/$LAST_PID/environ" |
    grep -q '^AWS_\(ACCESS_KEY_ID\|SECRET_ACCESS_KEY\|SESSION_TOKEN\|SHARED_CREDENTIALS_FILE\|CONTAINER\|WEB_IDENTITY\|ROLE_ARN\)'; then
    fail "the controller's environment has AWS credentials: $(tr '\0' ' ' <"/proc/$LAST_PID/environ")"
  fi
  wait_until 20 "Secret $ns/app" secret_has_key "$ns" app credentials.process ||
    fail "with only a Roles Anywhere certificate, the controller wrote no Secret"
  note "Secret $ns/app $((($(now_us) - start) / 1000)) ms after start-up, with only a certificate (no AWS key in the environment)"
  expect_eq "$(calls CreateSession --count)" 1 "CreateSession calls for the first credentials"
  signed_by rsa || fail "the first CreateSession was not signed with the RSA certificate"
  arn=$(calls AssumeRole role_arn="arn:aws:iam::$ACCOUNT:role/team/app/my-role" result=Success --field caller_arn) ||
    fail "no AssumeRole of team/app/my-role"
  expect_match "$arn" "^arn:aws:sts::$ACCOUNT:assumed-role/kube-aws-iam-controller/[0-9a-f]+\$" \
    "the caller of AssumeRole (the Roles Anywhere session)"
  materialise "$ns" app "$dir" >/dev/null
  arn=$(aws_cli_arn "$dir/credentials.process")
  expect_match "$arn" "^arn:aws:sts::$ACCOUNT:assumed-role/my-role/" "AWS CLI identity from the Secret"
  note "AWS CLI with the Secret: $arn"
  port=$(metrics_port controller) || fail "no metrics port in the log"
  scrape_roles_anywhere() {
    mkdir -p "$scrapes/$1"
    curl -fsS "http://127.0.0.1:$port/metrics" >"$scrapes/$1/127.0.0.1:$port.prom" ||
      fail "cannot scrape the controller for $1"
  }
  scrape_roles_anywhere roles-anywhere-certificate-fresh

  # Rotation in place, RSA -> EC (late): the next session is signed with the new pair.
  mount_certificate late
  wait_until 60 "a CreateSession signed with the rotated (EC) certificate" signed_by late ||
    fail "the rotated certificate was never used: $(grep -i 'roles anywhere' "$SDIR/controller.log" | tail -n 3)"
  log_has "$SDIR/controller.log" "the certificate files changed; now signing with" ||
    fail "the log does not say the certificate changed"
  scrape_roles_anywhere roles-anywhere-certificate-late
  expect_eq "$(calls CreateSession result!=Success --count)" 0 "CreateSession calls that failed across the rotation"
  expect_eq "$(calls AssumeRole result!=Success --count)" 0 "AssumeRole calls that failed across the rotation"
  note "rotated RSA -> EC in place: $(calls CreateSession --count) CreateSession calls, none failed"

  replay_alerts roles_anywhere_alerts_test "$scrapes"
  note "promtool: the certificate alert holds on the scraped series (fresh: silent; 25 of 120 minutes left: fires)"
}

# A certificate that expires while the controller runs: the role turns
# Ready=False saying so, its Secret stays, and the expired certificate is never sent.
section_l() {
  local ns=sec-l dir="$SDIR/meta-aws-iam" STS IMDS RA PKI message
  roles_anywhere_world
  issue_certificate short rsa '1 minute ago' '15 seconds'
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role
  mount_certificate short
  start_roles_anywhere_controller "$ns" --roles-anywhere-role-arn="$CONTROLLER_ROLE_ARN"
  wait_until 20 "Secret $ns/app" secret_has_key "$ns" app credentials.process ||
    fail "the controller wrote no Secret with the short certificate"
  ready_message() {
    "$KUBECTL" get awsiamrole -n "$ns" app -o 'jsonpath={.status.conditions[?(@.type=="Ready")].message}'
  }
  expired_and_refused() { ready_status_is "$ns" app False && [[ "$(ready_message)" == *"expired at"* ]]; }
  wait_until 150 "AWSIAMRole $ns/app Ready=False after the certificate expired" expired_and_refused ||
    fail "no Ready=False after the certificate expired (Ready: $(ready_message))"
  message=$(ready_message)
  [[ "$message" == *"renew it"* ]] || fail "the Ready message does not say what to do: $message"
  note "after the certificate expired: Ready=False: ${message:0:160}..."
  materialise "$ns" app "$dir" >/dev/null
  expect_eq "$(files_in "$dir")" \
    "awsiamrole-generation credentials credentials.json credentials.process expire role-arn " \
    "the Secret's data keys after the refusal"
  expect_eq "$(calls CreateSession result!=Success --count)" 0 \
    "CreateSession calls that failed (an expired certificate must not be sent)"
  wait_until 10 "a GetCredentialsFailed Warning on $ns/app" warning_event_is "$ns" app GetCredentialsFailed ||
    fail "no GetCredentialsFailed Warning event"
}

# --roles-anywhere-direct: no base role, no STS; a role's 12-hour session
# straight from CreateSession (no role chaining cap); the AWS CLI uses it. Six
# roles at once against a CreateSession quota of 2/s: some calls are
# throttled (ThrottlingException), every role converges, and the alert rules
# on the scraped metrics count that as throttling, not as errors.
section_m() {
  local ns=sec-m dir="$SDIR/meta-aws-iam" scrapes="$SDIR/scrapes" STS IMDS RA PKI expire left arn
  local port throttled i
  roles_anywhere_world uncapped --roles-anywhere-rps 2
  "$KUBECTL" create namespace "$ns" >/dev/null
  for i in 1 2 3 4 5; do apply_role "$ns" "burst-$i" team/app/my-role; done
  "$KUBECTL" apply -f - >/dev/null <<EOF
apiVersion: zalando.org/v1
kind: AWSIAMRole
metadata:
  name: app
  namespace: $ns
spec:
  roleReference: team/app/my-role
  roleSessionDuration: 43200
EOF
  mount_certificate ec
  start_roles_anywhere_controller "$ns" --roles-anywhere-direct --roles-anywhere-profile-arn="$RA_DIRECT_PROFILE"
  wait_until 20 "Secret $ns/app" secret_has_key "$ns" app credentials.process ||
    fail "with --roles-anywhere-direct, the controller wrote no Secret"
  for i in 1 2 3 4 5; do
    wait_until 60 "Secret $ns/burst-$i" secret_has_key "$ns" "burst-$i" credentials.process ||
      fail "burst-$i never got a Secret at a CreateSession quota of 2/s"
  done
  expire=$(secret_key "$ns" app expire)
  left=$(($(date -d "$expire" +%s) - $(date +%s)))
  ((left > 43000 && left <= 43200)) || fail "the session lasts ${left}s, not 12 hours (expire $expire)"
  expect_eq "$(calls AssumeRole --count)" 0 "AssumeRole calls with --roles-anywhere-direct"
  calls CreateSession role_arn="arn:aws:iam::$ACCOUNT:role/team/app/my-role" result=Success ||
    fail "no CreateSession for team/app/my-role"
  log_has "$SDIR/controller.log" "base role ARN arn:aws:iam::$ACCOUNT:role/ (the trust anchor's account" ||
    fail "role names did not resolve against the trust anchor's account"
  materialise "$ns" app "$dir" >/dev/null
  arn=$(aws_cli_arn "$dir/credentials.process")
  expect_match "$arn" "^arn:aws:sts::$ACCOUNT:assumed-role/my-role/[0-9a-f]+\$" "AWS CLI identity from the Secret"
  note "--roles-anywhere-direct: a 12-hour session ($expire) for team/app/my-role, 0 STS calls; AWS CLI: $arn"

  throttled=$(calls CreateSession result=ThrottlingException --count)
  ((throttled > 0)) || fail "no CreateSession was throttled: the quota did not bite"
  port=$(metrics_port controller) || fail "no metrics port in the log"
  mkdir -p "$scrapes/create-session-throttled"
  curl -fsS "http://127.0.0.1:$port/metrics" >"$scrapes/create-session-throttled/127.0.0.1:$port.prom" ||
    fail "cannot scrape the controller"
  grep -q '^kube_aws_iam_controller_sts_requests_total{operation="CreateSession",outcome="ThrottlingException"} ' \
    "$scrapes/create-session-throttled/127.0.0.1:$port.prom" ||
    fail "/metrics counts no throttled CreateSession: $(grep '^kube_aws_iam_controller_sts_requests_total' "$scrapes/create-session-throttled/127.0.0.1:$port.prom")"
  replay_alerts roles_anywhere_direct_alerts_test "$scrapes"
  note "6 roles at a CreateSession quota of 2/s: all converged, $throttled calls throttled; promtool: throttling, not errors"
}

# ---------------------------------------------------------------------------
# The admission webhook as a cluster runs it: deploy/base with
# deploy/components/webhook applied to kube-sim, which calls the controller's
# webhook through the install's Service and MutatingWebhookConfiguration
# (kube-sim routes the Service to the binary's --webhook-address and verifies
# the certificate the controller made with the caBundle it set). Pods are
# created with the real kubectl.

# webhook_ca PREFIX: a self-signed CA (PREFIX.crt, PREFIX.key).
webhook_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$(basename "$1")" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign -keyout "$1.key" -out "$1.crt" 2>/dev/null
}
# create_pod NAMESPACE NAME ROLE [kubectl flags...]: creates a pod annotated as
# for kube2iam with the role, with two containers: app, and legacy, which
# reads the static credentials file itself. Prints kubectl's output (stdout
# and stderr: the warnings).
create_pod() {
  local ns=$1 name=$2 role=$3
  shift 3
  "$KUBECTL" create "$@" -f - 2>&1 <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name
  namespace: $ns
  annotations:
    iam.amazonaws.com/role: $role
spec:
  containers:
  - name: app
    image: busybox:1.36
  - name: legacy
    image: busybox:1.36
    env:
    - name: AWS_SHARED_CREDENTIALS_FILE
      value: $WEBHOOK_MOUNT/credentials
EOF
}

# pod_wiring NAMESPACE NAME: "<secret of the volume> <app's mount> <app's
# AWS_SHARED_CREDENTIALS_FILE> <legacy's env names>", or "unwired ..." for a
# pod without volumes.
pod_wiring() {
  "$KUBECTL" get pod -n "$1" "$2" -o json | "$PYTHON" -c '
import json, sys
pod = json.load(sys.stdin)["spec"]
containers = {c["name"]: c for c in pod["containers"]}
app, legacy = containers["app"], containers["legacy"]
volumes = pod.get("volumes") or []
secret = volumes[0]["secret"]["secretName"] if volumes else "unwired"
mounts = ["%s:%s" % (m["mountPath"], "ro" if m.get("readOnly") else "rw") for m in app.get("volumeMounts") or []]
env = {e["name"]: e.get("value", "") for e in app.get("env") or []}
print(secret, ",".join(mounts) or "-", env.get("AWS_SHARED_CREDENTIALS_FILE", "-"),
      ",".join(e["name"] for e in legacy.get("env") or []))'
}

# The app container's environment as the webhook set it, one NAME=value a line.
pod_app_env() {
  "$KUBECTL" get pod -n "$1" "$2" -o json | "$PYTHON" -c '
import json, sys
for c in json.load(sys.stdin)["spec"]["containers"]:
    if c["name"] == "app":
        for e in c.get("env") or []:
            print("%s=%s" % (e["name"], e["value"]))'
}

# mounts_condition_is NAMESPACE ROLE STATUS; mounts_condition_message NAMESPACE ROLE
mounts_condition_is() {
  [[ "$("$KUBECTL" get awsiamrole -n "$1" "$2" -o 'jsonpath={.status.conditions[?(@.type=="PodsMountCorrectly")].status}')" == "$3" ]]
}
mounts_condition_message() {
  "$KUBECTL" get awsiamrole -n "$1" "$2" -o 'jsonpath={.status.conditions[?(@.type=="PodsMountCorrectly")].message}'
}
# warning_event_in NAMESPACE REASON
warning_event_in() {
  "$KUBECTL" get events -n "$1" -o 'jsonpath={range .items[*]}{.type} {.reason}{"\n"}{end}' | grep -qx "Warning $2"
}

# managed_secret_in NAMESPACE: a Secret the controller manages exists there.
managed_secret_in() {
  [[ -n "$("$KUBECTL" get secrets -n "$1" -l heritage=kube-aws-iam-controller -o name)" ]]
}

# ca_bundle: the caBundle of the install's MutatingWebhookConfiguration.
ca_bundle() {
  "$KUBECTL" get mutatingwebhookconfiguration kube-aws-iam-controller \
    -o 'jsonpath={.webhooks[0].clientConfig.caBundle}'
}
ca_bundle_set() { [[ -n "$(ca_bundle)" ]]; }

section_n() {
  local app=team-n plain=plain-n out wiring role start elapsed arn env_lines=() bundle
  mkdir -p "$SDIR/install" "$WEBHOOK_MOUNT"
  # The install, applied for real: Service, MutatingWebhookConfiguration, RBAC.
  printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' \
    "resources: [$(realpath --relative-to="$SDIR/install" "$SOURCE_DIR/deploy/base")]" \
    "components: [$(realpath --relative-to="$SDIR/install" "$SOURCE_DIR/deploy/components/webhook")]" \
    >"$SDIR/install/kustomization.yaml"
  out=$("$KUBECTL" apply -k "$SDIR/install" 2>&1) || fail "kubectl apply -k deploy/base + webhook: $out"
  "$KUBECTL" create namespace "$app" >/dev/null
  "$KUBECTL" label namespace "$app" kube-aws-iam-controller/inject=enabled >/dev/null
  "$KUBECTL" create namespace "$plain" >/dev/null

  start_controller controller AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" \
    POD_NAMESPACE=kube-aws-iam-controller -- \
    --leader-election-namespace=kube-aws-iam-controller --credentials-mount-path="$WEBHOOK_MOUNT" \
    --webhook-address="127.0.0.1:$WEBHOOK_PORT"
  local controller_pid=$LAST_PID
  wait_until 20 "webhook with synced caches" log_has "$SDIR/controller.log" "admission webhook: caches synced" ||
    fail "the webhook never synced"
  # Its own CA: made, kept in a Secret, and trusted through the caBundle it set.
  wait_until 10 "the caBundle" ca_bundle_set || fail "the controller set no caBundle"
  bundle=$(ca_bundle)
  expect_eq "$(secret_key kube-aws-iam-controller kube-aws-iam-controller-webhook-ca ca.crt | base64 -w0)" \
    "$bundle" "the caBundle against the CA Secret's ca.crt"
  note "the controller made its CA (Secret kube-aws-iam-controller/kube-aws-iam-controller-webhook-ca) and set the caBundle"

  # A kube2iam-annotated pod in the opted-in namespace comes back wired, and
  # its role's Secret follows (timed from before 'kubectl create' to the first
  # listing that shows it; kubectl's own start-up included).
  start=$(now_us)
  out=$(create_pod "$app" web team/app) || fail "kubectl create pod: $out"
  wait_until 10 "a Secret for the pod's role" managed_secret_in "$app" ||
    fail "no Secret appeared for the pod's role"
  elapsed=$((($(now_us) - start) / 1000))
  grep -qF "Warning: container legacy sets AWS_SHARED_CREDENTIALS_FILE=$WEBHOOK_MOUNT/credentials: SDKs read that file once" <<<"$out" ||
    fail "kubectl printed no warning for the legacy container: $out"
  grep -qF "pod/web created" <<<"$out" || fail "unexpected kubectl output: $out"
  wiring=$(pod_wiring "$app" web)
  role=${wiring%% *}
  expect_match "$role" '^team-app-[0-9a-f]{8}$' "the Secret the wired pod mounts"
  expect_eq "${wiring#* }" "$WEBHOOK_MOUNT:ro $WEBHOOK_MOUNT/credentials.process AWS_SHARED_CREDENTIALS_FILE" \
    "the app container's mount and variable, the legacy container left alone"
  wait_until 10 "Secret $app/$role" secret_has_key "$app" "$role" credentials.process ||
    fail "the derived role's Secret never appeared"
  expect_eq "$("$KUBECTL" get awsiamrole -n "$app" "$role" -o 'jsonpath={.metadata.labels.kube-aws-iam-controller/derived} {.spec.roleReference}')" \
    "true team/app" "the derived AWSIAMRole"
  materialise "$app" "$role" "$WEBHOOK_MOUNT" >/dev/null
  mapfile -t env_lines < <(pod_app_env "$app" web)
  arn=$("${aws_env[@]}" "${env_lines[@]}" "$AWS" sts get-caller-identity --endpoint-url "$STS" \
    --query Arn --output text 2>"$SDIR/aws-cli.err") ||
    fail "the AWS CLI with the wired container's environment failed: $(cat "$SDIR/aws-cli.err")"
  expect_match "$arn" "^arn:aws:sts::$ACCOUNT:assumed-role/app/" "the AWS CLI's identity"
  note "wired: $wiring; kubectl printed the warning; Secret listed ${elapsed} ms after 'kubectl create' began; AWS CLI with the container's env (${env_lines[*]%%=*}): $arn"

  # A namespace that did not opt in: the webhook is not called.
  out=$(create_pod "$plain" web team/app/my-role) || fail "kubectl create pod in $plain: $out"
  expect_eq "$out" "pod/web created" "kubectl's output in $plain (no warnings)"
  expect_eq "$(pod_wiring "$plain" web)" "unwired - - AWS_SHARED_CREDENTIALS_FILE" "the pod in $plain"
  # A dry run is wired but creates no AWSIAMRole: the next real pod's role
  # (created after it, by the same queue) is the barrier.
  out=$(create_pod "$app" dry team/app/dry-run-role --dry-run=server -o name) || fail "dry run: $out"
  out=$(create_pod "$app" after team/app/after-role) || fail "kubectl create pod after: $out"
  wait_until 10 "the AWSIAMRole of pod after" has_derived_role "$app" team/app/after-role ||
    fail "no AWSIAMRole for pod after"
  has_derived_role "$app" team/app/dry-run-role && fail "the dry run created an AWSIAMRole"
  expect_eq "$("$KUBECTL" get awsiamroles -n "$plain" -o name)" "" "AWSIAMRoles in $plain"
  note "$plain untouched, no AWSIAMRole; a dry run created nothing"

  # A pod admitted without the webhook that mounts a role's Secret by subPath:
  # the AWSIAMRole says so (condition and Warning Event), until the pod goes.
  apply_role "$plain" app team/app/my-role
  "$KUBECTL" create -f - >/dev/null <<EOF || fail "cannot create the subPath pod"
apiVersion: v1
kind: Pod
metadata:
  name: legacy-mount
  namespace: $plain
spec:
  volumes:
  - name: creds
    secret:
      secretName: app
  containers:
  - name: web
    image: busybox:1.36
    volumeMounts:
    - name: creds
      mountPath: /meta/aws-iam/credentials
      subPath: credentials
EOF
  wait_until 10 "PodsMountCorrectly=False on $plain/app" mounts_condition_is "$plain" app False ||
    fail "the AWSIAMRole does not report the subPath mount: $("$KUBECTL" get awsiamrole -n "$plain" app -o jsonpath='{.status.conditions}')"
  expect_match "$(mounts_condition_message "$plain" app)" "legacy-mount \\(container web mounts it with subPath\\)" \
    "the condition's message"
  wait_until 10 "a PodsMountSecretWrongly Event" warning_event_in "$plain" PodsMountSecretWrongly ||
    fail "no PodsMountSecretWrongly Event in $plain"
  expect_eq "$("$KUBECTL" get awsiamrole -n "$plain" app -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" \
    True "the Ready condition next to it"
  "$KUBECTL" delete pod -n "$plain" legacy-mount --wait=false >/dev/null
  wait_until 10 "PodsMountCorrectly=True on $plain/app" mounts_condition_is "$plain" app True ||
    fail "the condition did not clear once the pod was gone"
  note "a subPath mount of $plain/app's Secret: PodsMountCorrectly=False with a Warning Event, True once the pod was gone"

  # A caBundle that does not vouch for the served certificate (a rotation
  # gone wrong): pods are still created everywhere (failurePolicy Ignore),
  # unwired where opted in.
  webhook_ca "$SDIR/other-ca"
  "$KUBECTL" patch mutatingwebhookconfiguration kube-aws-iam-controller --type=json \
    -p "[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$(base64 -w0 "$SDIR/other-ca.crt")\"}]" \
    >/dev/null || fail "cannot replace the caBundle"
  out=$(create_pod "$plain" rotated team/app/my-role) || fail "with a distrusted certificate, in $plain: $out"
  out=$(create_pod "$app" rotated team/app/my-role) || fail "with a distrusted certificate, in $app: $out"
  expect_eq "$(pod_wiring "$app" rotated)" "unwired - - AWS_SHARED_CREDENTIALS_FILE" \
    "a pod admitted while the webhook's certificate is distrusted"
  # The webhook down: the same.
  stop_pid "$controller_pid"
  forget_pid "$controller_pid"
  start=$(now_us)
  out=$(create_pod "$plain" down team/app/my-role) || fail "with the webhook down, in $plain: $out"
  out=$(create_pod "$app" down team/app/my-role) || fail "with the webhook down, in $app: $out"
  elapsed=$((($(now_us) - start) / 1000))
  note "certificate distrusted, then the webhook down: pods created in both namespaces (2 creates in ${elapsed} ms with the webhook down)"
}

# has_derived_role NAMESPACE ROLE-REFERENCE: an AWSIAMRole the webhook created
# for the role exists.
has_derived_role() {
  "$KUBECTL" get awsiamroles -n "$1" -l kube-aws-iam-controller/derived=true \
    -o 'jsonpath={range .items[*]}{.spec.roleReference}{"\n"}{end}' | grep -qxF "$2"
}

# ---------------------------------------------------------------------------
# podman with a private storage under $SDIR, and runc with cgroupfs: settings
# that run containers on this kind of machine (crun cannot here) and on others.
# The section's own cleanup removes the container and unmounts the storage.
podman_g() {
  CONTAINERS_CONF="$SDIR/containers.conf" podman --root "$SDIR/podman/root" --runroot "$SDIR/podman/run" "$@"
}

section_g_cleanup() {
  podman_g rm --force --time 5 kaic-image-test >/dev/null 2>&1 || true
  podman_g system reset --force >/dev/null 2>&1 || true
  section_cleanup
}

section_g() {
  local ns=sec-g ref version out files
  trap section_g_cleanup EXIT
  printf '%s\n' '[containers]' 'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' \
    '[engine]' 'runtime = "runc"' 'cgroup_manager = "cgroupfs"' 'events_logger = "file"' \
    >"$SDIR/containers.conf"
  out=$("$SOURCE_DIR/scripts/build-image.sh" --binary="$CONTROLLER" --storage="$SDIR/podman" \
    --output="$SDIR/image.oci.tar" 2>"$SDIR/build-image.log") ||
    fail "scripts/build-image.sh failed: $(tail -n 5 "$SDIR/build-image.log")"
  ref=$(tail -n 1 <<<"$out")
  expect_match "$ref" '^localhost/kube-aws-iam-controller:[0-9]+\.[0-9]+\.[0-9]+$' "the image reference (last line)"
  [[ -s "$SDIR/image.oci.tar" ]] || fail "no OCI archive written"
  note "$(tail -n 1 "$SDIR/build-image.log")"

  # What is in it: the binary, its libraries, the CA bundle, passwd; no shell.
  expect_eq "$(podman_g image inspect --format '{{.Config.User}} {{json .Config.Entrypoint}}' "$ref")" \
    '65534:65534 ["/kube-aws-iam-controller"]' "image user and entrypoint"
  version=$("$CONTROLLER" --version)
  expect_eq "$(podman_g image inspect --format '{{index .Labels "org.opencontainers.image.version"}} {{index .Labels "org.opencontainers.image.revision"}}' "$ref")" \
    "$(binary_version)" "OCI version and revision labels"
  podman_g create --name kaic-image-files "$ref" >/dev/null
  files=$(podman_g export kaic-image-files | tar -t)
  podman_g rm kaic-image-files >/dev/null
  grep -qx 'kube-aws-iam-controller' <<<"$files" || fail "no /kube-aws-iam-controller in the image"
  grep -qx 'etc/ssl/certs/ca-certificates.crt' <<<"$files" || fail "no CA bundle in the image"
  if grep -Eq '(^|/)(sh|bash|dash|busybox|apt|dpkg)$' <<<"$files"; then
    fail "the image has a shell or a package manager: $(grep -E '(^|/)(sh|bash|dash|busybox|apt|dpkg)$' <<<"$files" | tr '\n' ' ')"
  fi
  note "$(grep -vc '/$' <<<"$files") files in the image"

  local run_flags=(--network=host --read-only --user 65534 --cap-drop=all --security-opt=no-new-privileges)
  out=$(podman_g run --rm "${run_flags[@]}" "$ref" --version 2>&1) || fail "podman run $ref --version: $out"
  expect_eq "$out" "$version" "--version in the container"

  # Against the simulators, as a Deployment runs it: read-only, unprivileged.
  "$KUBECTL" create namespace "$ns" >/dev/null
  apply_role "$ns" app team/app/my-role
  install -m 0644 "$KUBECONFIG" "$SDIR/kubeconfig"  # the simulator's own token, for user 65534
  podman_g run --detach --name kaic-image-test "${run_flags[@]}" \
    --volume "$SDIR/kubeconfig:/etc/kube-aws-iam-controller/kubeconfig:ro" \
    --env AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS" "$ref" \
    --kubeconfig=/etc/kube-aws-iam-controller/kubeconfig --sts-endpoint="$STS" \
    --namespace="$ns" --leader-election-namespace="$ns" --metrics-address=127.0.0.1:0 >/dev/null ||
    fail "podman run --detach $ref failed"
  if ! wait_until 30 "Secret $ns/app from the container" secret_has_key "$ns" app credentials.process; then
    podman_g logs kaic-image-test >"$SDIR/container.log" 2>&1 || true
    fail "the controller in the container wrote no Secret"
  fi
  podman_g stop --time 10 kaic-image-test >/dev/null
  expect_eq "$(podman_g inspect --format '{{.State.ExitCode}}' kaic-image-test)" 0 "exit code after SIGTERM"
  podman_g logs kaic-image-test >"$SDIR/container.log" 2>&1
  log_has "$SDIR/container.log" "created credentials for $ns/app" ||
    fail "no 'created credentials for $ns/app' in the container's log"
  # Debian's OpenSSL looks in /usr/lib/ssl, which the image has not: the
  # controller finds the bundle the image ships, as Go's crypto/x509 would.
  log_has "$SDIR/container.log" "CA certificates for AWS: /etc/ssl/certs/ca-certificates.crt (on demand), /etc/ssl/certs" ||
    fail "the controller in the image did not find its CA bundle: $(grep -m1 'CA certificates' "$SDIR/container.log")"
  note "the container wrote Secret $ns/app and exited 0 on SIGTERM"
}

run_section a "AWS CLI (credentials.process) and boto3 (credentials) use the Secret" section_a
run_section b "seed bootstrap: set_secret.sh, adoption, second role, past the seed's expiry" section_b
run_section c "--assume-role=kaic-intermediate chaining" section_c
run_section d "leader election: one writer, SIGTERM, takeover" section_d
run_section e "flags: --help, --version, invalid --interval, the Go original's arguments" section_e
run_section f "installs: kustomize, strict validation, Restricted Pod Security" section_f
run_section g "the container image: built offline, run read-only as 65534" section_g
run_section h "a real Prometheus: the rules load, the expiry alert fires and clears" section_h
run_section i "alert rules on series scraped from a leader, a standby and none leading" section_i
run_section j "a quiet start: kubelet's first probes at deploy/base's delays succeed" section_j
run_section k "IAM Roles Anywhere: only a certificate, rotated in place, the certificate alert" section_k
run_section l "IAM Roles Anywhere: a certificate that expires turns the role Ready=False" section_l
run_section m "IAM Roles Anywhere, direct: each role from CreateSession, 12 hours, no STS" section_m
run_section n "the admission webhook: kubectl creates pods, kube-sim calls the webhook" section_n

if ((${#FAILED[@]} > 0)); then
  echo "binary_test: FAILED sections: ${FAILED[*]}"
  exit 1
fi
echo "binary_test: all sections passed"
