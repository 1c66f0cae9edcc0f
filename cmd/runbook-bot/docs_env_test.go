package main

import (
	"bufio"
	"cmp"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
)

// codeDefaults are the values the bot uses for each variable when nothing is
// set, as LoadConfig applies them: "" for none, "from runbook" where the
// runbook decides.
func codeDefaults(t *testing.T) map[string]string {
	t.Helper()
	c, err := LoadConfig(func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	d := c.Redacted()
	for k, v := range d {
		if v == "unset" || v == "none" || v == "disabled" {
			d[k] = ""
		}
	}
	d[envSlackAPIURL] = c.SlackAPIURL // a URL, shown as set or unset
	d[envGitHubAPIURL] = cmp.Or(c.GitHubAPIURL, github.DefaultAPIURL)
	d[envHTTPAddr] = c.HTTPAddr
	d[envResponders] = strings.Join(c.Responders, ",")

	// The git variables apply once a repository is followed.
	c, err = LoadConfig(func(k string) (string, bool) {
		if k == envGitURL {
			return "https://git.example.com/org/platform.git", true
		}
		return "", false
	})
	require.NoError(t, err)
	g := c.Git
	d[envGitURL], d[envGitBranch], d[envGitPoll] = "", g.Branch, formatDuration(g.Poll)
	d[envGitToken], d[envGitSSHKeyFile], d[envGitKnownHosts] = g.Token, g.SSHKeyFile, g.KnownHosts
	d[envGitAuthor], d[envGitRecords] = g.Author.Name+" <"+g.Author.Email+">", g.Records
	return d
}

// configDocs are the documents with a configuration table, and its header.
var configDocs = map[string]string{
	"../../README.md":    "| Variable | Default | What |",
	"../../docs/spec.md": "| Variable | Default | Accepts |",
}

// configTable reads the configuration table of the document at path:
// variable → its Default cell. The table ends at the first line that is not a row.
func configTable(t *testing.T, path string) (names []string, defaults map[string]string) {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(src), "\n")
	start := slices.Index(lines, configDocs[path])
	require.GreaterOrEqual(t, start, 0, "%s has its configuration table", path)
	defaults = map[string]string{}
	for _, l := range lines[start+2:] {
		if !strings.HasPrefix(l, "| `") {
			break
		}
		cells := strings.Split(l, " | ")
		name := strings.Trim(cells[0], "| `")
		names = append(names, name)
		defaults[name] = cells[1]
	}
	return names, defaults
}

// envExample reads .env.example: the variables it names (commented out, in
// order) → the value of their first example line and the comment above it.
func envExample(t *testing.T) (names []string, values, comments map[string]string) {
	t.Helper()
	f, err := os.Open("../../.env.example")
	require.NoError(t, err)
	defer f.Close()
	line := regexp.MustCompile(`^#\s*((?:RUNBOOK|SLACK)_[A-Z_]+)=(.*)$`)
	values, comments = map[string]string{}, map[string]string{}
	var comment []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := sc.Text()
		m := line.FindStringSubmatch(text)
		switch {
		case m != nil:
			if _, seen := values[m[1]]; !seen {
				names = append(names, m[1])
				values[m[1]] = strings.Trim(m[2], `'"`)
				comments[m[1]] = strings.Join(comment, " ")
			}
			if !strings.HasPrefix(text, "#   ") { // indented examples share the comment above them
				comment = nil
			}
		case strings.HasPrefix(text, "#"):
			comment = append(comment, text)
		default:
			comment = nil
		}
	}
	require.NoError(t, sc.Err())
	return names, values, comments
}

// backticked is the first `value` of a README cell, and whether it has one.
func backticked(cell string) (string, bool) {
	i := strings.Index(cell, "`")
	if i < 0 {
		return "", false
	}
	j := strings.Index(cell[i+1:], "`")
	return cell[i+1 : i+1+j], j >= 0
}

func TestDocsEnv_GivenTheCode_WhenTheReadmeSpecAndEnvExampleAreRead_ThenTheyNameEveryVariableInOrder(t *testing.T) {
	code := append(slices.Clone(configVars), gitVars...)
	for path := range configDocs {
		names, _ := configTable(t, path)
		require.Equal(t, code, names, "%s's configuration table: one unbroken table, every variable the code reads, in its order", path)
	}
	example, _, _ := envExample(t)
	require.Equal(t, code, example, ".env.example: every variable the code reads, in its order")
}

func TestDocsEnv_GivenTheCodesDefaults_WhenTheReadmeSpecAndEnvExampleAreRead_ThenTheySayTheSame(t *testing.T) {
	defaults := codeDefaults(t)
	_, values, comments := envExample(t)
	for path := range configDocs {
		_, cells := configTable(t, path)
		for name, cell := range cells {
			checkDefault(t, path, name, cell, defaults[name], values[name], comments[name])
		}
	}
}

// checkDefault checks the Default cell of a variable's row against the code's
// default, want, and .env.example's example value and comment.
func checkDefault(t *testing.T, path, name, cell, want, example, comment string) {
	t.Run(path+"/"+name, func(t *testing.T) {
		switch v, ok := backticked(cell); {
		case strings.HasPrefix(cell, "from the runbook"):
			require.Equal(t, "from runbook", want, "the document says the runbook decides")
			return
		case strings.HasPrefix(cell, "—"):
			require.Empty(t, want, "the document says none")
			return
		case ok:
			require.Equal(t, want, v, "the document's default")
		default:
			require.Fail(t, "the default is neither a `value`, — nor from the runbook", cell)
		}
		// .env.example shows the default as its example, or says it in the comment.
		if example != want {
			require.Contains(t, comment, "default: "+want, ".env.example: %s=%s is an example; its comment must say the default", name, example)
		}
	})
}
