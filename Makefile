# runbook-bot — `make help` lists the targets.

GO          ?= go
BIN         ?= bin/runbook-bot
VERSION     ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X main.version=$(VERSION)
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 60s
TEST_TIMEOUT ?= 20m

.DEFAULT_GOAL := help
.PHONY: help run build deps test lint bench fuzz chaos clean

help: ## List the targets
	@echo 'Usage: make <target> [VAR=value]'
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-8s %s\n", $$1, $$2}'
	@echo
	@echo 'Variables: FUZZTIME=$(FUZZTIME) TEST_TIMEOUT=$(TEST_TIMEOUT) VERSION=$(VERSION)'

run: build ## Build and start the bot: Slack (serve) if both tokens are set in the environment or .env, else the terminal chat (shell)
	@./scripts/run.sh

build: ## Build bin/runbook-bot, version from git describe
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/runbook-bot

deps: ## Install what the tests need when it is missing (Debian packages, npm, Go tools; as root; quick when present)
	@if [ "$$(id -u)" -eq 0 ]; then bash .ci/scripts-deps.sh; \
	else echo "make deps: not root, nothing installed; if tests report missing tools, run: sudo bash .ci/scripts-deps.sh"; fi

test: deps ## Install what the tests need (see deps), then run every test with the race detector (timeout TEST_TIMEOUT, 20m)
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

lint: ## gofmt, go vet, staticcheck and shellcheck
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@files="$$(find scripts -name '*.sh' -type f; echo .ci/run)"; \
		echo shellcheck $$files; shellcheck $$files

bench: ## Run the benchmarks (no tests, ~12 min with the incident path and failover) and print their figures as a Markdown table; raw output in bin/bench.txt
	@mkdir -p bin
	@{ set -x; \
	$(GO) test -run '^$$' -bench 'Parse1000Jobs|Upcoming1000Jobs|RedactLine' -benchmem ./runbook; \
	$(GO) test -run '^$$' -bench 'TimerPrecision' -benchtime=1x -count=3 ./runbook; \
	$(GO) test -run '^$$' -bench . -benchmem ./runbook/runner ./runbook/sqlite ./bot/slack/slacktest; \
	$(GO) test -run '^$$' -bench 'AckLatency' -benchtime=20x -count=3 ./cmd/runbook-bot; \
	$(GO) test -run '^$$' -bench 'Failover' -benchtime=1x -timeout 30m ./cmd/runbook-bot; \
	$(GO) test -run '^$$' -bench 'Startup' -benchtime=5x ./cmd/runbook-bot; \
	$(GO) test -run '^$$' -bench 'IncidentPost|EscalationLateness' -benchtime=1x -timeout 30m ./cmd/runbook-bot; \
	$(GO) test -run '^$$' -bench 'Memory' -benchtime=1x -timeout 30m ./cmd/runbook-bot; \
	$(GO) test -run '^$$' -bench 'DryRunStorage' -benchtime=1x ./cmd/runbook-bot; \
	} 2>&1 | $(GO) run ./internal/benchtable -raw bin/bench.txt

fuzz: ## Run each Fuzz target for FUZZTIME (default 60s) in turn
	@set -e; for pkg in $$($(GO) list ./...); do \
		list="$$($(GO) test -list '^Fuzz' "$$pkg")" || exit 1; \
		for target in $$(echo "$$list" | grep '^Fuzz' || true); do \
			echo "fuzz: $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s "$$pkg"; \
		done; \
	done

chaos: ## Chaos scenarios against the real binary (kill -9, Slack faults, read-only DB, broken runbook; three replicas on PostgreSQL) and their figures; RUNBOOK_CHAOS_LONG=1 for the long form
	@log="$$(mktemp)"; \
		{ $(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run 'TestChaos' -parallel 8 -v ./cmd/runbook-bot/ 2>&1; echo "$$?" > "$$log.rc"; } | tee "$$log"; \
		status="$$(cat "$$log.rc")"; rm -f "$$log.rc"; \
		echo; echo '== chaos figures =='; \
		grep -E 'FIGURES |^\s*--- (PASS|FAIL|SKIP): TestChaos' "$$log" | sed -E 's/^[[:space:]]*//; s/^[a-z_]+\.go:[0-9]+: //'; \
		rm -f "$$log"; exit $$status

clean: ## Remove build output (bin/); data/ and .env are kept
	rm -rf bin/
