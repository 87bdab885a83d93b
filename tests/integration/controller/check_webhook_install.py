#!/usr/bin/python3
"""Checks an install rendered with deploy/components/webhook (and, when its
objects are there, deploy/components/webhook-cert-manager), field by field:
the Deployment serves the webhook on the port the Service targets; the
MutatingWebhookConfiguration calls that Service on /mutate-pods, only for pod
creations in opted-in namespaces (never kube-system or the controller's
own), with failurePolicy Ignore, a small timeout and no side effects on dry
runs; the NetworkPolicy lets the apiserver in (a host-network install has
none); RBAC grants what the webhook reads and creates to the controller's
ServiceAccount.
Without cert-manager the controller makes its own certificates: the
configuration it keeps the caBundle of (--webhook-configuration, else the
binary's default) is the install's, RBAC lets it get and patch that one,
and its POD_NAMESPACE is the Service's (the certificate's default names).
With cert-manager: the certificate flags read the mounted Secret the serving
Certificate writes, which names the Service's DNS name and is signed by a CA
Issuer whose CA is a Certificate of its own, and the caBundle is injected
from it. Writes the objects that are not cert-manager's to OUT (for strict
validation).

Usage: check_webhook_install.py RENDERED OUT DEFAULT-CONFIGURATION
  DEFAULT-CONFIGURATION: --webhook-configuration's default in the binary.
Exit: 0 with one line saying what was checked; 1 naming the first mismatch.
"""
import sys

import yaml


def fail(message):
    sys.exit(message)


def expect(actual, expected, what):
    if actual != expected:
        fail(f"{what}: expected {expected!r}, got {actual!r}")


