#!/usr/bin/python3
"""Checks rendered manifests against the Restricted Pod Security Standard.

Reads YAML documents (kubectl kustomize output) on stdin; checks the pod
template of every Deployment, field by field, with the rules of the
Kubernetes Pod Security Standards ("latest": Baseline, then Restricted; see
kubernetes.io/docs/concepts/security/pod-security-standards), plus this
project's own bar for its controller: a read-only root filesystem and resource
requests, and a memory limit on every container.

Prints one line per violation ("Deployment/NAME: FIELD: why") and exits 1 when
there is any, 0 when there is none, 2 on unusable input.
Usage: kubectl kustomize deploy/base | tests/integration/controller/pod_security.py
"""
import sys

import yaml

# Baseline: capabilities a container may add.
BASELINE_CAPABILITIES = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}
BASELINE_SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t",
                          "container_engine_t"}
BASELINE_SYSCTLS = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
# Restricted: the only volume types, and the only capability to add.
RESTRICTED_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                           "persistentVolumeClaim", "projected", "secret"}


def check_pod(pod):
    """Yields (field, why) for every violation in a PodSpec."""
    psc = pod.get("securityContext") or {}
    containers = [("containers", c) for c in pod.get("containers") or []]
    containers += [("initContainers", c) for c in pod.get("initContainers") or []]
    containers += [("ephemeralContainers", c) for c in pod.get("ephemeralContainers") or []]

    # --- Baseline
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(field):
            yield f"spec.{field}", "must be unset or false (Baseline: host namespaces)"
    if (psc.get("windowsOptions") or {}).get("hostProcess"):
        yield "spec.securityContext.windowsOptions.hostProcess", "must not be true (Baseline)"
    selinux = psc.get("seLinuxOptions") or {}
    if selinux.get("type", "") not in BASELINE_SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
        yield "spec.securityContext.seLinuxOptions", "custom SELinux user, role or type (Baseline)"
    for sysctl in psc.get("sysctls") or []:
        if sysctl.get("name") not in BASELINE_SYSCTLS:
            yield f"spec.securityContext.sysctls[{sysctl.get('name')}]", "unsafe sysctl (Baseline)"
    pod_seccomp = (psc.get("seccompProfile") or {}).get("type")
    if pod_seccomp == "Unconfined":
        yield "spec.securityContext.seccompProfile.type", "must not be Unconfined (Baseline)"
    for volume in pod.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if "hostPath" in kinds:
            yield f"spec.volumes[{volume.get('name')}].hostPath", "hostPath volumes are forbidden (Baseline)"
        # --- Restricted
        for kind in kinds - RESTRICTED_VOLUME_TYPES - {"hostPath"}:
            yield f"spec.volumes[{volume.get('name')}].{kind}", "volume type not allowed (Restricted)"

    # Restricted: runAsNonRoot on the pod, or on every container.
    pod_non_root = psc.get("runAsNonRoot") is True
    if psc.get("runAsUser") == 0:
        yield "spec.securityContext.runAsUser", "must not be 0 (Restricted)"

    for kind, c in containers:
        where = f"spec.{kind}[{c.get('name')}]"
        sc = c.get("securityContext") or {}
        if sc.get("privileged"):
            yield f"{where}.securityContext.privileged", "must not be true (Baseline)"
        if (sc.get("windowsOptions") or {}).get("hostProcess"):
            yield f"{where}.securityContext.windowsOptions.hostProcess", "must not be true (Baseline)"
        caps = sc.get("capabilities") or {}
        for cap in caps.get("add") or []:
            if cap not in BASELINE_CAPABILITIES:
                yield f"{where}.securityContext.capabilities.add[{cap}]", "not allowed (Baseline)"
            elif cap != "NET_BIND_SERVICE":
                yield f"{where}.securityContext.capabilities.add[{cap}]", "only NET_BIND_SERVICE (Restricted)"
        for port in c.get("ports") or []:
            if port.get("hostPort"):
                yield f"{where}.ports[{port.get('name')}].hostPort", "must be unset or 0 (Baseline)"
        if sc.get("procMount", "Default") != "Default":
            yield f"{where}.securityContext.procMount", "must be Default (Baseline)"
        selinux = sc.get("seLinuxOptions") or {}
        if selinux.get("type", "") not in BASELINE_SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
            yield f"{where}.securityContext.seLinuxOptions", "custom SELinux user, role or type (Baseline)"
        app_armor = (sc.get("appArmorProfile") or {}).get("type")
        if app_armor not in (None, "RuntimeDefault", "Localhost"):
            yield f"{where}.securityContext.appArmorProfile.type", "must be RuntimeDefault or Localhost (Baseline)"

        # --- Restricted
        if sc.get("allowPrivilegeEscalation") is not False:
            yield f"{where}.securityContext.allowPrivilegeEscalation", "must be false (Restricted)"
        if sc.get("runAsNonRoot") is False or not (pod_non_root or sc.get("runAsNonRoot") is True):
            yield f"{where}.securityContext.runAsNonRoot", "must be true, on the pod or the container (Restricted)"
        if sc.get("runAsUser") == 0:
            yield f"{where}.securityContext.runAsUser", "must not be 0 (Restricted)"
        seccomp = (sc.get("seccompProfile") or {}).get("type") or pod_seccomp
        if seccomp not in ("RuntimeDefault", "Localhost"):
            yield f"{where}.securityContext.seccompProfile.type", \
                "must be RuntimeDefault or Localhost, on the pod or the container (Restricted)"
        if "ALL" not in (caps.get("drop") or []):
            yield f"{where}.securityContext.capabilities.drop", "must include ALL (Restricted)"

        # --- this project's bar for its own controller
        if kind == "containers":
            if sc.get("readOnlyRootFilesystem") is not True:
                yield f"{where}.securityContext.readOnlyRootFilesystem", "must be true (kube-aws-iam-controller)"
            resources = c.get("resources") or {}
            requests = resources.get("requests") or {}
            for name in ("cpu", "memory"):
                if name not in requests:
                    yield f"{where}.resources.requests.{name}", "must be set (kube-aws-iam-controller)"
            if "memory" not in (resources.get("limits") or {}):
                yield f"{where}.resources.limits.memory", "must be set (kube-aws-iam-controller)"


def main():
    try:
        documents = [d for d in yaml.safe_load_all(sys.stdin) if d]
    except yaml.YAMLError as e:
        print(f"pod_security.py: not YAML: {e}", file=sys.stderr)
        return 2
    deployments = [d for d in documents if d.get("kind") == "Deployment"]
    if not deployments:
        print("pod_security.py: no Deployment in the input", file=sys.stderr)
        return 2
    violations = 0
    for d in deployments:
        name = f"Deployment/{d['metadata']['name']}"
        pod = ((d.get("spec") or {}).get("template") or {}).get("spec") or {}
        for field, why in check_pod(pod):
            print(f"{name}: {field}: {why}")
            violations += 1
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
