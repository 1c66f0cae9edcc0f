# syntax=docker/dockerfile:1
#
# runbook-bot container image: the bot plus the tools the runbook's scripts need.
#
# Build from the repository root (the context is the whole repository):
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) \
#     -t runbook-bot:$(git describe --always) .
#
# Run (state in a named volume; tokens from a file kept out of git):
#
#   docker run -d --name runbook-bot --init --env-file /etc/runbook-bot/env \
#     -v runbook-data:/data -p 127.0.0.1:8080:8080 runbook-bot:TAG
#
# --init matters: the bot kills a script's whole process group on cancel and
# timeout, and the orphans of a killed script are re-parented to PID 1, which
# must reap them. See docs/operations.md.
#
# .dockerignore keeps data/, bin/, .env, .git and the database files out of the
# build context. The Kubernetes manifests that run this image are in deploy/.

# GO_IMAGE is the Go toolchain of the build stages (go.mod needs Go 1.26).
ARG GO_IMAGE=golang:1.26-bookworm
# RUNTIME_IMAGE is the base of the final image.
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ------------------------------------------------------------------ build
# build compiles the static runbook-bot binary.
FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/runbook-bot ./cmd/runbook-bot \
 && /out/runbook-bot version

# ------------------------------------------------------------ kustomize
# Debian bookworm ships no usable kubectl (kubernetes-client is 1.20), so the
# Kustomize CLI that scripts/infra/provision-dev.sh accepts for `validate` and
# `plan` is built from the Go module proxy, at the version CI uses
# (.ci/scripts-deps.sh). `apply` needs kubectl: see docs/operations.md.

# kustomize builds the Kustomize CLI.
FROM ${GO_IMAGE} AS kustomize
ARG KUSTOMIZE_VERSION=v5.7.1
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
RUN GOBIN=/out go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" \
 && /out/kustomize version

# ---------------------------------------------------------------- runtime
FROM ${RUNTIME_IMAGE}
ARG MONGOSH_VERSION=2.12.0
ARG UID=10001

# What the runbook's scripts need (docs/scripts.md):
#   bash, flock (util-linux, essential)  all three scripts
#   postgresql-client (psql)             reset-staging, seed-dev-data
#   nodejs + mongosh (npm)               reset-staging, seed-dev-data (Node >= 18.19; bookworm has 18.20)
#   docker.io + docker-compose           provision-dev docker (`docker-compose config`, no engine used)
#   kustomize (build stage above)        provision-dev k8s
#   python3 + python3-yaml               provision-dev's manifest checks
# and for operations: ca-certificates (Slack, ITSM), wget (HEALTHCHECK),
# sqlite3 (online backups of /data/runbook.db, docs/operations.md).
# npm is only needed to install mongosh and is removed afterwards.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
        bash ca-certificates wget sqlite3 python3 python3-yaml \
        postgresql-client \
        docker.io docker-compose \
        nodejs npm; \
    npm install -g --no-audit --no-fund --loglevel=error "mongosh@${MONGOSH_VERSION}"; \
    npm cache clean --force; \
    apt-get purge -y --auto-remove npm; \
    rm -rf /var/lib/apt/lists/* /root/.npm /tmp/*; \
    mongosh --version; psql --version; docker --version; docker-compose version --short; python3 -c 'import yaml'; python3 --version

COPY --from=kustomize /out/kustomize /usr/local/bin/kustomize
COPY --from=build /out/runbook-bot /usr/local/bin/runbook-bot

# A non-root user that owns /data (the SQLite database, run logs, check-ins).
RUN set -eux; \
    useradd --uid "${UID}" --user-group --home-dir /home/runbook --create-home --shell /usr/sbin/nologin runbook; \
    mkdir -p /data; \
    chown runbook:runbook /data; \
    chmod 0750 /data

# The runbook, its scripts and the manifests they check. Owned by root and
# read-only for the bot: the runbook is configuration that lives in git.
WORKDIR /app
COPY scripts/ /app/scripts/
COPY design/ /app/design/
COPY docs/ /app/docs/

# Defaults for a container: state on the volume, HTTP reachable from outside
# the container (metrics, probes). The check-ins go to the volume too: /app is
# read-only for the bot, and a file inside the image would not survive a
# restart. The runbook stays docs/runbook.md under /app (RUNBOOK_FILE and
# RUNBOOK_WORKDIR keep their defaults: relative to /app).
ENV RUNBOOK_DB=/data/runbook.db \
    RUNBOOK_DATA_DIR=/data \
    RUNBOOK_CHECKINS_FILE=/data/check-ins.md \
    RUNBOOK_HTTP_ADDR=0.0.0.0:8080 \
    HOME=/home/runbook

VOLUME /data
EXPOSE 8080
USER runbook:runbook

# /healthz answers while the process is alive. The port follows
# RUNBOOK_HTTP_ADDR (shell form: the port is what follows the last colon).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD wget -q -T 4 -O /dev/null "http://127.0.0.1:${RUNBOOK_HTTP_ADDR##*:}/healthz" || exit 1

ENTRYPOINT ["runbook-bot"]
CMD ["serve"]
