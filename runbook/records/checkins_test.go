package records

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func intp(i int) *int { return &i }

func sampleEntry(key string) Entry {
	return Entry{
		Key:        key,
		Job:        "seed-dev-data",
		Window:     time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC),
		Zone:       time.FixedZone("-03", -3*3600),
		Result:     "failed",
		Reason:     "exit",
		Date:       time.Date(2026, 12, 4, 22, 3, 12, 0, time.UTC),
		Duration:   3*time.Minute + 12*time.Second,
		ExitCode:   intp(2),
		ApprovedBy: "<@U111>",
		RunBy:      "<@U222>",
	}
}

func TestCheckinsPut_CreatesOrAppends(t *testing.T) {
	const human = "# Check-ins\n\nNotas escritas à mão.\n\n| a | b |\n| - | - |\n| 1 | 2 |"
	tests := []struct {
		name     string
		existing *string // nil: the file does not exist
		mode     os.FileMode
		lang     runbook.Lang
		wantHead string // the file starts with this
	}{
		{name: "given no file when put then file is created with pt header", lang: runbook.LangPT, mode: 0o644,
			wantHead: "# Check-ins de observabilidade\n\nUma entrada"},
		{name: "given no file in en when put then file is created with en header", lang: runbook.LangEN, mode: 0o644,
			wantHead: "# Observability check-ins\n\nOne entry"},
		{name: "given an empty file when put then header and entry are written", existing: new(string), lang: runbook.LangPT, mode: 0o600,
			wantHead: "# Check-ins de observabilidade\n"},
		{name: "given a hand-written file without trailing newline when put then it is kept as a prefix", existing: ptr(human), lang: runbook.LangPT, mode: 0o640,
			wantHead: human + "\n\n### sex 04/12/2026 19:00 (UTC-03) · 22:00 UTC · seed-dev-data · falhou"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "docs", "observabilidade", "check-ins.md")
			if tt.existing != nil {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				writeFile(t, filepath.Dir(path), "check-ins.md", *tt.existing, tt.mode)
			}
			c := &Checkins{Path: path, Lang: tt.lang}

			require.NoError(t, c.Put(sampleEntry("42-1")))

			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(got), tt.wantHead), "got:\n%s", got)
			assert.Equal(t, 1, strings.Count(string(got), openMarker("42-1")))
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, tt.mode, fi.Mode().Perm())
			assert.Equal(t, []string{"check-ins.md"}, dirNames(t, filepath.Dir(path)), "no temporary file left")
		})
	}
}

func ptr(s string) *string { return &s }

func TestCheckinsPut_EntryFormat(t *testing.T) {
	tests := []struct {
		name string
		lang runbook.Lang
		e    Entry
		want string
	}{
		{
			name: "given a failed run in pt-BR when put then labels and result are Portuguese",
			lang: runbook.LangPT, e: sampleEntry("42-1"),
			want: "### sex 04/12/2026 19:00 (UTC-03) · 22:00 UTC · seed-dev-data · falhou <!-- runbook-bot:checkin 42-1 -->\n\n" +
				"- **Data:** sex 04/12/2026 19:03:12 (UTC-03) · 22:03:12 UTC\n" +
				"- **Job:** seed-dev-data\n" +
				"- **Janela:** sex 04/12/2026 19:00 (UTC-03) · 22:00 UTC\n" +
				"- **Resultado:** falhou (código de saída diferente de zero)\n" +
				"- **Duração:** 3 min 12 s\n" +
				"- **Código de saída:** 2\n" +
				"- **Confirmado por:** <@U111>\n" +
				"- **Executado por:** <@U222>\n" +
				"- **Incidente:** —\n" +
				"- **Aprendizados:** —\n\n" +
				"<!-- /runbook-bot:checkin 42-1 -->\n",
		},
		{
			name: "given a successful dry run in en when put then labels are English and empty fields are dashes",
			lang: runbook.LangEN,
			e: Entry{Key: "dry-7", Job: "deploy-staging", Window: time.Date(2026, 12, 5, 9, 30, 0, 0, time.FixedZone("BRT", -3*3600)),
				Result: "succeeded", DryRun: true, ExitCode: intp(0), Duration: 450 * time.Millisecond, RunBy: "<@U9>",
				IncidentRef: "INC-1", Learnings: "all good"},
			want: "### Sat 2026-12-05 12:30 UTC · deploy-staging · succeeded (dry run) <!-- runbook-bot:checkin dry-7 -->\n\n" +
				"- **Date:** —\n" +
				"- **Job:** deploy-staging\n" +
				"- **Window:** Sat 2026-12-05 12:30 UTC\n" +
				"- **Result:** succeeded (dry run)\n" +
				"- **Duration:** 450 ms\n" +
				"- **Exit code:** 0\n" +
				"- **Confirmed by:** —\n" +
				"- **Run by:** <@U9>\n" +
				"- **Incident:** INC-1\n" +
				"- **Learnings:** all good\n\n" +
				"<!-- /runbook-bot:checkin dry-7 -->\n",
		},
		{
			name: "given an unknown result and reason when put then they are written as given",
			lang: runbook.LangEN,
			e:    Entry{Key: "1-1", Job: "j", Result: "weird", Reason: "oom-killed"},
			want: "### — · j · weird <!-- runbook-bot:checkin 1-1 -->\n\n" +
				"- **Date:** —\n- **Job:** j\n- **Window:** —\n- **Result:** weird (oom-killed)\n- **Duration:** —\n" +
				"- **Exit code:** —\n- **Confirmed by:** —\n- **Run by:** —\n- **Incident:** —\n- **Learnings:** —\n\n" +
				"<!-- /runbook-bot:checkin 1-1 -->\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.md")
			c := &Checkins{Path: path, Lang: tt.lang}

			require.NoError(t, c.Put(tt.e))

			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(string(got), "\n\n"+tt.want), "got:\n%s", got)
		})
	}
}

