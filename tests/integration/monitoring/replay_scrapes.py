#!/usr/bin/python3
"""Turns /metrics scrapes of real controller processes into a promtool unit-test
file, so the alert rules are tested on what the controller really exports
(names, labels, which series exist at all), not on series typed by hand.

Usage: replay_scrapes.py SCENARIOS SCRAPES OUT
  SCENARIOS  YAML: {scenarios: [{name, alert_rule_test: [...], minutes: N}]}:
             what each scenario expects of the rules (promtool's
             alert_rule_test) over how many minutes of replay (default 60)
  SCRAPES    a directory with one subdirectory per scenario, holding for each
             target INSTANCE either INSTANCE.prom (its /metrics, as scraped)
             or INSTANCE.down (the scrape failed)
  OUT        the promtool test file to write (rule_files: [rules.yaml])

Each scenario is replayed as Prometheus would have recorded it, one scrape a
minute: every series gets job="kube-aws-iam-controller" and
instance="INSTANCE"; `up` is 1 for a scraped target and 0 for a failed one; a
gauge keeps its scraped value; a counter (histogram series included) grows by
its scraped value every minute, i.e. the run that was scraped happens again
each minute (so rate() alerts see the controller's real mix of outcomes). A
*_timestamp_seconds gauge is shifted by the scrape's time (the file's
modification time), because promtool's clock starts at 0: time() - value then
means what it meant at the scrape, and grows as the replay goes on.
Non-finite values (a rate limiter's +Inf) are written out one by one:
promtool's `VxN` shorthand takes only finite numbers.
"""
import math
import os
import re
import sys

import yaml

JOB = "kube-aws-iam-controller"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$")
TYPE = re.compile(r"^# TYPE (\S+) (\S+)$")


def parse_exposition(text):
    """[(name, labels text without braces, value, type)] of a text exposition."""
    types, samples = {}, []
    for line in text.splitlines():
        match = TYPE.match(line)
        if match:
            types[match.group(1)] = match.group(2)
            continue
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if not match:
            sys.exit(f"replay_scrapes.py: not an exposition line: {line!r}")
        name, labels, value = match.group(1), (match.group(2) or "{}")[1:-1], float(match.group(3))
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        samples.append((name, labels, value, types.get(family, "untyped")))
    return samples


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return repr(int(value)) if value == int(value) else repr(value)


def series(name, labels, instance):
    target = f'job="{JOB}",instance="{instance}"'
    return f"{name}{{{target}{',' + labels if labels else ''}}}"


def input_series(scenario_dir, minutes):
    targets = sorted(os.listdir(scenario_dir))
    if not targets:
        sys.exit(f"replay_scrapes.py: no scrapes in {scenario_dir}")
    out = []
    for target in targets:
        instance, kind = os.path.splitext(target)
        if kind == ".down":
            out.append({"series": series("up", "", instance), "values": f"0x{minutes}"})
            continue
        if kind != ".prom":
            sys.exit(f"replay_scrapes.py: {scenario_dir}/{target}: neither .prom nor .down")
        out.append({"series": series("up", "", instance), "values": f"1x{minutes}"})
        path = os.path.join(scenario_dir, target)
        scraped_at = os.path.getmtime(path)
        with open(path) as f:
            samples = parse_exposition(f.read())
        for name, labels, value, kind in samples:
            if name.endswith("_timestamp_seconds"):
                value -= scraped_at
            if not math.isfinite(value):
                values = " ".join([number(value)] * (minutes + 1))
            elif kind in ("counter", "histogram"):
                values = f"0+{number(value)}x{minutes}"
            else:
                values = f"{number(value)}x{minutes}"
            out.append({"series": series(name, labels, instance), "values": values})
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    scenarios_path, scrapes, out_path = sys.argv[1:]
    with open(scenarios_path) as f:
        scenarios = yaml.safe_load(f)["scenarios"]
    tests = []
    for scenario in scenarios:
        tests.append({
            "interval": "1m",
            "input_series": input_series(os.path.join(scrapes, scenario["name"]),
                                         scenario.get("minutes", 60)),
            "alert_rule_test": scenario["alert_rule_test"],
        })
    with open(out_path, "w") as f:
        yaml.safe_dump({"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": tests},
                       f, sort_keys=False, width=1000)
    print(f"replay_scrapes.py: {len(tests)} scenarios, "
          f"{sum(len(t['input_series']) for t in tests)} series")


if __name__ == "__main__":
    main()
