package runbook

import "context"

// CampaignOnce asks for the clock's lease once, as the service's campaign
// loop does every RenewEvery (tests drive it by hand with a fake clock).
func (s *Service) CampaignOnce(ctx context.Context) { s.campaignOnce(ctx) }
