#!/usr/bin/env bash
# provision-dev.sh — validate, plan or apply the dev environment manifests.
# See --help and docs/scripts.md.
set -Eeuo pipefail

# shellcheck source=lib/common.sh
source "${BASH_SOURCE[0]%/*}/lib/common.sh"
rb_init

usage() {
  cat <<'EOF'
Usage: scripts/infra/provision-dev.sh TARGETS [--mode validate|plan|apply] [options]

TARGETS: docker, k8s, or docker/k8s (both; k8s/docker and all also work).
  docker  the Compose file design/compose.yaml (PostgreSQL and MongoDB,
          health checks, named volumes)
  k8s     the Kustomize tree design/k8s (base + overlays dev and staging)

Modes:
  validate  (default) render and check the manifests without touching
            anything: `docker compose config` (or `docker-compose config`)
            and `kubectl kustomize` (or `kustomize build`) for every
            overlay, then a check of the fields a cluster would reject:
            DNS-1123 names, selector labels matching template labels,
            images pinned to a tag (no :latest), resource requests and
            limits, readiness and liveness probes, named volumes, health
            checks. A broken manifest exits 1 naming the file and field.
  plan      validate, then list what apply would create or update (Compose
            services, images and volumes; Kubernetes resources of the
            K8S_OVERLAY overlay); contacts no engine or cluster
  apply     validate, then `docker compose up -d` and
            `kubectl apply -k design/k8s/overlays/$K8S_OVERLAY`
            (both idempotent)

Options:
  --mode MODE   validate, plan or apply
  --check       check this script's dependencies and exit (0 or 3)
  -h, --help    this help

Environment:
  DESIGN_DIR            manifests directory (default: design/ of the repo)
  K8S_OVERLAY           overlay that plan/apply use (default: dev)
  COMPOSE_PROJECT_NAME  Compose project for apply (default: runbook-dev)
  KUBECONFIG, KUBECTL_CONTEXT   cluster for apply (kubectl's own rules)

Dependencies (--check): docker CLI with compose (plugin or docker-compose)
for docker; kubectl or kustomize for k8s (kubectl for apply); python3 with
PyYAML (python3-yaml) for the field checks; the manifests in DESIGN_DIR.

Exit codes: 0 ok, 1 failure (invalid manifest, apply failed, another copy
running), 2 usage, 3 missing dependency.
EOF
}

RB_MODES=(validate plan apply)
MODE=validate
CHECK_ONLY=0
TARGETS=""
while [[ $# -gt 0 ]]; do
  rb_common_option "$@"
  if ((RB_TAKEN > 0)); then
    shift "$RB_TAKEN"
    continue
  fi
  case $1 in
    -*) rb_usage_error "unknown option: $1" ;;
    *)
      [[ -z $TARGETS ]] || rb_usage_error "only one TARGETS argument (got '$TARGETS' and '$1')"
      TARGETS=$1
      shift
      ;;
  esac
done
rb_check_mode
if [[ -z $TARGETS ]]; then
  if [[ $CHECK_ONLY -eq 1 ]]; then TARGETS=docker/k8s; else rb_usage_error "missing TARGETS (docker, k8s or docker/k8s)"; fi
fi
DO_DOCKER=0
DO_K8S=0
IFS='/,' read -r -a target_list <<<"$TARGETS"
for t in "${target_list[@]}"; do
  case $t in
    docker | compose) DO_DOCKER=1 ;;
    k8s | kubernetes) DO_K8S=1 ;;
    all | both)
      DO_DOCKER=1
      DO_K8S=1
      ;;
    *) rb_usage_error "unknown target '$t' in '$TARGETS' (expected docker, k8s or docker/k8s)" ;;
  esac
done

DESIGN_DIR=${DESIGN_DIR:-$RB_REPO_ROOT/design}
K8S_OVERLAY=${K8S_OVERLAY:-dev}
COMPOSE_FILE_PATH="$DESIGN_DIR/compose.yaml"
CHECKER="$RB_INFRA_DIR/lib/manifestcheck.py"
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-runbook-dev}
[[ $K8S_OVERLAY =~ ^[A-Za-z0-9_.-]+$ ]] || rb_usage_error "K8S_OVERLAY must be a directory name (got '$K8S_OVERLAY')"

