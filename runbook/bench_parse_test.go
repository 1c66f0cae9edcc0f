package runbook_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// benchDays are the weekday names the generated runbook cycles through.
var benchDays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// benchRunbook generates a runbook document with n jobs: a third daily, the rest
// weekly, windows spread over the day, owned by 50 people in 10 teams, every one
// of them in the Contacts table, and a few dependencies per job.
func benchRunbook(n int) []byte {
	const people, teams = 50, 10
	var b strings.Builder
	b.WriteString("# Generated runbook\n\n## Schedule\n")
	b.WriteString("| Window | Frequency | Script | Primary | Backup | Dependencies |\n| --- | --- | --- | --- | --- | --- |\n")
	for i := range n {
		at := fmt.Sprintf("%02d:%02d", i%24, (i*7)%60)
		window, freq := "Daily "+at+" UTC", "Daily"
		if i%3 != 0 {
			window, freq = benchDays[i%7]+" "+at+" UTC", "Weekly"
		}
		fmt.Fprintf(&b, "| %s | %s | `scripts/infra/job-%04d.sh` (mode apply) | Team %d (Person %d) | Team %d (Person %d) | `bash`, `JOB_%04d_URL`, manifests in `design/` |\n",
			window, freq, i, i%teams, i%people, (i+1)%teams, (i+1)%people, i)
	}
	b.WriteString(`
## Preparation
1. Confirm the windows with the platform team 24h before.

## Contacts
| Name | Slack |
| --- | --- |
`)
	for i := range people {
		fmt.Fprintf(&b, "| Person %d | U%08d |\n", i, i)
	}
	for i := range teams {
		fmt.Fprintf(&b, "| Team %d | S%08d |\n", i, i)
	}
	b.WriteString(`
## Escalation
- Critical failures: alert ` + "`#infra-incident`" + ` at once and open an incident within 15 minutes.
- Delays over 30 minutes: renegotiate with the platform team and record a justification here.
`)
	return []byte(b.String())
}

// parseBenchRunbook parses benchRunbook(n), failing tb on any problem.
func parseBenchRunbook(tb testing.TB, n int) *runbook.Runbook {
	tb.Helper()
	rb, problems := runbook.Parse("generated.md", benchRunbook(n), runbook.ParseOptions{DefaultZone: time.UTC})
	if len(problems) > 0 {
		tb.Fatalf("generated runbook has problems: %v", problems)
	}
	if len(rb.Jobs) != n {
		tb.Fatalf("parsed %d jobs, want %d", len(rb.Jobs), n)
	}
	return rb
}

// BenchmarkParse1000Jobs parses a 1,000-job runbook (what the bot does at
// start-up and on every edit of the file).
func BenchmarkParse1000Jobs(b *testing.B) {
	src := benchRunbook(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := runbook.Parse("generated.md", src, runbook.ParseOptions{DefaultZone: time.UTC}); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/parse")
}

// BenchmarkUpcoming1000Jobs computes the next windows across a 1,000-job
// runbook with their confirmation and reminder times, as `runbook-bot schedule
// --count N` does: N=10 (the default) and N=1000.
func BenchmarkUpcoming1000Jobs(b *testing.B) {
	rb := parseBenchRunbook(b, 1000)
	from := time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)
	reminders := []time.Duration{4 * time.Hour, time.Hour}
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("next=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := rb.Upcoming(from, n, 24*time.Hour, reminders); len(got) != n {
					b.Fatalf("%d slots, want %d", len(got), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
}
