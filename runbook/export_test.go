package runbook

import "context"

// CampaignOnce asks for the clock's lease once, as the service's campaign
// loop does every RenewEvery (tests drive it by hand with a fake clock).
func (s *Service) CampaignOnce(ctx context.Context) { s.campaignOnce(ctx) }

// CheckRuns runs one turn of the loop that beats this replica's runs
// (beating) and cancels those it must stop.
func (s *Service) CheckRuns(ctx context.Context, beating bool) { s.checkRuns(ctx, beating) }

// LiveRuns counts the runs executing on this replica.
func (s *Service) LiveRuns() int {
	n := 0
	s.runs.Range(func(any, any) bool { n++; return true })
	return n
}

// Campaign runs the loop that takes or renews the lease until ctx ends.
func (s *Service) Campaign(ctx context.Context) { s.campaign(ctx) }
