# shellcheck shell=bash
# Shared helpers for scripts/infra/*.sh. Sourced, never run.
#
# Conventions every script follows (see docs/scripts.md):
#   - progress and errors on stderr, prefixed with the script's name;
#   - one summary line on stdout at the very end;
#   - exit codes: 0 ok, 1 failure (or refused), 2 usage, 3 missing dependency;
#   - secrets never printed: passwords inside URLs show as ***;
#   - one copy at a time: flock on ${TMPDIR:-/tmp}/runbook-bot.<script>.lock.

# Used by the scripts that source this file.
# shellcheck disable=SC2034
RB_EXIT_OK=0
RB_EXIT_FAIL=1
RB_EXIT_USAGE=2
RB_EXIT_MISSING=3

RB_INFRA_DIR=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)
# shellcheck disable=SC2034
RB_REPO_ROOT=$(cd "$RB_INFRA_DIR/../.." && pwd)
RB_SCRIPT_NAME=${0##*/}
RB_SCRIPT_NAME=${RB_SCRIPT_NAME%.sh}

RB_SECRETS=()
RB_MISSING=()
RB_MODE=""
RB_RESULT_DETAIL=""
RB_EXPECTED_EXIT=""
RB_SUMMARY_ENABLED=0
RB_START_SECONDS=$SECONDS
RB_TMP_DIR=""

# ---------------------------------------------------------------- redaction

# rb_add_secret VALUE...: every later message replaces VALUE with ***.
rb_add_secret() {
  local v
  for v in "$@"; do
    # very short values would mask ordinary words; a password is longer
    if [[ ${#v} -ge 3 ]]; then
      RB_SECRETS+=("$v")
    fi
  done
}

# rb_redact TEXT: prints TEXT with registered secrets, URL passwords and
# password=... parameters masked. Pure Bash (works with PATH stripped).
rb_redact() {
  local s=$1 out="" sec m re
  for sec in "${RB_SECRETS[@]}"; do
    s=${s//"$sec"/***}
  done
  re='([A-Za-z][A-Za-z0-9+.-]*://[^/:@[:space:]]*):([^@/[:space:]]+)@'
  while [[ $s =~ $re ]]; do
    m=${BASH_REMATCH[0]}
    out+="${s%%"$m"*}${BASH_REMATCH[1]}:***@"
    s=${s#*"$m"}
  done
  s=$out$s
  out=""
  re='([Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]=)([^&[:space:]]+)'
  while [[ $s =~ $re ]]; do
    m=${BASH_REMATCH[0]}
    out+="${s%%"$m"*}${BASH_REMATCH[1]}***"
    s=${s#*"$m"}
  done
  printf '%s' "$out$s"
}

# rb_redact_stream: filter stdin to stdout through rb_redact, line by line.
rb_redact_stream() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    printf '%s\n' "$(rb_redact "$line")"
  done
}

# ------------------------------------------------------------------ messages

rb_log() { printf '%s: %s\n' "$RB_SCRIPT_NAME" "$(rb_redact "$*")" >&2; }
rb_info() { rb_log "$@"; }
rb_warn() { rb_log "warning: $*"; }
rb_error() { rb_log "error: $*"; }

# rb_out TEXT: a line of the script's result on stdout (redacted).
rb_out() { printf '%s\n' "$(rb_redact "$*")"; }

# rb_exit CODE [MESSAGE]: leave with a documented exit code.
rb_exit() {
  local code=$1
  shift
  if [[ $# -gt 0 ]]; then
    if [[ $code -eq 0 ]]; then rb_info "$*"; else rb_error "$*"; fi
  fi
  RB_EXPECTED_EXIT=$code
  exit "$code"
}

rb_usage_error() {
  rb_error "$*"
  rb_log "run '$RB_SCRIPT_NAME.sh --help' for usage"
  RB_EXPECTED_EXIT=$RB_EXIT_USAGE
  exit "$RB_EXIT_USAGE"
}

# ------------------------------------------------------------------ options
# Every script takes -h/--help, --mode VALUE (or --mode=VALUE) and --check;
# it lists its modes in RB_MODES and sets its default MODE before its loop.

# rb_common_option ARGS...: takes the option in $1 when it is one every script
# has, setting MODE or CHECK_ONLY; RB_TAKEN is how many arguments it took
# (0 when $1 is none of them: the script's own loop handles it).
rb_common_option() {
  RB_TAKEN=0
  case ${1-} in
    -h | --help)
      usage
      rb_help_exit
      ;;
    --mode)
      [[ $# -ge 2 ]] || rb_usage_error "--mode needs a value ($(_rb_modes_text))"
      MODE=$2
      RB_TAKEN=2
      ;;
    --mode=*)
      MODE=${1#--mode=}
      RB_TAKEN=1
      ;;
    --check)
      CHECK_ONLY=1
      RB_TAKEN=1
      ;;
  esac
}

# rb_check_mode: a usage error unless MODE is one of RB_MODES; then RB_MODE
# is the mode the summary line reports (check under --check).
rb_check_mode() {
  local m
  # shellcheck disable=SC2153 # RB_MODES is set by the script before its loop
  for m in "${RB_MODES[@]}"; do
    if [[ $MODE == "$m" ]]; then
      RB_MODE=$MODE
      if [[ $CHECK_ONLY -eq 1 ]]; then RB_MODE=check; fi
      return 0
    fi
  done
  rb_usage_error "unknown mode '$MODE' (expected $(_rb_modes_text))"
}

# _rb_modes_text: RB_MODES as a reader writes them: "plan, apply or verify".
_rb_modes_text() {
  local n=${#RB_MODES[@]} i out=${RB_MODES[0]}
  for ((i = 1; i < n; i++)); do
    if ((i == n - 1)); then out+=" or ${RB_MODES[i]}"; else out+=", ${RB_MODES[i]}"; fi
  done
  printf '%s' "$out"
}

# --------------------------------------------------------- exit and cleanup

_rb_on_err() {
  local rc=$1 line=$2 cmd=$3
  rb_error "command failed (exit $rc) at line $line: $cmd"
}

_rb_on_exit() {
  local rc=$?
  trap - ERR
  if [[ -n $RB_TMP_DIR && -d $RB_TMP_DIR ]]; then
    rm -rf -- "$RB_TMP_DIR" 2>/dev/null || true
  fi
  # Any exit that did not go through rb_exit is an unexpected failure:
  # map it to 1 so a tool's own exit code (psql's 2 or 3, say) never
  # reads as "usage" or "missing dependency".
  if [[ $rc -ne 0 && $rc != "$RB_EXPECTED_EXIT" ]]; then
    rc=$RB_EXIT_FAIL
  fi
  if [[ $RB_SUMMARY_ENABLED -eq 1 ]]; then
    local result=ok
    case $rc in
      0) result=ok ;;
      2) result=usage-error ;;
      3) result=missing-dependency ;;
      *) result=failed ;;
    esac
    rb_out "summary: $RB_SCRIPT_NAME mode=${RB_MODE:-none} result=$result exit=$rc duration=$((SECONDS - RB_START_SECONDS))s${RB_RESULT_DETAIL:+ $RB_RESULT_DETAIL}"
  fi
  exit "$rc"
}

# rb_init: install traps and turn the summary line on. Call once, right
# after sourcing.
rb_init() {
  RB_SUMMARY_ENABLED=1
  trap '_rb_on_err $? $LINENO "$BASH_COMMAND"' ERR
  trap _rb_on_exit EXIT
  trap 'rb_error "interrupted"; RB_EXPECTED_EXIT=1; exit 1' INT TERM HUP
}

# rb_help_exit: leave after --help, without a summary line.
rb_help_exit() {
  RB_SUMMARY_ENABLED=0
  exit 0
}

# rb_tmpdir: a private temp dir removed at exit (path in RB_TMP_DIR).
rb_tmpdir() {
  if [[ -z $RB_TMP_DIR ]]; then
    RB_TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/runbook-bot.$RB_SCRIPT_NAME.XXXXXX")
    chmod 700 "$RB_TMP_DIR"
  fi
}

# ---------------------------------------------------------------------- lock

# rb_lock: take the script's lock or leave with exit 1 when another copy
# holds it. The lock is released when the process exits.
rb_lock() {
  local dir=${TMPDIR:-/tmp}
  RB_LOCK_FILE="$dir/runbook-bot.$RB_SCRIPT_NAME.lock"
  if ! command -v flock >/dev/null 2>&1; then
    rb_exit "$RB_EXIT_MISSING" "missing dependency: flock (util-linux)"
  fi
  if ! exec {RB_LOCK_FD}>>"$RB_LOCK_FILE"; then
    rb_exit "$RB_EXIT_FAIL" "cannot open lock file $RB_LOCK_FILE"
  fi
  if ! flock -n "$RB_LOCK_FD"; then
    rb_exit "$RB_EXIT_FAIL" "another copy of $RB_SCRIPT_NAME is running (lock $RB_LOCK_FILE held); nothing done"
  fi
}

# -------------------------------------------------------------- dependencies

rb_need_cmd() {
  if ! command -v "$1" >/dev/null 2>&1; then
    RB_MISSING+=("command '$1'${2:+ ($2)}")
  fi
}

# rb_need_any CMD...: at least one of them on PATH.
rb_need_any() {
  local c names=""
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then return 0; fi
    names+="${names:+ or }'$c'"
  done
  RB_MISSING+=("command $names")
}

rb_need_env() {
  if [[ -z ${!1:-} ]]; then
    RB_MISSING+=("environment variable $1 (unset or empty)")
  fi
}

rb_need_path() {
  if [[ ! -e $1 ]]; then
    RB_MISSING+=("path $1${2:+ ($2)}")
  fi
}

# rb_report_missing: exit 3 listing what is missing, or return when nothing is.
rb_report_missing() {
  local m
  if [[ ${#RB_MISSING[@]} -eq 0 ]]; then
    return 0
  fi
  rb_error "missing dependencies (${#RB_MISSING[@]}):"
  for m in "${RB_MISSING[@]}"; do
    rb_log "  - $m"
  done
  RB_RESULT_DETAIL="missing=${#RB_MISSING[@]}"
  RB_EXPECTED_EXIT=$RB_EXIT_MISSING
  exit "$RB_EXIT_MISSING"
}

# ---------------------------------------------------------------------- URLs

_rb_pct_decode() {
  local s=$1
  if [[ $s == *%* ]]; then
    s=${s//\\/\\\\}
    printf '%b' "${s//%/\\x}"
  else
    printf '%s' "$s"
  fi
}

# rb_parse_url PREFIX URL: sets PREFIX_SCHEME, PREFIX_USER, PREFIX_HOST (host
# list, lowercased), PREFIX_DB (path without '/'), PREFIX_QUERY,
# PREFIX_PASSWORD (decoded), PREFIX_NOPASS (URL without its password) and
# PREFIX_MASKED (URL with *** for the password); registers the password as
# a secret. Returns 1 when URL is not scheme://...
rb_parse_url() {
  local prefix=$1 url=$2 scheme rest authority userinfo="" hostport path="" query="" user="" pass="" has_pass=0
  if [[ ! $url =~ ^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$ ]]; then
    return 1
  fi
  scheme=${BASH_REMATCH[1]}
  rest=${BASH_REMATCH[2]}
  authority=${rest%%[/?]*}
  rest=${rest:${#authority}}
  if [[ $rest == /* ]]; then
    path=${rest%%\?*}
    path=${path#/}
  fi
  if [[ $rest == *\?* ]]; then
    query=${rest#*\?}
  fi
  if [[ $authority == *@* ]]; then
    userinfo=${authority%@*}
    hostport=${authority##*@}
    if [[ $userinfo == *:* ]]; then
      user=${userinfo%%:*}
      pass=${userinfo#*:}
      has_pass=1
    else
      user=$userinfo
    fi
  else
    hostport=$authority
  fi
  if [[ $has_pass -eq 1 ]]; then
    rb_add_secret "$pass" "$(_rb_pct_decode "$pass")"
  fi
  printf -v "${prefix}_SCHEME" '%s' "$scheme"
  printf -v "${prefix}_USER" '%s' "$(_rb_pct_decode "$user")"
  printf -v "${prefix}_PASSWORD" '%s' "$(_rb_pct_decode "$pass")"
  printf -v "${prefix}_HAS_PASSWORD" '%s' "$has_pass"
  printf -v "${prefix}_HOST" '%s' "${hostport,,}"
  printf -v "${prefix}_DB" '%s' "$(_rb_pct_decode "$path")"
  printf -v "${prefix}_QUERY" '%s' "$query"
  local base="$scheme://${user:+$user@}$hostport${path:+/$path}${query:+?$query}"
  printf -v "${prefix}_NOPASS" '%s' "$base"
  if [[ $has_pass -eq 1 ]]; then
    printf -v "${prefix}_MASKED" '%s' "$scheme://$user:***@$hostport${path:+/$path}${query:+?$query}"
  else
    printf -v "${prefix}_MASKED" '%s' "$base"
  fi
}

# -------------------------------------------------------------------- psql

# rb_parse_db_urls REL_VAR DOC_VAR: parses the relational (postgresql://) and
# document (mongodb://) URLs held by the two variables into REL_* and DOC_*
# (rb_parse_url); a usage error when either is not such a URL or when the
# document URL names no database.
rb_parse_db_urls() {
  local rel=$1 doc=$2
  rb_parse_url REL "${!rel}" || rb_usage_error "$rel is not a URL (postgresql://...)"
  rb_parse_url DOC "${!doc}" || rb_usage_error "$doc is not a URL (mongodb://...)"
  case ${REL_SCHEME,,} in
    postgres | postgresql) ;;
    *) rb_usage_error "$rel must start with postgresql:// (got $REL_SCHEME://)" ;;
  esac
  case ${DOC_SCHEME,,} in
    mongodb | mongodb+srv) ;;
    *) rb_usage_error "$doc must start with mongodb:// (got $DOC_SCHEME://)" ;;
  esac
  [[ -n $DOC_DB ]] || rb_usage_error "$doc names no database (mongodb://host/DATABASE)"
}

# rb_psql PREFIX [psql args...]: run psql against the URL parsed into PREFIX
# (see rb_parse_url), with the password passed through PGPASSWORD (never on
# the command line), ON_ERROR_STOP, no psqlrc. stdout and stderr redacted.
rb_psql() {
  local prefix=$1
  shift
  local nopass_var="${prefix}_NOPASS" pass_var="${prefix}_PASSWORD" has_var="${prefix}_HAS_PASSWORD"
  local rc=0 out err
  local -x PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
  rb_tmpdir
  out="$RB_TMP_DIR/psql.out"
  err="$RB_TMP_DIR/psql.err"
  if [[ ${!has_var} -eq 1 ]]; then
    PGPASSWORD=${!pass_var} PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10} PGAPPNAME="runbook-$RB_SCRIPT_NAME" \
      psql -X -q -v ON_ERROR_STOP=1 -d "${!nopass_var}" "$@" >"$out" 2>"$err" || rc=$?
  else
    PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10} PGAPPNAME="runbook-$RB_SCRIPT_NAME" \
      psql -X -q -v ON_ERROR_STOP=1 -d "${!nopass_var}" "$@" >"$out" 2>"$err" || rc=$?
  fi
  rb_redact_stream <"$out"
  if [[ -s $err ]]; then
    rb_redact_stream <"$err" | while IFS= read -r l; do printf '%s: psql: %s\n' "$RB_SCRIPT_NAME" "$l" >&2; done
  fi
  return "$rc"
}

# ----------------------------------------------------------------- mongosh

# rb_mongosh URL JSFILE: run a mongosh script with the connection URL in the
# environment (RB_MONGO_URL, never on the command line). Extra environment
# for the script is passed by the caller with `VAR=... rb_mongosh ...`.
rb_mongosh() {
  local url=$1 js=$2 rc=0 out err
  rb_tmpdir
  out="$RB_TMP_DIR/mongosh.out"
  err="$RB_TMP_DIR/mongosh.err"
  if [[ $url != *serverSelectionTimeoutMS=* ]]; then
    if [[ $url == *\?* ]]; then url+="&"; else
      # mongodb://host/db needs the '/' before '?'
      local after=${url#*://}
      if [[ $after != */* ]]; then url+="/"; fi
      url+="?"
    fi
    url+="serverSelectionTimeoutMS=${MONGO_TIMEOUT_MS:-10000}"
  fi
  RB_MONGO_URL=$url mongosh --nodb --quiet --norc --file "$js" >"$out" 2>"$err" || rc=$?
  rb_redact_stream <"$out"
  if [[ -s $err ]]; then
    rb_redact_stream <"$err" | while IFS= read -r l; do printf '%s: mongosh: %s\n' "$RB_SCRIPT_NAME" "$l" >&2; done
  fi
  return "$rc"
}

# ---------------------------------------------------------------- prompting

# rb_confirm PROMPT: ask on the terminal; 0 when the answer is "yes".
# Returns 2 when there is no terminal to ask on.
rb_confirm() {
  local answer=""
  if [[ ! -t 0 ]]; then
    return 2
  fi
  printf '%s: %s [type yes]: ' "$RB_SCRIPT_NAME" "$1" >&2
  IFS= read -r answer || return 1
  [[ $answer == yes ]]
}

# ------------------------------------------------------------------- misc

# rb_join SEP ITEM...: print items joined by SEP.
rb_join() {
  local sep=$1 out="" item
  shift
  for item in "$@"; do
    out+="${out:+$sep}$item"
  done
  printf '%s' "$out"
}

# rb_seed_collections: the application's document collections, one per
# scripts/infra/seed/<collection>.json file.
rb_seed_collections() {
  local f
  for f in "$RB_INFRA_DIR"/seed/*.json; do
    [[ -e $f ]] || continue
    f=${f##*/}
    printf '%s\n' "${f%.json}"
  done
}
