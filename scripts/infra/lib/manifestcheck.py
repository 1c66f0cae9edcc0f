#!/usr/bin/env python3
"""Check rendered manifests for the fields a cluster or Compose would reject.

Used by scripts/infra/provision-dev.sh --mode validate. It reads the YAML that
`kubectl kustomize`/`kustomize build` and `docker compose config` print with
PyYAML (Debian package python3-yaml) and keeps only the policy checks.

Usage:
  manifestcheck.py k8s --overlay DIR [--root DIR] < rendered.yaml
  manifestcheck.py compose --file FILE < rendered.yaml
  manifestcheck.py list < rendered.yaml        (one "Kind namespace/name" a line)

Each problem is printed on stdout as `FILE: KIND/NAME: FIELD: message`.
Exit status: 0 no problem, 1 problems found, 2 usage or unreadable input.
"""

import json
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.stderr.write("manifestcheck: the Python module 'yaml' is missing (install the Debian package python3-yaml)\n")
    sys.exit(2)


def load_all(text):
    """The documents of a YAML stream, empty ones left out."""
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")


def image_problem(image):
    if not isinstance(image, str) or image.strip() == "":
        return "no image"
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "image %r is not pinned to a tag" % image
    tag = last.split(":", 1)[1]
    if tag == "" or tag == "latest":
        return "image %r uses the floating tag %r; pin a version" % (image, tag or "")
    return None


def dig(obj, *path):
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and 0 <= p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


class Checker:
    def __init__(self):
        self.problems = []

    def add(self, where, obj, field, msg):
        self.problems.append("%s: %s: %s: %s" % (where, obj, field, msg))


def origin_file(doc, overlay, root):
    origin = dig(doc, "metadata", "annotations", "config.kubernetes.io/origin")
    path = None
    if isinstance(origin, str):
        try:
            path = dig(yaml.safe_load(origin), "path")
        except yaml.YAMLError:
            path = None
        if not isinstance(path, str):
            path = None
    if path:
        full = os.path.normpath(os.path.join(overlay, path))
    else:
        full = os.path.join(overlay, "kustomization.yaml")
    if root:
        try:
            return os.path.relpath(full, root)
        except ValueError:
            return full
    return full


def check_container(chk, where, obj, field, c, need_probes):
    name = c.get("name")
    if not isinstance(name, str) or not DNS1123_LABEL.match(name) or len(name) > 63:
        chk.add(where, obj, field + ".name", "%r is not a valid DNS-1123 label" % (name,))
    problem = image_problem(c.get("image"))
    if problem:
        chk.add(where, obj, field + ".image", problem)
    for kind in ("requests", "limits"):
        for res in ("cpu", "memory"):
            if dig(c, "resources", kind, res) in (None, ""):
                chk.add(where, obj, "%s.resources.%s.%s" % (field, kind, res), "not set")
    if need_probes:
        for probe in ("readinessProbe", "livenessProbe"):
            p = c.get(probe)
            if not isinstance(p, dict) or not any(k in p for k in ("exec", "httpGet", "tcpSocket", "grpc")):
                chk.add(where, obj, "%s.%s" % (field, probe), "missing (needs exec, httpGet, tcpSocket or grpc)")


def check_k8s(docs, overlay, root):
    chk = Checker()
    services, workloads = [], []
    for doc in docs:
        if not isinstance(doc, dict):
            chk.add(os.path.join(overlay, "kustomization.yaml"), "?", "(document)", "not a mapping")
            continue
        where = origin_file(doc, overlay, root)
        kind = doc.get("kind")
        name = dig(doc, "metadata", "name")
        obj = "%s/%s" % (kind, name)
        for field in ("apiVersion", "kind"):
            if not doc.get(field):
                chk.add(where, obj, field, "missing")
        if not isinstance(name, str) or not name:
            chk.add(where, obj, "metadata.name", "missing")
        elif kind in ("Service", "Namespace"):
            rule = DNS1035_LABEL if kind == "Service" else DNS1123_LABEL
            if not rule.match(name) or len(name) > 63:
                chk.add(where, obj, "metadata.name", "%r is not a valid %s name (DNS-%s label)"
                        % (name, kind, "1035" if kind == "Service" else "1123"))
        elif not DNS1123_SUBDOMAIN.match(name) or len(name) > 253:
            chk.add(where, obj, "metadata.name", "%r is not a valid DNS-1123 subdomain" % name)
        ns = dig(doc, "metadata", "namespace")
        if ns is not None and (not isinstance(ns, str) or not DNS1123_LABEL.match(ns)):
            chk.add(where, obj, "metadata.namespace", "%r is not a valid DNS-1123 label" % (ns,))
        for field in ("labels", "annotations"):
            v = dig(doc, "metadata", field)
            if v is not None and not isinstance(v, dict):
                chk.add(where, obj, "metadata." + field, "must be a mapping")
        if kind in WORKLOADS:
            workloads.append((where, obj, doc))
            sel = dig(doc, "spec", "selector", "matchLabels")
            tlabels = dig(doc, "spec", "template", "metadata", "labels") or {}
            if not isinstance(sel, dict) or not sel:
                chk.add(where, obj, "spec.selector.matchLabels", "missing or empty")
            else:
                for k, v in sorted(sel.items()):
                    if not isinstance(tlabels, dict) or str(tlabels.get(k)) != str(v):
                        chk.add(where, obj, "spec.selector.matchLabels.%s" % k,
                                "%r does not match spec.template.metadata.labels.%s (%r)"
                                % (v, k, tlabels.get(k) if isinstance(tlabels, dict) else None))
            pod = dig(doc, "spec", "template", "spec") or {}
            containers = pod.get("containers") if isinstance(pod, dict) else None
            if not isinstance(containers, list) or not containers:
                chk.add(where, obj, "spec.template.spec.containers", "no container")
                containers = []
            for idx, c in enumerate(containers):
                check_container(chk, where, obj, "spec.template.spec.containers[%d]" % idx, c or {}, True)
            for idx, c in enumerate(pod.get("initContainers") or [] if isinstance(pod, dict) else []):
                check_container(chk, where, obj, "spec.template.spec.initContainers[%d]" % idx, c or {}, False)
        if kind == "Service":
            services.append((where, obj, doc))
            if not dig(doc, "spec", "ports"):
                chk.add(where, obj, "spec.ports", "missing")
    # cross-resource references
    svc_names = {(dig(d, "metadata", "namespace"), dig(d, "metadata", "name")) for _, _, d in services}
    for where, obj, doc in services:
        sel = dig(doc, "spec", "selector")
        if not isinstance(sel, dict) or not sel:
            continue
        ns = dig(doc, "metadata", "namespace")
        matched = False
        for _, _, w in workloads:
            tl = dig(w, "spec", "template", "metadata", "labels") or {}
            if dig(w, "metadata", "namespace") == ns and isinstance(tl, dict) and all(
                    str(tl.get(k)) == str(v) for k, v in sel.items()):
                matched = True
        if not matched:
            chk.add(where, obj, "spec.selector", "%s selects no workload's pod template labels"
                    % json.dumps(sel, sort_keys=True))
    for where, obj, doc in workloads:
        if doc.get("kind") == "StatefulSet":
            sn = dig(doc, "spec", "serviceName")
            if sn and (dig(doc, "metadata", "namespace"), sn) not in svc_names:
                chk.add(where, obj, "spec.serviceName", "no Service named %r is rendered" % sn)
    return chk, len(docs)