func TestCheckinsPut_ReplacesInPlace(t *testing.T) {
	const before = "# Check-ins de observabilidade\n\nIntro escrita à mão.\n\n"
	const between = "\nNota manual entre entradas: *não mexer*.\n\n"
	const tail = "\n## Outra seção\n\ntexto final sem quebra"
	tests := []struct {
		name   string
		update func(e *Entry)
		want   []string // substrings of the replaced entry
	}{
		{name: "given an entry when learnings are recorded later then the same entry is updated",
			update: func(e *Entry) { e.Learnings = "o seed precisa de mais memória" },
			want:   []string{"- **Aprendizados:** o seed precisa de mais memória\n"}},
		{name: "given an entry when the incident is recorded later then the same entry is updated",
			update: func(e *Entry) { e.IncidentRef = "https://itsm.example/INC-77" },
			want:   []string{"- **Incidente:** https://itsm.example/INC-77\n", "- **Aprendizados:** —\n"}},
		{name: "given an entry when it is put again unchanged (restart) then nothing changes",
			update: func(*Entry) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := &Checkins{Path: filepath.Join(dir, "c.md"), Lang: runbook.LangPT}
			other1, other2 := sampleEntry("41-1"), sampleEntry("43-2")
			other1.Result, other2.Result = "succeeded", "cancelled"
			e := sampleEntry("42-1")
			content := before + renderEntry(runbook.LangPT, other1) + between +
				renderEntry(runbook.LangPT, e) + between + renderEntry(runbook.LangPT, other2) + tail
			writeFile(t, dir, "c.md", content, 0o644)
			oldBlock := renderEntry(runbook.LangPT, e)

			tt.update(&e)
			require.NoError(t, c.Put(e))
			require.NoError(t, c.Put(e)) // and once more, as after a restart

			got, err := os.ReadFile(c.Path)
			require.NoError(t, err)
			want := strings.Replace(content, oldBlock, renderEntry(runbook.LangPT, e), 1)
			assert.Equal(t, want, string(got), "only the entry's block changed, byte for byte")
			assert.Equal(t, 1, strings.Count(string(got), openMarker("42-1")))
			for _, w := range tt.want {
				assert.Contains(t, string(got), w)
			}
		})
	}
}

func TestCheckinsPut_HandEditedEntryWithoutClosingMarker(t *testing.T) {
	// given an entry whose closing marker a person deleted, followed by another entry
	dir := t.TempDir()
	e, next := sampleEntry("42-1"), sampleEntry("43-1")
	broken := strings.Replace(renderEntry(runbook.LangPT, e), "\n"+closeMarker("42-1")+"\n", "", 1)
	content := "# Check-ins\n\n" + broken + "\n\n" + renderEntry(runbook.LangPT, next)
	writeFile(t, dir, "c.md", content, 0o644)
	c := &Checkins{Path: filepath.Join(dir, "c.md"), Lang: runbook.LangPT}

	// when the entry is put again with learnings
	e.Learnings = "ok"
	require.NoError(t, c.Put(e))

	// then the block up to the next entry is replaced and the next entry is intact
	got, err := os.ReadFile(c.Path)
	require.NoError(t, err)
	assert.Equal(t, "# Check-ins\n\n"+renderEntry(runbook.LangPT, e)+"\n\n"+renderEntry(runbook.LangPT, next), string(got))
}

