-- Dev seed: services, each owned by a team from 01-teams.sql.
INSERT INTO app.services (id, team_id, name, tier, repo) VALUES
    ('api-gateway', 'platform', 'API Gateway', 1, 'platform/api-gateway'),
    ('auth', 'platform', 'Authentication', 1, 'platform/auth'),
    ('billing', 'payments', 'Billing', 1, 'payments/billing'),
    ('invoices', 'payments', 'Invoices', 2, 'payments/invoices'),
    ('status-page', 'sre', 'Status page', 2, 'sre/status-page'),
    ('ci-runners', 'devops', 'CI runners', 3, 'devops/ci-runners')
ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, name = EXCLUDED.name,
    tier = EXCLUDED.tier, repo = EXCLUDED.repo;