def one(by_kind, kind, name=None):
    found = [d for d in by_kind.get(kind, []) if name is None or d["metadata"]["name"] == name]
    if len(found) != 1:
        fail(f"expected one {kind} {name or ''}, found {len(found)}")
    return found[0]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    default_configuration = sys.argv[3]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)

    deployment = one(by_kind, "Deployment")
    namespace = deployment["metadata"]["namespace"]
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    args = dict(a[2:].split("=", 1) for a in container["args"] if "=" in a)
    address = args.get("webhook-address")
    if address is None:
        fail("the Deployment has no --webhook-address")
    port = int(address.rsplit(":", 1)[1])
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    expect(ports.get("https-webhook"), port, "the container port https-webhook")
    own_certificates = "webhook-tls-cert-file" not in args
    tls_secret = None
    if not own_certificates:
        cert_dir = args["webhook-tls-cert-file"].rsplit("/", 1)[0]
        expect(args.get("webhook-tls-key-file", "").rsplit("/", 1)[0], cert_dir,
               "the directory of --webhook-tls-key-file")
        mounts = {m["mountPath"]: m for m in container.get("volumeMounts", [])}
        mount = mounts.get(cert_dir)
        if mount is None:
            fail(f"nothing is mounted at {cert_dir}, where the certificate flags read")
        expect(mount.get("readOnly"), True, f"the mount at {cert_dir} is read-only")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        tls_secret = volumes[mount["name"]]["secret"]["secretName"]

    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    webhook_config = one(by_kind, "MutatingWebhookConfiguration")
    expect(len(webhook_config["webhooks"]), 1, "webhooks in the MutatingWebhookConfiguration")
    webhook = webhook_config["webhooks"][0]
    ref = webhook["clientConfig"]["service"]
    expect(ref["namespace"], namespace, "the webhook Service's namespace")
    expect(ref.get("path"), "/mutate-pods", "the webhook path")
    service = services.get(ref["name"])
    if service is None:
        fail(f"the Service {ref['name']} the webhook calls is not in the install")
    expect(service["metadata"]["namespace"], namespace, "the webhook Service's own namespace")
    service_port = [p for p in service["spec"]["ports"] if p["port"] == ref.get("port", 443)]
    if not service_port:
        fail(f"the Service {ref['name']} has no port {ref.get('port', 443)}")
    expect(service_port[0]["targetPort"], "https-webhook", "the Service's targetPort")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    for key, value in service["spec"]["selector"].items():
        expect(pod_labels.get(key), value, f"the pods' label {key} the Service selects")

    expect(webhook["rules"], [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                               "resources": ["pods"], "scope": "Namespaced"}], "the webhook's rules")
    expressions = webhook["namespaceSelector"]["matchExpressions"]
    expect({"key": "kube-aws-iam-controller/inject", "operator": "In", "values": ["enabled"]}
           in expressions, True, "namespaces opt in with kube-aws-iam-controller/inject=enabled")
    excluded = [v for e in expressions if e["key"] == "kubernetes.io/metadata.name"
                and e["operator"] == "NotIn" for v in e["values"]]
    for ns in ("kube-system", namespace):
        if ns not in excluded:
            fail(f"the namespaceSelector does not exclude {ns}")
    expect(webhook["failurePolicy"], "Ignore", "failurePolicy")
    expect(webhook["sideEffects"], "NoneOnDryRun", "sideEffects")
    if not 1 <= webhook["timeoutSeconds"] <= 5:
        fail(f"timeoutSeconds {webhook['timeoutSeconds']} is not small (1-5)")

    if by_kind.get("NetworkPolicy"):
        ingress_ports = [p["port"] for rule in one(by_kind, "NetworkPolicy")["spec"]["ingress"]
                         for p in rule.get("ports", [])]
        if "https-webhook" not in ingress_ports and port not in ingress_ports:
            fail(f"the NetworkPolicy does not let the apiserver in on https-webhook: {ingress_ports}")
    elif not pod.get("hostNetwork"):
        fail("no NetworkPolicy, and the pods are not on the host network (where none applies)")

    account = pod["serviceAccountName"]
    granted = set()
    for binding in by_kind.get("ClusterRoleBinding", []):
        if {"kind": "ServiceAccount", "name": account, "namespace": namespace} not in binding["subjects"]:
            continue
        role = one(by_kind, "ClusterRole", binding["roleRef"]["name"])
        for rule in role["rules"]:
            for resource in rule["resources"]:
                for verb in rule["verbs"]:
                    granted.add(f"{verb} {resource}")
    needed = ["list serviceaccounts", "watch serviceaccounts", "create awsiamroles",
              "list awsiamroles", "list namespaces", "list pods", "watch pods"]
    if own_certificates:
        needed += ["get mutatingwebhookconfigurations", "patch mutatingwebhookconfigurations",
                   "create secrets", "update secrets"]
    for verb_resource in needed:
        if verb_resource not in granted:
            fail(f"the controller's ServiceAccount may not {verb_resource}")

    checked = (f"--webhook-address :{port} behind Service {ref['name']}:443, "
               f"pod CREATE in opted-in namespaces, Ignore, "
               f"{webhook['timeoutSeconds']} s, NetworkPolicy and RBAC")
    if own_certificates:
        configuration = args.get("webhook-configuration", default_configuration)
        expect(configuration, webhook_config["metadata"]["name"],
               "the MutatingWebhookConfiguration whose caBundle the controller keeps")
        for role in by_kind.get("ClusterRole", []):
            for rule in role["rules"]:
                if "mutatingwebhookconfigurations" in rule["resources"] and rule.get("resourceNames"):
                    if configuration not in rule["resourceNames"]:
                        fail(f"RBAC names {rule['resourceNames']}, not {configuration}")
        env = {e["name"]: e for e in container.get("env", [])}
        expect(env.get("POD_NAMESPACE", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath"),
               "metadata.namespace", "POD_NAMESPACE (the CA Secret's namespace)")
        if "webhook-cert-hosts" not in args:
            expect(ref["name"], "kube-aws-iam-controller-webhook",
                   "the Service the default certificate names are for")
        checked += f"; the controller's own CA, caBundle of {configuration}"
    certificates = {c["metadata"]["name"]: c for c in by_kind.get("Certificate", [])}
    if certificates:
        injected = webhook_config["metadata"].get("annotations", {}).get("cert-manager.io/inject-ca-from", "")
        ca_ns, _, serving_name = injected.partition("/")
        expect(ca_ns, namespace, "the namespace of cert-manager.io/inject-ca-from")
        serving = certificates.get(serving_name)
        if serving is None:
            fail(f"inject-ca-from names no Certificate of the install: {injected!r}")
        if tls_secret is None:
            fail("cert-manager's Certificate, but the controller makes its own certificates")
        expect(serving["spec"]["secretName"], tls_secret, "the serving Certificate's Secret")
        dns = f"{ref['name']}.{namespace}.svc"
        if dns not in serving["spec"]["dnsNames"]:
            fail(f"the serving Certificate does not name {dns}: {serving['spec']['dnsNames']}")
        if "server auth" not in serving["spec"]["usages"]:
            fail("the serving Certificate lacks the server auth usage")
        issuers = {i["metadata"]["name"]: i for i in by_kind.get("Issuer", [])}
        issuer = issuers[serving["spec"]["issuerRef"]["name"]]
        ca_secret = issuer["spec"]["ca"]["secretName"]
        ca = [c for c in certificates.values() if c["spec"]["secretName"] == ca_secret]
        if not ca or not ca[0]["spec"].get("isCA"):
            fail(f"the serving Certificate's Issuer signs with {ca_secret}, which is no CA Certificate")
        checked += (f"; cert-manager: {serving_name} for {dns} in Secret {tls_secret}, signed by CA "
                    f"{ca[0]['metadata']['name']}, caBundle injected")
    elif tls_secret is not None:
        fail("certificate flags without cert-manager's Certificate")

    with open(sys.argv[2], "w") as out:
        yaml.safe_dump_all([d for d in docs if not d["apiVersion"].startswith("cert-manager.io/")], out)
    print(checked)


if __name__ == "__main__":
    main()
