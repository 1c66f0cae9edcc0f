package runbook

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

const durUnit = `(minutos|minuto|minutes|minute|mins|min|horas|hora|hours|hour|h|dias|dia|days|day|d)\b`

var (
	deadlineRE  = regexp.MustCompile(`\b(?:em ate|dentro de|no maximo|within|in at most|at most)\s+(\d{1,6})\s*` + durUnit)
	thresholdRE = regexp.MustCompile(`\b(?:superiores a|superior a|acima de|mais de|over|more than|longer than|above|exceeding)\s+(\d{1,6})\s*` + durUnit)
	leadRE      = regexp.MustCompile(`\b(\d{1,6})\s*` + durUnit + `\s+(?:antes|before|in advance|de antecedencia)\b`)
	channelRE   = regexp.MustCompile(`^#[a-z0-9][a-z0-9._-]*$`)
)

// Titles of the runbook's delay log section, by language: the bot appends the
// delay justifications people type there, so nothing under it is read as policy.
const (
	DelayLogTitlePT = "Registro de atrasos"
	DelayLogTitleEN = "Delay log"
)

// parsePolicy reads the escalation section (incident channel, deadline, delay
// threshold) and the preparation section (confirmation lead), and nothing else:
// what the runbook does not say there falls back to the defaults.
func (p *parser) parsePolicy() {
	pol := &p.rb.Policy
	pol.IncidentChannel, pol.IncidentChannelSource = DefaultIncidentChannel, FromDefault
	pol.IncidentDeadline, pol.IncidentDeadlineSrc = DefaultIncidentDeadline, FromDefault
	pol.DelayThreshold, pol.DelayThresholdSrc = DefaultDelayThreshold, FromDefault
	pol.ConfirmLead, pol.ConfirmLeadSrc = DefaultConfirmLead, FromDefault

	escalation := p.proseIn(func(t string) bool {
		return strings.Contains(t, "escalonamento") || strings.Contains(t, "escalation")
	})
	if ch, ok := p.findChannel(escalation); ok {
		pol.IncidentChannel, pol.IncidentChannelSource = ch, FromRunbook
	}
	if d, ok := p.findDuration(escalation, deadlineRE, ProbDeadlineZero); ok {
		pol.IncidentDeadline, pol.IncidentDeadlineSrc = d, FromRunbook
	}
	if d, ok := p.findDuration(escalation, thresholdRE, ProbThresholdZero); ok {
		pol.DelayThreshold, pol.DelayThresholdSrc = d, FromRunbook
	}
	prep := p.proseIn(func(t string) bool {
		return strings.Contains(t, "preparacao") || strings.Contains(t, "preparation")
	})
	if d, ok := p.findDuration(prep, leadRE, ProbLeadZero); ok {
		pol.ConfirmLead, pol.ConfirmLeadSrc = d, FromRunbook
	}
}

// proseIn returns the prose blocks under a heading whose folded title matches,
// leaving out every block under the delay log heading (at any depth), which
// holds text the bot wrote for users.
func (p *parser) proseIn(match func(folded string) bool) []mdBlock {
	var out []mdBlock
	for _, b := range p.prose {
		if inDelayLog(b.sections) {
			continue
		}
		for _, t := range b.sections {
			if match(t) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// findChannel returns the first backticked "#channel" in the blocks.
func (p *parser) findChannel(blocks []mdBlock) (string, bool) {
	for _, b := range blocks {
		for _, c := range codeSpans(b.spans) {
			if !strings.HasPrefix(c, "#") {
				continue
			}
			if !channelRE.MatchString(c) {
				p.problem(b.line, ProbIncidentChannel, "channel", c)
				return "", false
			}
			return c, true
		}
	}
	return "", false
}

// findDuration returns the first duration re matches in the blocks; what is the code of its problem when it is not more than zero.
func (p *parser) findDuration(blocks []mdBlock, re *regexp.Regexp, what string) (time.Duration, bool) {
	for _, b := range blocks {
		m := re.FindStringSubmatch(Fold(plainText(b.spans)))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		d := time.Duration(n) * unitDuration(m[2])
		if d <= 0 {
			p.problem(b.line, what, "value", m[0])
			return 0, false
		}
		return d, true
	}
	return 0, false
}

// unitDuration converts a folded unit word to its duration.
func unitDuration(u string) time.Duration {
	switch u[0] {
	case 'm':
		return time.Minute
	case 'h':
		return time.Hour
	}
	return 24 * time.Hour
}

// delayLogTitles are the folded titles of the delay log section.
var delayLogTitles = []string{Fold(DelayLogTitlePT), Fold(DelayLogTitleEN)}

// inDelayLog reports whether one of the enclosing headings (folded) is the
// delay log's.
func inDelayLog(sections []string) bool {
	for _, t := range sections {
		for _, d := range delayLogTitles {
			if t == d {
				return true
			}
		}
	}
	return false
}
