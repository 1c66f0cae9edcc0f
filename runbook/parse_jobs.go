package runbook

import (
	"path"
	"regexp"
	"strconv"
	"strings"
)

// parseSchedule turns the schedule table's rows into jobs.
func (p *parser) parseSchedule(s *scheduleTableRef) {
	p.rb.Lang = s.header.lang()
	seen := map[string]int{} // job id → line of first row
	rows := 0
	for _, r := range s.table.rows {
		if rowIsBlank(r) {
			continue
		}
		rows++
		job, ok := p.parseJobRow(s, r)
		if job.ID == "" {
			continue
		}
		if first, dup := seen[job.ID]; dup {
			p.problem(r.line, ProbJobDuplicate, "job", job.ID, "line", strconv.Itoa(first))
			continue
		}
		seen[job.ID] = r.line
		if ok {
			p.rb.Jobs = append(p.rb.Jobs, job)
		}
	}
	if rows == 0 {
		p.problem(s.table.line, ProbScheduleEmpty)
	}
}

func rowIsBlank(r mdRow) bool {
	for _, c := range r.cells {
		if c.text() != "" {
			return false
		}
	}
	return true
}

// parseJobRow reads one schedule row; ok is false when the row has a problem.
// The job's ID is set whenever the script cell was understood.
func (p *parser) parseJobRow(s *scheduleTableRef, r mdRow) (Job, bool) {
	job := Job{Line: r.line, Window: Window{Location: p.opts.DefaultZone}}
	ok, windowOK := true, false

	windowText := ""
	if c, present := s.cell(r, colWindow); present {
		windowText = c.text()
		job.Window, windowOK = p.parseWindow(c)
		ok = windowOK
	}
	if c, present := s.cell(r, colFrequency); present {
		f, good := p.parseFrequency(c, job.Window, windowOK, windowText)
		job.Frequency, ok = f, ok && good
	} else if job.Window.Daily {
		job.Frequency = Daily
	} else {
		job.Frequency = Weekly
	}
	if c, present := s.cell(r, colScript); present {
		cmd, good := p.parseScript(c)
		job.Command, ok = cmd, ok && good
		if good {
			job.ID = jobID(cmd[0])
		}
	}
	if c, present := s.cell(r, colPrimary); present {
		o, good := p.parseOwner(c, primaryRole)
		job.Primary, ok = o, ok && good
	}
	if c, present := s.cell(r, colBackup); present {
		o, good := p.parseOwner(c, backupRole)
		job.Backup, ok = o, ok && good
	}
	if c, present := s.cell(r, colDeps); present {
		job.Checks = parseDependencies(c.spans)
	}
	return job, ok
}

// modeRE matches "(modo X)" or "(mode X)" after the command.
var modeRE = regexp.MustCompile(`(?i)\(\s*(?:modo|mode)\s+([^\s()]+)\s*\)`)

// parseScript reads the script cell: exactly one backticked command, optionally
// followed by "(modo X)" / "(mode X)".
func (p *parser) parseScript(c mdCell) ([]string, bool) {
	codes := codeSpans(c.spans)
	switch {
	case c.text() == "":
		p.problem(c.line, ProbScriptCellEmpty)
		return nil, false
	case len(codes) == 0:
		p.problem(c.line, ProbScriptNotBackticked, "script", c.text())
		return nil, false
	case len(codes) > 1:
		p.problem(c.line, ProbScriptMany, "n", strconv.Itoa(len(codes)))
		return nil, false
	}
	argv := strings.Fields(codes[0])
	if len(argv) == 0 {
		p.problem(c.line, ProbScriptEmpty)
		return nil, false
	}
	var prose strings.Builder
	for _, s := range c.spans {
		if !s.code {
			prose.WriteString(s.text)
		}
	}
	if m := modeRE.FindStringSubmatch(prose.String()); m != nil {
		if ModeFlags(argv) > 0 {
			p.problem(c.line, ProbScriptModeTwice, "script", codes[0], "mode", strings.Trim(m[0], "()"))
			return nil, false
		}
		argv = append(argv, "--mode", m[1])
	}
	if jobID(argv[0]) == "" {
		p.problem(c.line, ProbScriptNoName, "script", argv[0])
		return nil, false
	}
	return argv, true
}

// jobID is the script's file name without its extension.
func jobID(script string) string {
	base := path.Base(strings.ReplaceAll(script, "\\", "/"))
	if base == "." || base == "/" || base == ".." {
		return ""
	}
	if ext := path.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// ownerRole names an owner column by the codes of its problems.
type ownerRole struct{ empty, unclear string }

var (
	primaryRole = ownerRole{ProbPrimaryEmpty, ProbPrimaryUnclear}
	backupRole  = ownerRole{ProbBackupEmpty, ProbBackupUnclear}
)

// parseOwner reads "Team (Person)" or "Person".
func (p *parser) parseOwner(c mdCell, role ownerRole) (Owner, bool) {
	t := c.text()
	if t == "" {
		p.problem(c.line, role.empty)
		return Owner{}, false
	}
	open := strings.Index(t, "(")
	if open < 0 && !strings.Contains(t, ")") {
		p.owners = append(p.owners, ownerName{t, c.line})
		return Owner{Person: t}, true
	}
	if open < 0 || !strings.HasSuffix(t, ")") || strings.Count(t, "(") != 1 || strings.Count(t, ")") != 1 {
		p.problem(c.line, role.unclear, "owner", t)
		return Owner{}, false
	}
	team := strings.TrimSpace(t[:open])
	person := strings.TrimSpace(t[open+1 : len(t)-1])
	if team == "" || person == "" {
		p.problem(c.line, role.unclear, "owner", t)
		return Owner{}, false
	}
	p.owners = append(p.owners, ownerName{team, c.line}, ownerName{person, c.line})
	return Owner{Team: team, Person: person}, true
}
