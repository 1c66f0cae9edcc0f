#!/usr/bin/env bash
# reset-staging.sh — reset the staging databases to their baseline.
# See --help and docs/scripts.md.
set -Eeuo pipefail

# shellcheck source=lib/common.sh
source "${BASH_SOURCE[0]%/*}/lib/common.sh"
rb_init

usage() {
  cat <<'EOF'
Usage: scripts/infra/reset-staging.sh [--mode plan|apply] [--yes] [options]

Resets the staging data:
  relational  STAGING_RELATIONAL_URL (psql): drops the application schema
              "app" and recreates it from scripts/infra/sql/schema.sql plus
              the baseline scripts/infra/sql/staging-baseline.sql, all in
              one transaction (scripts/infra/sql/reset-staging.sql);
  documents   STAGING_NOSQL_URL (mongosh): drops the application collections
              (one per scripts/infra/seed/<collection>.json).
Row and document counts are printed before and after. Applying twice leaves
the same state.

Modes:
  apply  (default) reset. Needs a confirmation: --yes, or the environment
         variable RESET_STAGING_CONFIRM=yes (how the scheduled run confirms:
         the owner's approval in the bot is the human confirmation), or an
         answer typed on a terminal. Without any of them it refuses (exit 1)
         and changes nothing.
  plan   show the current counts and what apply would drop; changes nothing

Options:
  --mode MODE                    plan or apply
  --yes                          confirm apply without asking
  --i-know-this-is-not-staging   allow URLs whose host and database name do
                                 not contain "staging" or "stg"
  --check                        check this script's dependencies and exit
                                 (0 or 3)
  -h, --help                     this help

Environment:
  STAGING_RELATIONAL_URL  postgresql://user[:password]@host[:port]/db[?params]
  STAGING_NOSQL_URL       mongodb://[user[:password]@]host[:port]/db[?params]
  RESET_STAGING_CONFIRM   "yes" confirms apply (scheduled, non-interactive runs)
  PGCONNECT_TIMEOUT       seconds to wait for PostgreSQL (default 10)
  MONGO_TIMEOUT_MS        milliseconds to wait for the document store (default 10000)

Safety: each URL's host or database name must contain "staging" or "stg"
(case-insensitive). Both databases are checked to be reachable before
anything changes.

Exit codes: 0 ok, 1 failure or refused (not staging, not confirmed, a
database down, another copy running), 2 usage, 3 missing dependency.
Passwords in URLs are never printed (shown as ***).
EOF
}

RB_MODES=(plan apply)
MODE=apply
CHECK_ONLY=0
YES=0
NOT_STAGING_OK=0
while [[ $# -gt 0 ]]; do
  rb_common_option "$@"
  if ((RB_TAKEN > 0)); then
    shift "$RB_TAKEN"
    continue
  fi
  case $1 in
    --yes | -y)
      YES=1
      shift
      ;;
    --i-know-this-is-not-staging)
      NOT_STAGING_OK=1
      shift
      ;;
    *) rb_usage_error "unknown argument: $1" ;;
  esac
done
rb_check_mode

SQL_DIR="$RB_INFRA_DIR/sql"
MONGO_JS_DIR="$RB_INFRA_DIR/mongo"
APP_SCHEMA=app

# ------------------------------------------------------------ dependencies
rb_need_cmd psql "PostgreSQL client"
rb_need_cmd mongosh "MongoDB shell"
rb_need_env STAGING_RELATIONAL_URL
rb_need_env STAGING_NOSQL_URL
rb_need_cmd flock "util-linux"
rb_need_path "$SQL_DIR/reset-staging.sql" "reset SQL"
rb_need_path "$SQL_DIR/schema.sql" "schema"
rb_need_path "$SQL_DIR/staging-baseline.sql" "baseline"
rb_report_missing
if [[ $CHECK_ONLY -eq 1 ]]; then
  rb_info "all dependencies present: psql, mongosh, STAGING_RELATIONAL_URL, STAGING_NOSQL_URL, reset SQL"
  exit 0
fi