# display paths relative to the repo when they are inside it
rel() {
  local p=$1
  if [[ $p == "$RB_REPO_ROOT"/* ]]; then printf '%s' "${p#"$RB_REPO_ROOT"/}"; else printf '%s' "$p"; fi
}

# ------------------------------------------------------------ dependencies
COMPOSE=()
if [[ $DO_DOCKER -eq 1 ]]; then
  rb_need_cmd docker "Docker CLI"
  if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    RB_MISSING+=("docker compose plugin or docker-compose")
  fi
  rb_need_path "$COMPOSE_FILE_PATH" "Compose manifest"
fi
OVERLAYS=()
KUSTOMIZE=()
if [[ $DO_K8S -eq 1 ]]; then
  if command -v kubectl >/dev/null 2>&1; then
    KUSTOMIZE=(kubectl kustomize)
  elif command -v kustomize >/dev/null 2>&1; then
    KUSTOMIZE=(kustomize build)
  else
    RB_MISSING+=("command 'kubectl' or 'kustomize'")
  fi
  if [[ $MODE == apply ]]; then rb_need_cmd kubectl "needed by apply"; fi
  rb_need_path "$DESIGN_DIR/k8s/base/kustomization.yaml" "Kustomize base"
  for d in "$DESIGN_DIR"/k8s/overlays/*/; do
    [[ -e ${d}kustomization.yaml ]] && OVERLAYS+=("${d%/}")
  done
  if [[ ${#OVERLAYS[@]} -eq 0 ]]; then
    RB_MISSING+=("path $DESIGN_DIR/k8s/overlays/*/kustomization.yaml (Kustomize overlays)")
  fi
  if [[ $MODE != validate ]]; then
    rb_need_path "$DESIGN_DIR/k8s/overlays/$K8S_OVERLAY/kustomization.yaml" "K8S_OVERLAY=$K8S_OVERLAY"
  fi
fi
rb_need_cmd python3 "runs lib/manifestcheck.py"
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import yaml' >/dev/null 2>&1; then
  RB_MISSING+=("Python module 'yaml' (Debian package python3-yaml; lib/manifestcheck.py reads the rendered YAML with it)")
fi
rb_need_cmd flock "util-linux"
rb_report_missing
if [[ $CHECK_ONLY -eq 1 ]]; then
  rb_info "all dependencies present for $TARGETS${COMPOSE[*]:+: ${COMPOSE[*]}}${KUSTOMIZE[*]:+, ${KUSTOMIZE[*]}}, python3, manifests in $(rel "$DESIGN_DIR")"
  exit 0
fi

rb_info "mode=$MODE targets=$TARGETS design=$(rel "$DESIGN_DIR")"
rb_lock
rb_tmpdir

PROBLEMS=0

# ---------------------------------------------------------------- validate
validate_docker() {
  local rendered="$RB_TMP_DIR/compose.rendered.yaml" err="$RB_TMP_DIR/compose.err" rc=0
  rb_info "docker: rendering $(rel "$COMPOSE_FILE_PATH") with ${COMPOSE[*]} config"
  "${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" config >"$rendered" 2>"$err" || rc=$?
  if [[ $rc -ne 0 ]]; then
    rb_error "$(rel "$COMPOSE_FILE_PATH"): ${COMPOSE[*]} config failed:"
    rb_redact_stream <"$err" | sed "s|^|$RB_SCRIPT_NAME:   |" >&2
    PROBLEMS=$((PROBLEMS + 1))
    return 0
  fi
  rc=0
  python3 "$CHECKER" compose --file "$(rel "$COMPOSE_FILE_PATH")" <"$rendered" >"$RB_TMP_DIR/compose.problems" 2>"$err" || rc=$?
  report_checker "$rc" "$RB_TMP_DIR/compose.problems" "$err" "$(rel "$COMPOSE_FILE_PATH")"
}

validate_k8s() {
  local overlay rendered err rc name
  for overlay in "${OVERLAYS[@]}"; do
    name=${overlay##*/}
    rendered="$RB_TMP_DIR/k8s.$name.yaml"
    err="$RB_TMP_DIR/k8s.$name.err"
    rc=0
    rb_info "k8s: rendering overlay $(rel "$overlay") with ${KUSTOMIZE[*]}"
    "${KUSTOMIZE[@]}" "$overlay" >"$rendered" 2>"$err" || rc=$?
    if [[ $rc -ne 0 ]]; then
      rb_error "$(rel "$overlay"): ${KUSTOMIZE[*]} failed:"
      rb_redact_stream <"$err" | sed "s|^|$RB_SCRIPT_NAME:   |" >&2
      PROBLEMS=$((PROBLEMS + 1))
      continue
    fi
    rc=0
    python3 "$CHECKER" k8s --overlay "$overlay" --root "$RB_REPO_ROOT" <"$rendered" >"$RB_TMP_DIR/k8s.$name.problems" 2>"$err" || rc=$?
    report_checker "$rc" "$RB_TMP_DIR/k8s.$name.problems" "$err" "$(rel "$overlay")"
  done
}

# report_checker RC PROBLEMS_FILE ERR_FILE WHAT
report_checker() {
  local rc=$1 problems=$2 err=$3 what=$4 line n=0
  if [[ $rc -eq 0 ]]; then
    rb_info "$what: valid ($(tail -n 1 "$err" | sed 's/^manifestcheck: //'))"
    return 0
  fi
  if [[ $rc -eq 1 ]]; then
    while IFS= read -r line; do
      [[ -n $line ]] || continue
      rb_error "invalid manifest: $line"
      n=$((n + 1))
    done <"$problems"
    if [[ $n -gt 0 ]]; then
      PROBLEMS=$((PROBLEMS + n))
      return 0
    fi
  fi
  rb_error "$what: the field check (python3 lib/manifestcheck.py) failed (exit $rc):"
  rb_redact_stream <"$err" | sed "s|^|$RB_SCRIPT_NAME:   |" >&2
  PROBLEMS=$((PROBLEMS + 1))
}

if [[ $DO_DOCKER -eq 1 ]]; then validate_docker; fi
if [[ $DO_K8S -eq 1 ]]; then validate_k8s; fi
if [[ $PROBLEMS -gt 0 ]]; then
  RB_RESULT_DETAIL="problems=$PROBLEMS"
  rb_exit "$RB_EXIT_FAIL" "$PROBLEMS problem(s) in the manifests of $(rel "$DESIGN_DIR"); nothing was applied"
fi
RB_RESULT_DETAIL="problems=0"
if [[ $MODE == validate ]]; then
  rb_info "all manifests valid"
  exit 0
fi

# -------------------------------------------------------------------- plan
plan_docker() {
  local s
  rb_out "plan: docker (project $COMPOSE_PROJECT_NAME, $(rel "$COMPOSE_FILE_PATH")): docker compose up -d would create or update:"
  while IFS= read -r s; do
    [[ -n $s ]] && rb_out "  service $s"
  done < <("${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" config --services 2>/dev/null)
  while IFS= read -r s; do
    [[ -n $s ]] && rb_out "  volume  $s"
  done < <("${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" config --volumes 2>/dev/null)
}

plan_k8s() {
  local overlay="$DESIGN_DIR/k8s/overlays/$K8S_OVERLAY" line
  rb_out "plan: k8s: kubectl apply -k $(rel "$overlay") would create or update:"
  while IFS= read -r line; do
    [[ -n $line ]] && rb_out "  $line"
  done < <(python3 "$CHECKER" list <"$RB_TMP_DIR/k8s.$K8S_OVERLAY.yaml")
}

if [[ $MODE == plan ]]; then
  if [[ $DO_DOCKER -eq 1 ]]; then plan_docker; fi
  if [[ $DO_K8S -eq 1 ]]; then plan_k8s; fi
  rb_out "plan: nothing was changed"
  exit 0
fi

# ------------------------------------------------------------------- apply
FAILED=()
if [[ $DO_DOCKER -eq 1 ]]; then
  rb_info "docker: ${COMPOSE[*]} -p $COMPOSE_PROJECT_NAME up -d"
  rc=0
  "${COMPOSE[@]}" -p "$COMPOSE_PROJECT_NAME" -f "$COMPOSE_FILE_PATH" up -d 2>&1 | rb_redact_stream >&2 || rc=$?
  if [[ $rc -ne 0 ]]; then
    rb_error "docker: compose up failed (exit $rc); is a Docker engine running?"
    FAILED+=(docker)
  fi
fi
if [[ $DO_K8S -eq 1 ]]; then
  overlay="$DESIGN_DIR/k8s/overlays/$K8S_OVERLAY"
  kubectl_args=()
  if [[ -n ${KUBECTL_CONTEXT:-} ]]; then kubectl_args+=(--context "$KUBECTL_CONTEXT"); fi
  rb_info "k8s: kubectl apply -k $(rel "$overlay")"
  rc=0
  kubectl "${kubectl_args[@]}" apply -k "$overlay" --request-timeout=60s 2>&1 | rb_redact_stream >&2 || rc=$?
  if [[ $rc -ne 0 ]]; then
    rb_error "k8s: kubectl apply failed (exit $rc); is the cluster reachable?"
    FAILED+=(k8s)
  fi
fi
if [[ ${#FAILED[@]} -gt 0 ]]; then
  RB_RESULT_DETAIL="failed=$(rb_join , "${FAILED[@]}")"
  rb_exit "$RB_EXIT_FAIL" "apply failed for: ${FAILED[*]} (re-running apply is safe)"
fi
RB_RESULT_DETAIL="applied=$TARGETS"
exit 0
