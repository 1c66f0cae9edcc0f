-- Reset of the staging application schema. reset-staging.sh runs this file
-- with psql --single-transaction and ON_ERROR_STOP: the drop, the schema and
-- the baseline commit together or not at all.
DROP SCHEMA IF EXISTS app CASCADE;
\ir schema.sql
\ir staging-baseline.sql
