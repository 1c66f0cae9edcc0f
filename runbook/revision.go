package runbook

import "time"

// Revision is the git commit a runbook was read from: the runbook, its scripts
// and everything beside them come from that one commit.
type Revision struct {
	Commit  string    `json:"commit"`            // full SHA
	Author  string    `json:"author"`            // "Name <email>"
	When    time.Time `json:"when"`              // author date
	Subject string    `json:"subject,omitempty"` // first line of the message
}

// Short is the commit's abbreviated SHA (7 characters).
func (r Revision) Short() string {
	if len(r.Commit) > 7 {
		return r.Commit[:7]
	}
	return r.Commit
}

// SetRevision marks rb and every job as read from commit rev.
func (rb *Runbook) SetRevision(rev Revision) {
	rb.Revision = &rev
	for i := range rb.Jobs {
		rb.Jobs[i].Commit = rev.Commit
	}
}

// Commit is the SHA of the commit rb was read from, "" for a local file.
func (rb *Runbook) Commit() string {
	if rb == nil || rb.Revision == nil {
		return ""
	}
	return rb.Revision.Commit
}
