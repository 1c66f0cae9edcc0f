-- Baseline data of a freshly reset staging: the reference rows every
-- staging test run expects. Applied by reset-staging.sh right after
-- schema.sql, inside the same transaction.
INSERT INTO app.environments (id, name, kind) VALUES
    ('dev', 'Development', 'dev'),
    ('staging', 'Staging', 'staging')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind;

INSERT INTO app.teams (id, name, slack_channel) VALUES
    ('platform', 'Time de Plataforma', '#platform'),
    ('sre', 'Engenharia de Confiabilidade', '#sre'),
    ('devops', 'DevOps', '#devops')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, slack_channel = EXCLUDED.slack_channel;

INSERT INTO app.feature_flags (key, environment_id, enabled) VALUES
    ('maintenance-banner', 'staging', false)
ON CONFLICT (key, environment_id) DO UPDATE SET enabled = EXCLUDED.enabled;
