#!/usr/bin/env bash
# seed-dev-data.sh — load the repo's seed data set into the dev databases.
# See --help and docs/scripts.md.
set -Eeuo pipefail

# shellcheck source=lib/common.sh
source "${BASH_SOURCE[0]%/*}/lib/common.sh"
rb_init

usage() {
  cat <<'EOF'
Usage: scripts/infra/seed-dev-data.sh [--mode plan|apply|verify] [options]

Loads the seed data set kept in the repo into the dev databases:
  relational  scripts/infra/sql/schema.sql, then scripts/infra/seed/*.sql
              (upserts, ON CONFLICT) into DEV_RELATIONAL_URL, with psql, in
              one transaction;
  documents   scripts/infra/seed/<collection>.json (JSON arrays, Extended
              JSON, each document with an _id) into DEV_NOSQL_URL with
              `mongoimport --mode upsert`, or mongosh when mongoimport is
              absent (same replace-by-_id upsert).
Applying twice leaves the same state.

Modes:
  plan     (default) show the data set, the expected counts and the current
           counts; changes nothing
  apply    load the data set (both databases are checked to be reachable
           first: when one is down nothing is changed), then verify
  verify   check that every target holds at least the expected count
           (scripts/infra/seed/expected-counts.tsv)

Options:
  --mode MODE        plan, apply or verify
  --check            check this script's dependencies and exit (0 or 3)
  --allow-non-dev    allow a URL whose host or database name looks like
                     staging or production (refused by default)
  -h, --help         this help

Environment:
  DEV_RELATIONAL_URL  postgresql://user[:password]@host[:port]/db[?params]
  DEV_NOSQL_URL       mongodb://[user[:password]@]host[:port]/db[?params]
  SEED_NOSQL_LOADER   auto (default), mongoimport or mongosh
  PGCONNECT_TIMEOUT   seconds to wait for PostgreSQL (default 10)
  MONGO_TIMEOUT_MS    milliseconds to wait for the document store (default 10000)

Dependencies (--check): psql; mongoimport or mongosh (mongosh also for
counts); DEV_RELATIONAL_URL and DEV_NOSQL_URL set; flock; the seed files.

Exit codes: 0 ok, 1 failure (database down, verify mismatch, refused URL,
another copy running), 2 usage, 3 missing dependency.
Passwords in URLs are never printed (shown as ***).
EOF
}

RB_MODES=(plan apply verify)
MODE=plan
CHECK_ONLY=0
ALLOW_NON_DEV=0
while [[ $# -gt 0 ]]; do
  rb_common_option "$@"
  if ((RB_TAKEN > 0)); then
    shift "$RB_TAKEN"
    continue
  fi
  case $1 in
    --allow-non-dev)
      ALLOW_NON_DEV=1
      shift
      ;;
    *) rb_usage_error "unknown argument: $1" ;;
  esac
done
rb_check_mode

SEED_DIR="$RB_INFRA_DIR/seed"
SQL_DIR="$RB_INFRA_DIR/sql"
MONGO_JS_DIR="$RB_INFRA_DIR/mongo"
COUNTS_FILE="$SEED_DIR/expected-counts.tsv"
LOADER=${SEED_NOSQL_LOADER:-auto}

# ------------------------------------------------------------ dependencies
rb_need_cmd psql "PostgreSQL client"
case $LOADER in
  auto) rb_need_any mongoimport mongosh ;;
  mongoimport) rb_need_cmd mongoimport "MongoDB database tools" ;;
  mongosh) rb_need_cmd mongosh "MongoDB shell" ;;
  *) rb_usage_error "SEED_NOSQL_LOADER must be auto, mongoimport or mongosh (got '$LOADER')" ;;
esac
if [[ $MODE == verify ]] || [[ $MODE == plan && $CHECK_ONLY -eq 0 ]]; then
  rb_need_cmd mongosh "MongoDB shell, to count documents"
fi
rb_need_env DEV_RELATIONAL_URL
rb_need_env DEV_NOSQL_URL
rb_need_cmd flock "util-linux"
rb_need_path "$SQL_DIR/schema.sql" "schema"
rb_need_path "$COUNTS_FILE" "expected counts"
shopt -s nullglob
SQL_FILES=("$SEED_DIR"/*.sql)
JSON_FILES=("$SEED_DIR"/*.json)
shopt -u nullglob
if [[ ${#SQL_FILES[@]} -eq 0 ]]; then RB_MISSING+=("seed files $SEED_DIR/*.sql"); fi
if [[ ${#JSON_FILES[@]} -eq 0 ]]; then RB_MISSING+=("seed files $SEED_DIR/*.json"); fi
rb_report_missing
if [[ $CHECK_ONLY -eq 1 ]]; then
  rb_info "all dependencies present: psql, $(command -v mongoimport >/dev/null 2>&1 && echo mongoimport || echo mongosh), DEV_RELATIONAL_URL, DEV_NOSQL_URL, seed files"
  exit 0
fi

if [[ $LOADER == auto ]]; then
  if command -v mongoimport >/dev/null 2>&1; then LOADER=mongoimport; else LOADER=mongosh; fi
fi
HAVE_MONGOSH=0
if command -v mongosh >/dev/null 2>&1; then HAVE_MONGOSH=1; fi

# ------------------------------------------------------------------- URLs
rb_parse_db_urls DEV_RELATIONAL_URL DEV_NOSQL_URL

# A dev seed must never land in staging or production by mistake.
looks_non_dev() {
  local s=${1,,}
  [[ $s =~ (^|[^a-z])(prod|production|staging|stg)([^a-z]|$) || $s == *staging* ]]
}
for pair in "DEV_RELATIONAL_URL|$REL_HOST|$REL_DB|$REL_MASKED" "DEV_NOSQL_URL|$DOC_HOST|$DOC_DB|$DOC_MASKED"; do
  IFS='|' read -r var host db masked <<<"$pair"
  if looks_non_dev "$host" || looks_non_dev "$db"; then
    if [[ $ALLOW_NON_DEV -eq 1 ]]; then
      rb_warn "$var ($masked) looks like staging/production; going on because of --allow-non-dev"
    else
      RB_RESULT_DETAIL="refused=$var"
      rb_exit "$RB_EXIT_FAIL" "refusing: $var ($masked) has a host or database name that looks like staging/production; pass --allow-non-dev if it really is a dev database"
    fi
  fi
done

rb_info "mode=$MODE relational=$REL_MASKED documents=$DOC_MASKED loader=$LOADER"
rb_lock

# ------------------------------------------------------- expected counts
REL_TARGETS=()
REL_EXPECTED=()
DOC_TARGETS=()
DOC_EXPECTED=()
while IFS=$'\t' read -r store target count || [[ -n ${store:-} ]]; do
  [[ -z ${store:-} || $store == \#* ]] && continue
  [[ $count =~ ^[0-9]+$ ]] || rb_exit "$RB_EXIT_FAIL" "$COUNTS_FILE: bad count '$count' for $target"
  case $store in
    relational)
      [[ $target =~ ^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$ ]] || rb_exit "$RB_EXIT_FAIL" "$COUNTS_FILE: bad table name '$target'"
      REL_TARGETS+=("$target")
      REL_EXPECTED+=("$count")
      ;;
    nosql)
      [[ $target =~ ^[A-Za-z_][A-Za-z0-9_.-]*$ ]] || rb_exit "$RB_EXIT_FAIL" "$COUNTS_FILE: bad collection name '$target'"
      DOC_TARGETS+=("$target")
      DOC_EXPECTED+=("$count")
      ;;
    *) rb_exit "$RB_EXIT_FAIL" "$COUNTS_FILE: unknown store '$store' (relational or nosql)" ;;
  esac
done <"$COUNTS_FILE"

# ---------------------------------------------------------------- helpers
ping_relational() {
  rb_psql REL -t -A -c 'SELECT 1' >/dev/null
}

ping_documents() {
  if [[ $HAVE_MONGOSH -eq 1 ]]; then
    rb_mongosh "$DEV_NOSQL_URL" "$MONGO_JS_DIR/ping.js" >/dev/null
  fi
}

# relational_counts: "<table>\t<count>" per target; -1 for an absent table.
relational_counts() {
  local list="" t
  for t in "${REL_TARGETS[@]}"; do list+="${list:+,}'$t'"; done
  rb_psql REL -t -A -F $'\t' -c "
    SELECT t, CASE WHEN to_regclass(t) IS NULL THEN -1
      ELSE (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', t), false, true, '')))[1]::text::bigint
      END
    FROM unnest(ARRAY[$list]::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n"
}

document_counts() {
  if [[ $HAVE_MONGOSH -eq 0 ]]; then
    local c
    for c in "${DOC_TARGETS[@]}"; do printf '%s\tunknown\n' "$c"; done
    return 0
  fi
  RB_COLLECTIONS=$(rb_join , "${DOC_TARGETS[@]}") rb_mongosh "$DEV_NOSQL_URL" "$MONGO_JS_DIR/counts.js"
}

# report_counts LABEL: print the counts and compare them with the expected
# ones; returns 1 when a target holds fewer than expected.
report_counts() {
  local label=$1 rel docs i name n ok=0
  rel=$(relational_counts)
  docs=$(document_counts)
  declare -A got=()
  while IFS=$'\t' read -r name n; do
    [[ -n $name ]] && got["rel:$name"]=$n
  done <<<"$rel"
  while IFS=$'\t' read -r name n; do
    [[ -n $name ]] && got["doc:$name"]=$n
  done <<<"$docs"
  rb_out "$label counts:"
  for i in "${!REL_TARGETS[@]}"; do
    name=${REL_TARGETS[$i]}
    n=${got["rel:$name"]:-unknown}
    rb_out "  relational $name: $(fmt_count "$n") (expected at least ${REL_EXPECTED[$i]})"
    if ! [[ $n =~ ^[0-9]+$ ]] || [[ $n -lt ${REL_EXPECTED[$i]} ]]; then ok=1; fi
  done
  for i in "${!DOC_TARGETS[@]}"; do
    name=${DOC_TARGETS[$i]}
    n=${got["doc:$name"]:-unknown}
    rb_out "  documents  $name: $(fmt_count "$n") (expected at least ${DOC_EXPECTED[$i]})"
    if ! [[ $n =~ ^[0-9]+$ ]] || [[ $n -lt ${DOC_EXPECTED[$i]} ]]; then ok=1; fi
  done
  return "$ok"
}

fmt_count() {
  if [[ $1 == -1 ]]; then printf 'absent'; else printf '%s' "$1"; fi
}

load_relational() {
  local args=(--single-transaction -f "$SQL_DIR/schema.sql") f
  for f in "${SQL_FILES[@]}"; do args+=(-f "$f"); done
  rb_info "relational: applying schema.sql and ${#SQL_FILES[@]} seed file(s) in one transaction"
  rb_psql REL "${args[@]}" >/dev/null
}

load_documents_mongosh() {
  local lines="" f name
  for f in "${JSON_FILES[@]}"; do
    name=${f##*/}
    name=${name%.json}
    lines+="$name"$'\t'"$f"$'\n'
  done
  local out collection total upserted matched
  out=$(RB_SEED_FILES=$lines rb_mongosh "$DEV_NOSQL_URL" "$MONGO_JS_DIR/upsert.js")
  while IFS=$'\t' read -r collection total upserted matched; do
    [[ -n $collection ]] || continue
    rb_info "documents: $collection: $total document(s), $upserted inserted, $matched replaced"
  done <<<"$out"
}

