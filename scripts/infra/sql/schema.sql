-- Application schema "app": the relational data the dev and staging
-- environments share. Idempotent (IF NOT EXISTS) so that seed-dev-data.sh can
-- apply it on every run; reset-staging.sh drops the schema first (see
-- reset-staging.sql).
CREATE SCHEMA IF NOT EXISTS app;

CREATE TABLE IF NOT EXISTS app.teams (
    id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]*$'),
    name          text NOT NULL,
    slack_channel text CHECK (slack_channel IS NULL OR slack_channel LIKE '#%')
);

CREATE TABLE IF NOT EXISTS app.environments (
    id   text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]*$'),
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('dev', 'staging', 'production'))
);

CREATE TABLE IF NOT EXISTS app.services (
    id      text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]*$'),
    team_id text NOT NULL REFERENCES app.teams (id),
    name    text NOT NULL,
    tier    smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
    repo    text
);

CREATE TABLE IF NOT EXISTS app.feature_flags (
    key            text NOT NULL,
    environment_id text NOT NULL REFERENCES app.environments (id),
    enabled        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (key, environment_id)
);
