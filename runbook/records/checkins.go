package records

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Entry is one execution as recorded in the check-ins file.
type Entry struct {
	Key         string         // unique per execution, e.g. "42-1" (occurrence id - attempt); letters, digits and ._:- only
	Job         string         // job id
	Window      time.Time      // the occurrence's window, shown in Zone and in UTC
	Zone        *time.Location // the job's zone; nil: times are shown in UTC only
	Result      string         // succeeded | failed | cancelled (state names), shown translated
	Reason      string         // failure reason (exit, timeout, interrupted, preflight, cancelled, start), optional
	Date        time.Time      // when the execution finished
	Duration    time.Duration  // how long it ran
	ExitCode    *int           // nil when the script never exited (pre-flight failure, interruption)
	ApprovedBy  string         // Slack user ID(s) or display text; written as given
	RunBy       string         // Slack user ID or display text; written as given
	IncidentRef string         // incident id or URL, when recorded
	Learnings   string         // what the runner learnt, when given
	DryRun      bool           // the script ran in its plan/validate mode
}

// Checkins writes entries into the observability check-ins Markdown file.
type Checkins struct {
	Path string       // e.g. docs/observabilidade/check-ins.md
	Lang runbook.Lang // language of headings, labels and results
}

// Put adds e to the file, or replaces the entry with the same Key in place.
func (c *Checkins) Put(e Entry) error {
	if err := checkEntry(e); err != nil {
		return err
	}
	if c.Path == "" {
		return errors.New("records: no check-ins file configured")
	}
	writeMu.Lock()
	defer writeMu.Unlock()

	t, err := load(c.Path, true)
	if err != nil {
		return err
	}
	out, err := PutEntry(t.data, c.Lang, e)
	if err != nil {
		return err
	}
	if t.exists && bytes.Equal(out, t.data) {
		return nil
	}
	return t.store(out)
}

// checkEntry refuses an entry that cannot be written.
func checkEntry(e Entry) error {
	if !validKey(e.Key) {
		return fmt.Errorf("records: invalid check-in key %q", e.Key)
	}
	if strings.TrimSpace(e.Job) == "" {
		return errors.New("records: check-in without a job")
	}
	return nil
}

// PutEntry returns the check-ins document data (nil or empty: a new one) with e
// added, or with the entry of the same Key replaced in place; the rest is kept
// byte for byte. Putting the same entry again returns data unchanged.
func PutEntry(data []byte, lang runbook.Lang, e Entry) ([]byte, error) {
	if err := checkEntry(e); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		data = []byte(checkinsHeader(lang))
	}
	nl := newline(data)
	block := []byte(strings.ReplaceAll(renderEntry(lang, e), "\n", nl))

	var out []byte
	if start, end, ok := findEntry(data, e.Key); ok {
		out = make([]byte, 0, len(data)-(end-start)+len(block))
		out = append(out, data[:start]...)
		out = append(out, block...)
		out = append(out, data[end:]...)
	} else {
		out = make([]byte, 0, len(data)+len(block)+4)
		out = append(out, data...)
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, nl...)
		}
		if !bytes.HasSuffix(out, []byte(nl+nl)) {
			out = append(out, nl...)
		}
		out = append(out, block...)
	}
	return out, nil
}

// HasEntry reports whether data holds the check-in entry with key.
func HasEntry(data []byte, key string) bool {
	_, _, ok := findEntry(data, key)
	return ok
}

// validKey reports whether k can be written inside a marker comment.
func validKey(k string) bool {
	if k == "" || len(k) > 128 {
		return false
	}
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '.', r == '_', r == ':', r == '-':
		default:
			return false
		}
	}
	return true
}

// Markers delimit an entry: the opening one ends the entry's heading line, the
// closing one is the entry's last line.
func openMarker(key string) string  { return "<!-- runbook-bot:checkin " + key + " -->" }
func closeMarker(key string) string { return "<!-- /runbook-bot:checkin " + key + " -->" }

// findEntry locates the block of the entry with key: from the start of its
// heading line to the end of its closing marker line (line ending included).
// Without a closing marker (edited by hand) the block ends before the next
// heading of level 3 or less, or at the end of the file, trailing blank lines
// excluded.
func findEntry(data []byte, key string) (start, end int, ok bool) {
	open, closing := openMarker(key), closeMarker(key)
	start = -1
	for off := 0; off < len(data); {
		lineEnd, next := lineAt(data, off)
		line := strings.TrimSpace(string(data[off:lineEnd]))
		if start < 0 {
			if strings.HasPrefix(line, "#") && strings.HasSuffix(line, open) {
				start = off
				end = next
			}
		} else {
			if line == closing {
				return start, next, true
			}
			if headingLevel(line) > 0 && headingLevel(line) <= 3 {
				return start, end, true
			}
			if line != "" {
				end = next
			}
		}
		off = next
	}
	if start < 0 {
		return 0, 0, false
	}
	return start, end, true
}

// lineAt returns the end of the line starting at off (before its "\n" or
// "\r\n") and the offset of the next line.
func lineAt(data []byte, off int) (lineEnd, next int) {
	i := bytes.IndexByte(data[off:], '\n')
	if i < 0 {
		return len(data), len(data)
	}
	lineEnd, next = off+i, off+i+1
	if lineEnd > off && data[lineEnd-1] == '\r' {
		lineEnd--
	}
	return lineEnd, next
}