load_documents_mongoimport() {
  local f name conf
  rb_tmpdir
  conf="$RB_TMP_DIR/mongoimport.yaml"
  # The URL (with its password) goes in a private config file, not argv.
  (
    umask 077
    printf 'uri: "%s"\n' "${DEV_NOSQL_URL//\"/\\\"}" >"$conf"
  )
  for f in "${JSON_FILES[@]}"; do
    name=${f##*/}
    name=${name%.json}
    rb_info "documents: $name: mongoimport --mode upsert ($f)"
    local rc=0
    mongoimport --config "$conf" --collection "$name" --file "$f" --jsonArray \
      --mode upsert --upsertFields _id --quiet 2>&1 | rb_redact_stream >&2 || rc=$?
    if [[ $rc -ne 0 ]]; then
      return "$rc"
    fi
  done
}

# -------------------------------------------------------------------- run
rb_info "checking that both databases are reachable"
if ! ping_relational; then
  RB_RESULT_DETAIL="relational=unreachable"
  rb_exit "$RB_EXIT_FAIL" "cannot reach the relational database ($REL_MASKED); nothing was changed"
fi
if ! ping_documents; then
  RB_RESULT_DETAIL="documents=unreachable"
  rb_exit "$RB_EXIT_FAIL" "cannot reach the document store ($DOC_MASKED); nothing was changed"
fi

case $MODE in
  plan)
    rb_out "plan: seed data set (nothing will be changed)"
    for f in "${SQL_FILES[@]}"; do rb_out "  relational file ${f#"$RB_REPO_ROOT"/}"; done
    for f in "${JSON_FILES[@]}"; do rb_out "  documents  file ${f#"$RB_REPO_ROOT"/}"; done
    rb_out "  loader for documents: $LOADER (upsert by _id)"
    if report_counts "current"; then
      RB_RESULT_DETAIL="seeded=yes"
      rb_out "plan: the data set is already present; apply would upsert the same rows (no change)"
    else
      RB_RESULT_DETAIL="seeded=no"
      rb_out "plan: apply would create the schema if absent and upsert the rows above"
    fi
    ;;
  apply)
    if ! load_relational; then
      RB_RESULT_DETAIL="relational=failed"
      rb_exit "$RB_EXIT_FAIL" "relational load failed and was rolled back; the document store was not touched"
    fi
    if [[ $LOADER == mongoimport ]]; then
      load_documents_mongoimport || rb_exit "$RB_EXIT_FAIL" "document load failed (relational seed was applied; re-running apply is safe)"
    else
      load_documents_mongosh || rb_exit "$RB_EXIT_FAIL" "document load failed (relational seed was applied; re-running apply is safe)"
    fi
    if [[ $HAVE_MONGOSH -eq 0 ]]; then
      rb_warn "mongosh absent: document counts cannot be verified"
    fi
    if report_counts "after apply"; then
      RB_RESULT_DETAIL="verified=yes"
    else
      RB_RESULT_DETAIL="verified=no"
      rb_exit "$RB_EXIT_FAIL" "after apply, some targets hold fewer rows/documents than expected"
    fi
    ;;
  verify)
    if report_counts "verify"; then
      RB_RESULT_DETAIL="verified=yes"
    else
      RB_RESULT_DETAIL="verified=no"
      rb_exit "$RB_EXIT_FAIL" "verify: some targets hold fewer rows/documents than expected"
    fi
    ;;
esac
exit 0
