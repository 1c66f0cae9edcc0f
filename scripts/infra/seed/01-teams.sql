-- Dev seed: teams. Upserts, so that applying twice leaves the same rows.
INSERT INTO app.teams (id, name, slack_channel) VALUES
    ('platform', 'Time de Plataforma', '#platform'),
    ('sre', 'Engenharia de Confiabilidade', '#sre'),
    ('devops', 'DevOps', '#devops'),
    ('payments', 'Payments', '#payments')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, slack_channel = EXCLUDED.slack_channel;
