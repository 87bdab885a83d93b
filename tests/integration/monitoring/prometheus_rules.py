#!/usr/bin/python3
"""Writes the rule groups of a PrometheusRule (deploy/monitoring/prometheusrule.yaml)
as a plain Prometheus rules file, what promtool and prometheus read.

Usage: prometheus_rules.py PROMETHEUSRULE OUT [--sandbox]
  --sandbox  scale KubeAWSIAMCredentialsExpiring to the test sandbox's
             40-second credentials (below 10 s, for 2 s); every other rule
             stays as shipped.
"""
import sys

import yaml


def main():
    args = [a for a in sys.argv[1:] if a != "--sandbox"]
    sandbox = "--sandbox" in sys.argv[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    rule = yaml.safe_load(open(args[0]))
    if rule.get("kind") != "PrometheusRule":
        sys.exit(f"{args[0]}: not a PrometheusRule")
    spec = rule["spec"]
    if sandbox:
        scaled = 0
        for group in spec["groups"]:
            for r in group["rules"]:
                if r.get("alert") == "KubeAWSIAMCredentialsExpiring":
                    if "< 600" not in r["expr"]:
                        sys.exit(f"unexpected KubeAWSIAMCredentialsExpiring expression: {r['expr']}")
                    r["expr"] = r["expr"].replace("< 600", "< 10")
                    r["for"] = "2s"
                    scaled += 1
        if scaled != 1:
            sys.exit("no KubeAWSIAMCredentialsExpiring rule to scale")
    yaml.safe_dump(spec, open(args[1], "w"), sort_keys=False, width=1000)


if __name__ == "__main__":
    main()
