#!/usr/bin/env bash
# Starts the built bot: `serve` (Slack socket mode) when both SLACK_BOT_TOKEN
# and SLACK_APP_TOKEN are set, in the environment or in .env (the environment
# wins, as in the bot itself), else `shell` (the same bot in the terminal).
# Extra arguments go to the bot. BIN overrides the binary (./bin/runbook-bot).
set -euo pipefail

bin=${BIN:-./bin/runbook-bot}
envfile=${ENV_FILE:-.env}

# dotenv_value NAME: the value NAME has in $envfile (last assignment wins),
# unquoted and without an inline comment; empty when absent.
dotenv_value() {
	local name=$1 line value=""
	[ -f "$envfile" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line#"${line%%[![:space:]]*}"}   # left-trim
		line=${line#export }
		case $line in
		"$name"=* | "$name "=*)
			value=${line#*=}
			value=${value#"${value%%[![:space:]]*}"}
			case $value in
			\"*) value=${value#\"}; value=${value%%\"*} ;;
			\'*) value=${value#\'}; value=${value%%\'*} ;;
			*) value=${value%%[[:space:]]#*}; value=${value%"${value##*[![:space:]]}"} ;;
			esac
			;;
		esac
	done <"$envfile"
	printf '%s' "$value"
}

# token NAME: the effective value of NAME (environment first, even when empty).
token() {
	local name=$1
	if [ -n "${!name+set}" ]; then
		printf '%s' "${!name}"
	else
		dotenv_value "$name"
	fi
}

bot=$(token SLACK_BOT_TOKEN)
app=$(token SLACK_APP_TOKEN)
bot=${bot//[[:space:]]/}
app=${app//[[:space:]]/}

if [ -n "$bot" ] && [ -n "$app" ]; then
	echo "run: Slack tokens found: starting '$bin serve' (socket mode)" >&2
	exec "$bin" serve "$@"
fi
# The shell says itself, in the runbook's language, that it runs without Slack.
exec "$bin" shell "$@"
