package records

import (
	"fmt"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// reading is what a runbook document puts in force, without line numbers: its
// language, policy, jobs, contacts and problems. Two documents with the same
// reading configure the bot the same way.
func reading(data []byte) string {
	rb, probs := runbook.Parse("runbook.md", data, runbook.ParseOptions{})
	var b strings.Builder
	fmt.Fprintf(&b, "lang %s\npolicy %+v\n", rb.Lang, rb.Policy)
	for _, j := range rb.Jobs {
		zone := j.Window.Location.String()
		j.Line, j.Window.Location = 0, nil
		fmt.Fprintf(&b, "job %+v zone %s\n", j, zone)
	}
	for _, c := range rb.Contacts {
		fmt.Fprintf(&b, "contact %s %s %s\n", c.Name, c.Kind, c.Ref)
	}
	for _, p := range probs {
		m := runbook.Msg{Code: p.Msg.Code, Args: map[string]string{}}
		for k, v := range p.Msg.Args {
			if k != "line" { // a line number quoted inside the problem
				m.Args[k] = v
			}
		}
		fmt.Fprintf(&b, "problem %s\n", m)
	}
	return b.String()
}
