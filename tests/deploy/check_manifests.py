#!/usr/bin/env python3
"""Checks the key fields of the deployment files that make ccs work:
socket directory, shared memory, IPC/process sharing, native sidecar,
probes, capabilities, recommended labels. Exits 1 naming every problem."""
import pathlib
import sys

import yaml

root = pathlib.Path(sys.argv[1])
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def load_all(path):
    return [d for d in yaml.safe_load_all((root / path).read_text()) if d]


def volumes(spec):
    return {v["name"]: v for v in spec.get("volumes", [])}


def mounts(container):
    return {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}


def check_ccsd_container(c, where):
    check(any("--socket=/run/ccs/ccs.sock" == a for a in c.get("args", [])),
          f"{where}: ccsd must serve /run/ccs/ccs.sock")
    m = mounts(c)
    check("/run/ccs" in m and "/dev/shm" in m, f"{where}: ccsd must mount /run/ccs and /dev/shm")
    caps = c.get("securityContext", {}).get("capabilities", {})
    check(caps.get("drop") == ["ALL"], f"{where}: ccsd must drop all capabilities")
    check("DAC_OVERRIDE" in caps.get("add", []), f"{where}: ccsd needs DAC_OVERRIDE to map clients' shm")
    probe = c.get("readinessProbe", {}).get("exec", {}).get("command", [])
    check("health" in probe, f"{where}: readiness must run `ccsctl health`")


ds = [d for d in load_all("deploy/kubernetes/daemonset.yaml") if d["kind"] == "DaemonSet"]
check(len(ds) == 1, "daemonset.yaml: exactly one DaemonSet")
if ds:
    spec = ds[0]["spec"]["template"]["spec"]
    check(spec.get("hostIPC") is True, "DaemonSet: hostIPC must be true")
    vols = volumes(spec)
    check(vols.get("socket-dir", {}).get("hostPath", {}).get("path") == "/run/ccs",
          "DaemonSet: socket-dir must be hostPath /run/ccs")
    check(vols.get("dev-shm", {}).get("hostPath", {}).get("path") == "/dev/shm",
          "DaemonSet: dev-shm must be hostPath /dev/shm")
    check_ccsd_container(spec["containers"][0], "DaemonSet")
    labels = ds[0]["metadata"]["labels"]
    for key in ("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"):
        check(key in labels, f"DaemonSet: label {key} missing")

for name, native in (("sidecar-pod.yaml", True), ("sidecar-pod-legacy.yaml", False)):
    pod = load_all(f"deploy/kubernetes/{name}")[0]
    spec = pod["spec"]
    check(spec.get("shareProcessNamespace") is True, f"{name}: shareProcessNamespace must be true")
    shm = volumes(spec).get("dev-shm", {}).get("emptyDir", {})
    check(shm.get("medium") == "Memory", f"{name}: /dev/shm must be a memory emptyDir")
    pool = spec.get("initContainers", []) if native else spec["containers"]
    ccsd = [c for c in pool if c["name"] == "ccsd"]
    check(len(ccsd) == 1, f"{name}: one ccsd container")
    if ccsd:
        if native:
            check(ccsd[0].get("restartPolicy") == "Always",
                  f"{name}: the native sidecar needs restartPolicy Always")
        check_ccsd_container(ccsd[0], name)
    workers = [c for c in spec["containers"] if c["name"] != "ccsd"]
    for w in workers:
        env = {e["name"]: e.get("value") for e in w.get("env", [])}
        check(env.get("CCS_ADDRESS") == "unix:///run/ccs/ccs.sock", f"{name}: worker needs CCS_ADDRESS")
        check("/dev/shm" in mounts(w), f"{name}: worker must share /dev/shm")

chart = yaml.safe_load((root / "deploy/helm/ccs/Chart.yaml").read_text())
check(chart.get("apiVersion") == "v2" and chart.get("name") == "ccs", "Chart.yaml: apiVersion v2, name ccs")
helpers = (root / "deploy/helm/ccs/templates/_helpers.tpl").read_text()
for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by", "helm.sh/chart"):
    check(key in helpers, f"helm chart: recommended label {key} missing")
template = (root / "deploy/helm/ccs/templates/daemonset.yaml").read_text()
check("hostIPC: true" in template, "helm chart: hostIPC must be true")
check('include "ccs.labels"' in template, "helm chart: objects must carry ccs.labels")

unit = (root / "deploy/systemd/ccsd.service").read_text()
for line in ("Type=notify", "WatchdogSec=", "RuntimeDirectory=ccs", "DeviceAllow=char-nvidia-frontend"):
    check(line in unit, f"ccsd.service: {line} missing")
check("PrivateDevices=yes" not in unit, "ccsd.service: PrivateDevices would hide the GPUs")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("deployment files: all key fields present")