// headingLevel returns the level of an ATX heading line (already trimmed of
// its indentation), or 0 when the line is not one.
func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0
	}
	if n < len(line) && line[n] != ' ' && line[n] != '\t' {
		return 0
	}
	return n
}

// checkinsHeader is the top of a new check-ins file.
func checkinsHeader(lang runbook.Lang) string {
	if lang == runbook.LangEN {
		return "# Observability check-ins\n\n" +
			"One entry per runbook execution, written by runbook-bot; the incident reference and the learnings are added to the same entry when recorded.\n"
	}
	return "# Check-ins de observabilidade\n\n" +
		"Uma entrada por execução do runbook, escrita pelo runbook-bot; a referência do incidente e os aprendizados são acrescentados à mesma entrada quando registrados.\n"
}

// labels of the entry's fields, in order.
type labels struct {
	date, job, window, result, duration, exit, approved, run, incident, learnings string
}

var checkinLabels = map[runbook.Lang]labels{
	runbook.LangPT: {"Data", "Job", "Janela", "Resultado", "Duração", "Código de saída", "Confirmado por", "Executado por", "Incidente", "Aprendizados"},
	runbook.LangEN: {"Date", "Job", "Window", "Result", "Duration", "Exit code", "Confirmed by", "Run by", "Incident", "Learnings"},
}

var resultNames = map[runbook.Lang]map[string]string{
	runbook.LangPT: {"succeeded": "sucesso", "failed": "falhou", "cancelled": "cancelado"},
	runbook.LangEN: {"succeeded": "succeeded", "failed": "failed", "cancelled": "cancelled"},
}

var reasonNames = map[runbook.Lang]map[string]string{
	runbook.LangPT: {
		"exit": "código de saída diferente de zero", "timeout": "tempo esgotado",
		"interrupted": "interrompida (o bot parou durante a execução)", "preflight": "a verificação pré-execução falhou",
		"cancelled": "cancelada", "start": "não foi possível iniciar o script",
		"replica_lost": "perdida (a réplica que a executava parou de responder)",
	},
	runbook.LangEN: {
		"exit": "non-zero exit code", "timeout": "timed out",
		"interrupted": "interrupted (the bot stopped while it ran)", "preflight": "pre-flight failed",
		"cancelled": "cancelled", "start": "could not start the script",
		"replica_lost": "lost (the replica running it stopped answering)",
	},
}

// langOf returns a supported language, pt-BR by default.
func langOf(l runbook.Lang) runbook.Lang {
	if l == runbook.LangEN {
		return l
	}
	return runbook.LangPT
}

// translate returns the name of key in table, or key made safe when unknown.
func translate(table map[string]string, key string) string {
	k := strings.ToLower(strings.TrimSpace(key))
	if s, ok := table[k]; ok {
		return s
	}
	return field(key)
}

// field makes user text safe for one line of the entry.
func field(s string) string {
	s = inline(s)
	if strings.HasPrefix(s, "#") {
		s = `\` + s
	}
	return s
}

// duration formats d as people read it, to the second (to the millisecond
// under one second): "11 ms", "40 s", "3 min 12 s", "1 h 5 min 3 s".
func duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return strconv.Itoa(int(d.Round(time.Millisecond)/time.Millisecond)) + " ms"
	}
	d = d.Round(time.Second)
	var parts []string
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "min"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			parts = append(parts, strconv.Itoa(int(n))+" "+u.name)
			d -= n * u.d
		}
	}
	return strings.Join(parts, " ")
}

// renderEntry renders e as its Markdown block, "\n"-terminated lines.
func renderEntry(lang runbook.Lang, e Entry) string {
	lang = langOf(lang)
	lb := checkinLabels[lang]
	result := translate(resultNames[lang], e.Result)
	if e.DryRun {
		if lang == runbook.LangEN {
			result += " (dry run)"
		} else {
			result += " (simulação)"
		}
	}
	resultLine := result
	if r := strings.TrimSpace(e.Reason); r != "" {
		resultLine += " (" + translate(reasonNames[lang], r) + ")"
	}
	exit := "—"
	if e.ExitCode != nil {
		exit = strconv.Itoa(*e.ExitCode)
	}
	job := field(e.Job)

	var b strings.Builder
	fmt.Fprintf(&b, "### %s · %s · %s %s\n\n", When(lang, e.Window, e.Zone, "15:04"), job, orDash(result), openMarker(e.Key))
	item := func(label, value string) { fmt.Fprintf(&b, "- **%s:** %s\n", label, orDash(value)) }
	item(lb.date, When(lang, e.Date, e.Zone, "15:04:05"))
	item(lb.job, job)
	item(lb.window, When(lang, e.Window, e.Zone, "15:04"))
	item(lb.result, resultLine)
	item(lb.duration, duration(e.Duration))
	item(lb.exit, exit)
	item(lb.approved, field(e.ApprovedBy))
	item(lb.run, field(e.RunBy))
	item(lb.incident, field(e.IncidentRef))
	item(lb.learnings, field(e.Learnings))
	b.WriteString("\n" + closeMarker(e.Key) + "\n")
	return b.String()
}
