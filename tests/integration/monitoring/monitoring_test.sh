#!/usr/bin/env bash
# Checks deploy/monitoring without a cluster (the strict schema validation of
# its manifests against the prometheus-operator CRDs is binary_test.sh's
# section f):
#   1. the PrometheusRule's groups pass `promtool check rules`;
#   2. its alerts pass the unit tests in alerts_test.yaml (`promtool test rules`);
#   3. every dashboard query is valid PromQL (promtool, as recording rules);
#   4. every metric the rules and the dashboard use is one the controller
#      registers (controller/*.cc) and docs/operations.md documents;
#   5. every alert is tested: by alerts_test.yaml, or on series scraped from
#      real controllers (scraped_alerts_test.yaml: binary_test.sh section i;
#      roles_anywhere_alerts_test.yaml: section k;
#      roles_anywhere_direct_alerts_test.yaml: section m).
# Usage: tests/integration/monitoring/monitoring_test.sh [--source-dir=DIR]
# Exit: 0 passed, 1 failed, 77 promtool or PyYAML missing (scripts/install-deps.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(cd "$HERE/../../.." && pwd)
for arg in "$@"; do
  case "$arg" in
    --source-dir=*) SOURCE_DIR=${arg#*=} ;;
    *) echo "monitoring_test.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
PYTHON=${PYTHON:-/usr/bin/python3}
command -v promtool >/dev/null 2>&1 || { echo "SKIP: promtool not found (Debian package prometheus)"; exit 77; }
"$PYTHON" -c 'import yaml' 2>/dev/null || { echo "SKIP: $PYTHON has no PyYAML (python3-yaml)"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kaic-monitoring-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MONITORING="$SOURCE_DIR/deploy/monitoring"

# 1, 2. The rule groups as a plain rules file, beside the unit tests.
"$PYTHON" "$HERE/prometheus_rules.py" "$MONITORING/prometheusrule.yaml" "$WORK/rules.yaml"
promtool check rules "$WORK/rules.yaml"
cp "$HERE/alerts_test.yaml" "$WORK/"
(cd "$WORK" && promtool test rules alerts_test.yaml)

# 3. Dashboard queries, checked as recording rules.
"$PYTHON" - "$MONITORING/dashboard.json" "$WORK/dashboard-rules.yaml" <<'EOF'
import json, sys, yaml
dashboard = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
assert exprs, "the dashboard has no queries"
rules = [{"record": f"dashboard:query_{i}", "expr": e} for i, e in enumerate(exprs)]
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[2], "w"), width=1000)
print(f"dashboard: {len(dashboard['panels'])} panels, {len(exprs)} queries")
EOF
promtool check rules "$WORK/dashboard-rules.yaml"

# 4. Metric names: used (rules + dashboard) ⊆ registered ∩ documented.
"$PYTHON" - "$WORK/rules.yaml" "$WORK/dashboard-rules.yaml" "$SOURCE_DIR" <<'EOF'
import re, sys, yaml
source_dir = sys.argv[3]
name = re.compile(r"\b((?:kube_aws_iam_controller|process)_[a-z_]+)")
used = set()
for path in sys.argv[1:3]:
    for group in yaml.safe_load(open(path))["groups"]:
        for rule in group["rules"]:
            used |= set(name.findall(rule["expr"]))
histogram_series = re.compile(r"_(bucket|sum|count)$")
used = {histogram_series.sub("", n) if n.endswith(("_bucket", "_sum", "_count")) else n for n in used}
# Every metric is declared in one place: controller/loop/controller_metrics.cc.
declared = open(f"{source_dir}/controller/loop/controller_metrics.cc").read()
registered = set(re.findall(r'"((?:kube_aws_iam_controller|process)_[a-z_]+)"', declared))
operations = open(f"{source_dir}/docs/operations.md").read()
documented = set(re.findall(r"^\| `((?:kube_aws_iam_controller|process)_[a-z_]+)` \|", operations, re.M))
problems = [f"{n}: not registered by the controller" for n in sorted(used - registered)]
problems += [f"{n}: not in docs/operations.md's metrics table" for n in sorted(used - documented)]
if problems:
    sys.exit("metrics used by deploy/monitoring:\n  " + "\n  ".join(problems))
print(f"metrics: {len(used)} used, all registered and documented")
EOF
# 5. Every alert has expectations somewhere.
"$PYTHON" - "$WORK/rules.yaml" "$HERE/alerts_test.yaml" "$HERE/scraped_alerts_test.yaml" \
  "$HERE/roles_anywhere_alerts_test.yaml" "$HERE/roles_anywhere_direct_alerts_test.yaml" <<'EOF'
import sys, yaml
alerts = {r["alert"] for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"] if "alert" in r}
typed = {t["alertname"] for group in yaml.safe_load(open(sys.argv[2]))["tests"] for t in group["alert_rule_test"]}
scraped = {t["alertname"] for path in sys.argv[3:] for s in yaml.safe_load(open(path))["scenarios"]
           for t in s["alert_rule_test"]}
untested = sorted(alerts - typed - scraped)
if untested:
    sys.exit("alerts without a test (alerts_test.yaml or scraped_alerts_test.yaml): " + ", ".join(untested))
print(f"alerts: {len(alerts)}, each tested ({len(scraped & alerts)} on series scraped from real replicas)")
EOF
echo "monitoring_test: passed"
