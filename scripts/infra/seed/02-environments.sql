-- Dev seed: environments.
INSERT INTO app.environments (id, name, kind) VALUES
    ('dev', 'Development', 'dev'),
    ('staging', 'Staging', 'staging')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind;
