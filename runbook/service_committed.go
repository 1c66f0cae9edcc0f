package runbook

import (
	"context"
	"time"
)

// Committed audits that a record of occurrence occ (0: none known) reached the
// runbook's git repository, fields naming the commit ("commit") and what was
// recorded. It is written once per key, however often it is called: a record
// delivered again after a crash is audited once.
func (s *Service) Committed(ctx context.Context, key string, occ int64, job string, window time.Time, fields map[string]string) error {
	return s.update(ctx, func(tx Tx) error {
		if fresh, err := tx.Claim(key, s.Now()); err != nil || !fresh {
			return err
		}
		r := Record{At: s.Now(), Kind: RecCommitted, Job: job, Window: window, Fields: fields}
		return s.addRecord(tx, occ, &r)
	})
}

// Commits are the commits that hold the records of each occurrence, oldest first.
func (s *Service) Commits(ctx context.Context, occs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	err := s.store.View(ctx, func(tx Tx) error {
		for _, id := range occs {
			recs, err := tx.Records(id)
			if err != nil {
				return err
			}
			for _, r := range recs {
				if r.Kind == RecCommitted && r.Fields["commit"] != "" {
					out[id] = append(out[id], r.Fields["commit"])
				}
			}
		}
		return nil
	})
	return out, err
}

// RecordsToPullRequest says once in the runbook channel that the records go
// to branch and the pull request at url ("" when none could be opened), and why
// (reason: the setting, or what the remote said when it refused a push).
func (s *Service) RecordsToPullRequest(ctx context.Context, branch, url, reason string) error {
	key := "git/records-pull-request/" + branch + "/" + url
	return s.update(ctx, func(tx Tx) error {
		if fresh, err := tx.Claim(key, s.Now()); err != nil || !fresh {
			return err
		}
		n := Notice{Kind: NoticeRecordsPR, Key: key, Channel: ChannelRunbook, Text: url, Lines: []string{branch, s.redact(reason)}, At: s.Now()}
		return s.enqueue(tx, SinkChat, key, n)
	})
}