mapfile -t COLLECTIONS < <(rb_seed_collections)
[[ ${#COLLECTIONS[@]} -gt 0 ]] || rb_exit "$RB_EXIT_FAIL" "no application collection known (scripts/infra/seed/*.json)"

# ------------------------------------------------------------------- URLs
rb_parse_db_urls STAGING_RELATIONAL_URL STAGING_NOSQL_URL
[[ -n $REL_DB ]] || rb_usage_error "STAGING_RELATIONAL_URL names no database (postgresql://host/DATABASE)"

looks_staging() {
  local s=${1,,}
  [[ $s == *staging* || $s == *stg* ]]
}
for pair in "STAGING_RELATIONAL_URL|$REL_HOST|$REL_DB|$REL_MASKED" "STAGING_NOSQL_URL|$DOC_HOST|$DOC_DB|$DOC_MASKED"; do
  IFS='|' read -r var host db masked <<<"$pair"
  if ! looks_staging "$host" && ! looks_staging "$db"; then
    if [[ $NOT_STAGING_OK -eq 1 ]]; then
      rb_warn "$var ($masked) does not look like staging; going on because of --i-know-this-is-not-staging"
    else
      RB_RESULT_DETAIL="refused=not-staging"
      rb_exit "$RB_EXIT_FAIL" "refusing: $var ($masked): neither its host nor its database name contains 'staging' or 'stg'; nothing was changed (pass --i-know-this-is-not-staging to override)"
    fi
  fi
done

rb_info "mode=$MODE relational=$REL_MASKED documents=$DOC_MASKED"
rb_lock

# ---------------------------------------------------------------- helpers
relational_counts() {
  rb_psql REL -t -A -F $'\t' -c "
    SELECT format('%I.%I', table_schema, table_name),
      (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint
    FROM information_schema.tables
    WHERE table_schema = '$APP_SCHEMA' AND table_type = 'BASE TABLE'
    ORDER BY 1"
}

document_counts() {
  RB_COLLECTIONS=$(rb_join , "${COLLECTIONS[@]}") rb_mongosh "$STAGING_NOSQL_URL" "$MONGO_JS_DIR/counts.js"
}

# print_counts LABEL: counts of every table of the schema and every
# application collection; sets TOTAL_ROWS and TOTAL_DOCS.
print_counts() {
  local label=$1 rel docs name n
  rel=$(relational_counts)
  docs=$(document_counts)
  TOTAL_ROWS=0
  TOTAL_DOCS=0
  rb_out "$label:"
  if [[ -z $rel ]]; then
    rb_out "  relational: schema $APP_SCHEMA absent or empty"
  fi
  while IFS=$'\t' read -r name n; do
    [[ -n $name ]] || continue
    rb_out "  relational $name: $n rows"
    TOTAL_ROWS=$((TOTAL_ROWS + n))
  done <<<"$rel"
  while IFS=$'\t' read -r name n; do
    [[ -n $name ]] || continue
    if [[ $n == -1 ]]; then
      rb_out "  documents  $name: absent"
    else
      rb_out "  documents  $name: $n documents"
      TOTAL_DOCS=$((TOTAL_DOCS + n))
    fi
  done <<<"$docs"
}

# -------------------------------------------------------------------- run
rb_info "checking that both databases are reachable"
if ! rb_psql REL -t -A -c 'SELECT 1' >/dev/null; then
  RB_RESULT_DETAIL="relational=unreachable"
  rb_exit "$RB_EXIT_FAIL" "cannot reach the relational database ($REL_MASKED); nothing was changed"
fi
if ! rb_mongosh "$STAGING_NOSQL_URL" "$MONGO_JS_DIR/ping.js" >/dev/null; then
  RB_RESULT_DETAIL="documents=unreachable"
  rb_exit "$RB_EXIT_FAIL" "cannot reach the document store ($DOC_MASKED); nothing was changed"
fi

print_counts "before"
BEFORE="rows_before=$TOTAL_ROWS docs_before=$TOTAL_DOCS"

if [[ $MODE == plan ]]; then
  rb_out "plan: apply would, in one transaction, drop schema $APP_SCHEMA of $REL_MASKED and recreate it with its baseline (sql/schema.sql, sql/staging-baseline.sql)"
  rb_out "plan: apply would drop the collections $(rb_join ', ' "${COLLECTIONS[@]}") of $DOC_MASKED"
  rb_out "plan: nothing was changed"
  RB_RESULT_DETAIL=$BEFORE
  exit 0
fi

# ------------------------------------------------------------ confirmation
if [[ $YES -eq 1 ]]; then
  rb_info "confirmed by --yes"
elif [[ ${RESET_STAGING_CONFIRM:-} == yes ]]; then
  rb_info "confirmed by RESET_STAGING_CONFIRM=yes"
else
  crc=0
  rb_confirm "reset staging ($REL_MASKED and $DOC_MASKED)? This deletes its data" || crc=$?
  case $crc in
    0) rb_info "confirmed on the terminal" ;;
    2)
      RB_RESULT_DETAIL="refused=not-confirmed $BEFORE"
      rb_exit "$RB_EXIT_FAIL" "refusing: apply needs a confirmation: --yes, RESET_STAGING_CONFIRM=yes, or an answer on a terminal (there is none); nothing was changed"
      ;;
    *)
      RB_RESULT_DETAIL="refused=declined $BEFORE"
      rb_exit "$RB_EXIT_FAIL" "not confirmed; nothing was changed"
      ;;
  esac
fi

rb_info "relational: dropping and recreating schema $APP_SCHEMA with its baseline (one transaction)"
if ! rb_psql REL --single-transaction -f "$SQL_DIR/reset-staging.sql" >/dev/null; then
  RB_RESULT_DETAIL="relational=failed $BEFORE"
  rb_exit "$RB_EXIT_FAIL" "relational reset failed and was rolled back; the document store was not touched"
fi

rb_info "documents: dropping collections $(rb_join ', ' "${COLLECTIONS[@]}")"
if ! drop_out=$(RB_COLLECTIONS=$(rb_join , "${COLLECTIONS[@]}") rb_mongosh "$STAGING_NOSQL_URL" "$MONGO_JS_DIR/drop.js"); then
  RB_RESULT_DETAIL="documents=failed $BEFORE"
  rb_exit "$RB_EXIT_FAIL" "dropping the collections failed (the relational reset was committed; re-running apply is safe)"
fi
while IFS=$'\t' read -r name what; do
  [[ -n $name ]] && rb_info "documents: $name: $what"
done <<<"$drop_out"

print_counts "after"
RB_RESULT_DETAIL="$BEFORE rows_after=$TOTAL_ROWS docs_after=$TOTAL_DOCS"
exit 0