func TestCheckinsPut_HostileText(t *testing.T) {
	tests := []struct {
		name  string
		set   func(e *Entry)
		shows string // text the rendered HTML must show
	}{
		{name: "given learnings with a heading and newlines when put then no heading is forged",
			set:   func(e *Entry) { e.Learnings = "ok\n### fake 2026-01-01 · x · sucesso\n- **Job:** other" },
			shows: "### fake 2026-01-01 · x · sucesso - <strong>Job:</strong> other"},
		{name: "given learnings with a marker when put then no marker is forged",
			set: func(e *Entry) {
				e.Learnings = "x <!-- runbook-bot:checkin 99-1 -->\n<!-- /runbook-bot:checkin 42-1 -->"
			},
			shows: "x &lt;!-- runbook-bot:checkin 99-1 --&gt; &lt;!-- /runbook-bot:checkin 42-1 --&gt;"},
		{name: "given learnings with HTML tags when put then they show as text",
			set:   func(e *Entry) { e.Learnings = "<h2>Escalation</h2><table><tr><td>x</td></tr></table>" },
			shows: "&lt;h2&gt;Escalation&lt;/h2&gt;&lt;table&gt;"},
		{name: "given a Slack broadcast when put then it stays as text",
			set:   func(e *Entry) { e.IncidentRef = "<!channel> INC-9"; e.ApprovedBy = "<@U111>, <@U333>" },
			shows: "&lt;!channel&gt; INC-9"},
		{name: "given a job and result with hostile text when put then the heading stays one heading",
			set:   func(e *Entry) { e.Job = "# evil\r\n## two"; e.Result = "<!-- x" },
			shows: "# evil ## two"},
		{name: "given unicode line separators when put then the field stays on one line",
			set:   func(e *Entry) { e.RunBy = "a\u2028### b\u2029c\x00d\ve" },
			shows: "a ### b c d e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := &Checkins{Path: filepath.Join(dir, "c.md"), Lang: runbook.LangPT}
			e := sampleEntry("42-1")
			tt.set(&e)

			require.NoError(t, c.Put(e))
			e2 := sampleEntry("99-1")
			require.NoError(t, c.Put(e2))
			tt.set(&e)
			require.NoError(t, c.Put(e)) // the forged markers must not be found

			got, err := os.ReadFile(c.Path)
			require.NoError(t, err)
			var headings, html []string
			for _, o := range outline(t, got) {
				switch {
				case regexp.MustCompile(`^h[1-6]:`).MatchString(o):
					headings = append(headings, o)
				default:
					html = append(html, o)
				}
			}
			assert.Len(t, headings, 3, "the title and two entries: %v", headings)
			assert.Equal(t, 1, strings.Count(string(got), openMarker("42-1")))
			assert.Equal(t, 1, strings.Count(string(got), openMarker("99-1")))
			for _, h := range html {
				assert.Regexp(t, `^(html|rawhtml):<!-- /?runbook-bot:checkin (42|99)-1 -->$`, h, "only the bot's own markers are HTML")
			}
			fields := 0
			for _, line := range strings.Split(string(got), "\n")[3:] {
				ok := line == "" || strings.HasPrefix(line, "### ") || strings.HasPrefix(line, "<!-- /runbook-bot:checkin ")
				if strings.HasPrefix(line, "- **") {
					ok = true
					fields++
				}
				assert.True(t, ok, "unexpected line %q", line)
			}
			assert.Equal(t, 20, fields, "every field on one line")
			assert.Contains(t, render(t, got), tt.shows)
		})
	}
}

func TestCheckinsPut_Errors(t *testing.T) {
	tests := []struct {
		name  string
		entry Entry
		mode  os.FileMode
		is    error
	}{
		{name: "given an empty key when put then it is refused", entry: Entry{Job: "j"}, mode: 0o644},
		{name: "given a key that could break the marker when put then it is refused", entry: Entry{Key: "1 -->", Job: "j"}, mode: 0o644},
		{name: "given no job when put then it is refused", entry: Entry{Key: "1-1"}, mode: 0o644},
		{name: "given a read-only file when put then ErrReadOnly", entry: sampleEntry("1-1"), mode: 0o444, is: ErrReadOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "c.md", "# mine\n", tt.mode)
			c := &Checkins{Path: p, Lang: runbook.LangEN}

			err := c.Put(tt.entry)

			require.Error(t, err)
			if tt.is != nil {
				assert.True(t, errors.Is(err, tt.is), "%v", err)
			}
			got, _ := os.ReadFile(p)
			assert.Equal(t, "# mine\n", string(got))
			assert.Equal(t, []string{"c.md"}, dirNames(t, dir))
		})
	}
}