def check_compose(docs, source):
    chk = Checker()
    if len(docs) != 1 or not isinstance(docs[0], dict):
        chk.add(source, "compose", "(document)", "expected one mapping")
        return chk, 0
    doc = docs[0]
    services = doc.get("services")
    if not isinstance(services, dict) or not services:
        chk.add(source, "compose", "services", "no service defined")
        return chk, 0
    declared = doc.get("volumes") or {}
    for name, svc in sorted(services.items()):
        obj = "service/%s" % name
        if not DNS1123_LABEL.match(str(name)):
            chk.add(source, obj, "services.%s" % name, "name should be lowercase letters, digits and '-'")
        svc = svc or {}
        problem = image_problem(svc.get("image"))
        if problem:
            chk.add(source, obj, "services.%s.image" % name, problem)
        hc = svc.get("healthcheck")
        if not isinstance(hc, dict) or hc.get("disable") or not hc.get("test"):
            chk.add(source, obj, "services.%s.healthcheck" % name, "missing (needs a test)")
        for idx, vol in enumerate(svc.get("volumes") or []):
            src, vtype = None, None
            if isinstance(vol, str):
                parts = vol.split(":")
                if len(parts) >= 2:
                    src = parts[0]
                    vtype = "bind" if src.startswith((".", "/", "~")) else "volume"
            elif isinstance(vol, dict):
                src, vtype = vol.get("source"), vol.get("type")
            if vtype == "volume" and src and (not isinstance(declared, dict) or src not in declared):
                chk.add(source, obj, "services.%s.volumes[%d]" % (name, idx),
                        "named volume %r is not declared under top-level volumes" % src)
            if vtype == "bind":
                chk.add(source, obj, "services.%s.volumes[%d]" % (name, idx),
                        "bind mount %r: the dev environment keeps its data in named volumes" % src)
    return chk, len(services)


def main(argv):
    if len(argv) < 2 or argv[1] not in ("k8s", "compose", "list"):
        sys.stderr.write(__doc__)
        return 2
    mode = argv[1]
    opts = {}
    args = argv[2:]
    while args:
        if args[0] in ("--overlay", "--root", "--file") and len(args) > 1:
            opts[args[0][2:]] = args[1]
            args = args[2:]
        else:
            sys.stderr.write("manifestcheck: unknown argument %r\n" % args[0])
            return 2
    text = sys.stdin.read()
    try:
        docs = load_all(text)
    except yaml.YAMLError as e:
        sys.stderr.write("manifestcheck: cannot read rendered YAML: %s\n" % " ".join(str(e).split()))
        return 2
    if mode == "list":
        for doc in docs:
            if isinstance(doc, dict):
                ns = dig(doc, "metadata", "namespace")
                print("%s %s%s" % (doc.get("kind"), ns + "/" if ns else "", dig(doc, "metadata", "name")))
        return 0
    if mode == "k8s":
        if "overlay" not in opts:
            sys.stderr.write("manifestcheck: k8s needs --overlay DIR\n")
            return 2
        chk, n = check_k8s(docs, opts["overlay"], opts.get("root"))
        what = "resources"
    else:
        chk, n = check_compose(docs, opts.get("file", "compose.yaml"))
        what = "services"
    for p in chk.problems:
        print(p)
    sys.stderr.write("manifestcheck: %s: %d %s checked, %d problem(s)\n"
                     % (mode, n, what, len(chk.problems)))
    return 1 if chk.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
