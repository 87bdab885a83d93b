#!/usr/bin/python3
"""Prints the environment the first container of the Deployment in a rendered
install gets from kubelet, one NAME=value per line: each envFrom secretRef's
Secret (from the same rendered file, decoded), then env (which wins), with
fieldRef metadata.namespace resolved. Other sources are an error: the test
would not know what kubelet sets.

Usage: container_env.py RENDERED.yaml
"""
import base64
import sys

import yaml


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    namespace = deployment["metadata"].get("namespace", "default")
    secrets = {d["metadata"]["name"]: d for d in docs
               if d["kind"] == "Secret" and d["metadata"].get("namespace") == namespace}
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {}
    for source in container.get("envFrom", []):
        name = source["secretRef"]["name"]
        if name not in secrets:
            sys.exit(f"envFrom names Secret {namespace}/{name}, which the install does not have")
        for key, value in secrets[name].get("data", {}).items():
            env[key] = base64.b64decode(value).decode()
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
        elif var.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.namespace":
            env[var["name"]] = namespace
        else:
            sys.exit(f"{var['name']}: a source this check does not model: {var}")
    for name, value in env.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
