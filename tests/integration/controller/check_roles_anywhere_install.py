#!/usr/bin/python3
"""Checks deploy/variants/roles-anywhere rendered with
deploy/components/roles-anywhere-cert-manager, field by field: the
Certificate writes the Secret the Deployment mounts, with the keys the
--roles-anywhere-* flags read, is one IAM Roles Anywhere accepts (digital
signature usage, RSA or ECDSA), renews before a quarter of its lifetime is
left, and is issued by the component's Issuer in the controller's namespace.
Writes the objects that are not cert-manager's to OUT (for strict validation).

Usage: check_roles_anywhere_install.py RENDERED OUT
Exit: 0 with one line saying what was checked; 1 naming the first mismatch.
"""
import re
import sys

import yaml


def hours(duration):
    match = re.fullmatch(r"(\d+)h", duration)
    if not match:
        sys.exit(f"duration '{duration}' is not whole hours")
    return int(match.group(1))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    deployment = by_kind["Deployment"][0]
    namespace = deployment["metadata"]["namespace"]
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    args = dict(a[2:].split("=", 1) for a in container["args"] if "=" in a)
    mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}

    certificate = by_kind["Certificate"][0]
    issuer = by_kind["Issuer"][0]
    spec = certificate["spec"]
    problems = []
    volume = next((v for v in volumes.values() if v.get("secret", {}).get("secretName") == spec["secretName"]), None)
    if volume is None:
        problems.append(f"no volume mounts Secret {spec['secretName']}, which the Certificate writes")
    else:
        directory = mounts.get(volume["name"], "")
        for flag, key in (("roles-anywhere-certificate", "tls.crt"), ("roles-anywhere-private-key", "tls.key")):
            if args.get(flag) != f"{directory}/{key}":
                problems.append(f"--{flag}={args.get(flag)} is not {directory}/{key}")
    if "digital signature" not in spec.get("usages", []):
        problems.append("the Certificate's usages lack 'digital signature'")
    algorithm = spec.get("privateKey", {}).get("algorithm")
    if algorithm not in ("RSA", "ECDSA"):
        problems.append(f"privateKey.algorithm {algorithm}: Roles Anywhere signs with RSA or ECDSA")
    if spec.get("privateKey", {}).get("size") not in (256, 384, 2048, 3072, 4096):
        problems.append("privateKey.size is not one Roles Anywhere accepts")
    if hours(spec["renewBefore"]) * 4 <= hours(spec["duration"]):
        problems.append("renewBefore leaves less than a quarter of the lifetime: the alert would fire first")
    ref = spec["issuerRef"]
    if (ref.get("kind"), ref.get("name"), ref.get("group")) != ("Issuer", issuer["metadata"]["name"], "cert-manager.io"):
        problems.append(f"issuerRef {ref} is not the component's Issuer")
    for obj in (certificate, issuer):
        if obj["metadata"].get("namespace") != namespace:
            problems.append(f"{obj['kind']} is not in the controller's namespace {namespace}")
    if problems:
        sys.exit("; ".join(problems))
    kubernetes = [d for d in docs if not d["apiVersion"].startswith("cert-manager.io/")]
    yaml.safe_dump_all(kubernetes, open(sys.argv[2], "w"), sort_keys=False)
    print(f"roles-anywhere + cert-manager: the Certificate writes the mounted Secret "
          f"{spec['secretName']} ({algorithm}, digital signature, renewed {spec['renewBefore']} "
          f"before the end of {spec['duration']}) from Issuer {issuer['metadata']['name']}")


if __name__ == "__main__":
    main()