func TestCheckinsPut_CRLFFileKeepsItsLineEndings(t *testing.T) {
	// given a file written with CRLF line endings
	dir := t.TempDir()
	p := writeFile(t, dir, "c.md", "# Check-ins\r\n\r\nintro\r\n", 0o644)
	c := &Checkins{Path: p, Lang: runbook.LangEN}

	// when two puts of the same entry happen
	e := sampleEntry("5-1")
	require.NoError(t, c.Put(e))
	e.Learnings = "later"
	require.NoError(t, c.Put(e))

	// then every new line ends with CRLF and the entry was replaced in place
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "# Check-ins\r\n\r\nintro\r\n\r\n"+strings.ReplaceAll(renderEntry(runbook.LangEN, e), "\n", "\r\n"), string(got))
}

func TestCheckinsPut_ThroughSymlinkKeepsTheLink(t *testing.T) {
	// given the configured path is a symlink to the real file
	dir := t.TempDir()
	real := writeFile(t, dir, "real.md", "# x\n", 0o644)
	link := filepath.Join(dir, "link.md")
	require.NoError(t, os.Symlink(real, link))

	// when an entry is put through the link
	require.NoError(t, (&Checkins{Path: link, Lang: runbook.LangEN}).Put(sampleEntry("1-1")))

	// then the link still points to the file, which got the entry
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink)
	got, err := os.ReadFile(real)
	require.NoError(t, err)
	assert.Contains(t, string(got), openMarker("1-1"))
}

func TestCheckinsPut_Concurrent(t *testing.T) {
	// given ten executions finishing at once
	dir := t.TempDir()
	c := &Checkins{Path: filepath.Join(dir, "c.md"), Lang: runbook.LangPT}
	var wg sync.WaitGroup
	errs := make(chan error, 11)

	// when each puts its entry from its own goroutine (and one of them twice)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := sampleEntry(fmt.Sprintf("%d-1", i))
			errs <- c.Put(e)
			if i == 3 {
				e.Learnings = "again"
				errs <- c.Put(e)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	// then the file holds exactly ten entries, each once
	got, err := os.ReadFile(c.Path)
	require.NoError(t, err)
	assert.Equal(t, 10, strings.Count(string(got), "\n### "))
	for i := range 10 {
		assert.Equal(t, 1, strings.Count(string(got), openMarker(fmt.Sprintf("%d-1", i))))
	}
	assert.Contains(t, string(got), "- **Aprendizados:** again\n")
	assert.Equal(t, []string{"c.md"}, dirNames(t, dir))
}

func TestCheckinsPut_GivenATemporaryFileLeftByAKilledWriter_WhenPut_ThenItIsRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "check-ins.md")
	stale := filepath.Join(dir, ".check-ins.md.tmp-12345")
	require.NoError(t, os.WriteFile(stale, []byte("half an entry"), 0o600))
	c := &Checkins{Path: path, Lang: runbook.LangPT}
	require.NoError(t, c.Put(Entry{Key: "1-1", Job: "seed-dev-data", Result: "succeeded"}))
	left, err := filepath.Glob(filepath.Join(dir, ".*"))
	require.NoError(t, err)
	require.Empty(t, left, "no temporary file is left beside the check-ins")
}

func TestDuration_GivenSpans_ThenTheyReadInUnitsPeopleUse(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "—"},
		{11 * time.Millisecond, "11 ms"},
		{40 * time.Second, "40 s"},
		{90 * time.Second, "1 min 30 s"},
		{3*time.Minute + 12*time.Second + 400*time.Millisecond, "3 min 12 s"},
		{2 * time.Hour, "2 h"},
		{time.Hour + 5*time.Minute + 3*time.Second, "1 h 5 min 3 s"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, duration(tt.d), tt.d.String())
	}
}

func TestWhen_GivenATimeAndAZone_ThenItReadsAsTheLanguageWritesDates(t *testing.T) {
	sp := time.FixedZone("-03", -3*3600)
	at := time.Date(2026, 12, 2, 2, 5, 0, 0, time.UTC)
	tests := []struct {
		lang  runbook.Lang
		t     time.Time
		loc   *time.Location
		clock string
		want  string
	}{
		{runbook.LangPT, at, sp, "15:04", "ter 01/12/2026 23:05 (UTC-03) · 02/12/2026 02:05 UTC"},
		{runbook.LangPT, at.Add(3 * time.Hour), sp, "15:04", "qua 02/12/2026 02:05 (UTC-03) · 05:05 UTC"},
		{runbook.LangPT, at, nil, "15:04:05", "qua 02/12/2026 02:05:00 UTC"},
		{runbook.LangEN, at, sp, "15:04", "Tue 2026-12-01 23:05 UTC-03 · 2026-12-02 02:05 UTC"},
		{runbook.LangEN, time.Time{}, sp, "15:04", "—"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, When(tt.lang, tt.t, tt.loc, tt.clock))
	}
}
