-- Dev seed: feature flags per environment.
INSERT INTO app.feature_flags (key, environment_id, enabled) VALUES
    ('new-checkout', 'dev', true),
    ('new-checkout', 'staging', false),
    ('dark-mode', 'dev', true),
    ('dark-mode', 'staging', true),
    ('maintenance-banner', 'dev', false),
    ('maintenance-banner', 'staging', false)
ON CONFLICT (key, environment_id) DO UPDATE SET enabled = EXCLUDED.enabled;
