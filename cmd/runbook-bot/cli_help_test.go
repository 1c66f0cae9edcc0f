package main

import (
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelp_GivenEverySubcommand_WhenAskedForHelp_ThenItsUsageAndEveryFlagOnStdoutAndExit0(t *testing.T) {
	for _, lang := range []struct{ env, usage, flags string }{
		{"en", "usage: runbook-bot ", "flags:"},
		{"pt-BR", "uso: runbook-bot ", "opções:"},
	} {
		for name, cmd := range commands() {
			for _, args := range [][]string{{"--help"}, {"-h"}} {
				t.Run(lang.env+"/"+name+" "+args[0], func(t *testing.T) {
					// Given the bot's language
					t.Setenv(envLang, lang.env)
					// When the subcommand is asked for its help
					var out, errOut strings.Builder
					code := run(append([]string{name}, args...), strings.NewReader(""), &out, &errOut)
					// Then the help is on stdout, nothing on stderr, exit 0
					require.Equal(t, exitOK, code, "stderr: %s", errOut.String())
					assert.Empty(t, errOut.String())
					assert.Contains(t, out.String(), lang.usage+name)
					assert.NotContains(t, out.String(), "cli.", "every line comes from the catalogue")
					// And every flag the subcommand accepts is named
					var help helpRequested
					require.True(t, errors.As(cmd(args, strings.NewReader(""), &strings.Builder{}, &strings.Builder{}), &help))
					n := 0
					help.fs.VisitAll(func(f *flag.Flag) {
						n++
						assert.Contains(t, out.String(), "  --"+f.Name, "flag %s", f.Name)
					})
					if n > 0 {
						assert.Contains(t, out.String(), lang.flags)
					}
				})
			}
		}
	}
}

func TestHelp_GivenAJobBeforeTheFlag_WhenEvidenceIsAskedForHelp_ThenItsHelp(t *testing.T) {
	t.Setenv(envLang, "en")
	var out, errOut strings.Builder
	code := run([]string{"evidence", "reset-staging", "--help"}, strings.NewReader(""), &out, &errOut)
	assert.Equal(t, exitOK, code, errOut.String())
	assert.Contains(t, out.String(), "--window TIME")
	assert.Contains(t, out.String(), "--log\n")
}

func TestHelp_GivenNoCommand_WhenHelpIsAsked_ThenEveryCommandIsListedInTheBotsLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{{"en", "commands:"}, {"pt-BR", "comandos:"}} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv(envLang, tc.lang)
			var out, errOut strings.Builder
			require.Equal(t, exitOK, run([]string{"help"}, strings.NewReader(""), &out, &errOut))
			assert.Contains(t, out.String(), tc.want)
			assert.NotContains(t, out.String(), "cli.")
			for name := range commands() {
				assert.Contains(t, out.String(), "  runbook-bot "+name, "every command is listed")
			}
			// And help COMMAND is that command's --help
			var one, viaFlag strings.Builder
			require.Equal(t, exitOK, run([]string{"help", "status"}, strings.NewReader(""), &one, &errOut))
			require.Equal(t, exitOK, run([]string{"status", "--help"}, strings.NewReader(""), &viaFlag, &errOut))
			assert.Equal(t, viaFlag.String(), one.String())
		})
	}
}

func TestHelp_GivenABadCommandLine_WhenRun_ThenExit2WithTheProblemAndTheHelpHintInTheBotsLanguage(t *testing.T) {
	tests := []struct {
		lang string
		args []string
		want []string
	}{
		{"en", []string{"status", "--nope"}, []string{"runbook-bot status: unknown flag --nope", "runbook-bot status --help shows its usage and flags."}},
		{"pt-BR", []string{"status", "--nope"}, []string{"runbook-bot status: opção desconhecida --nope", "runbook-bot status --help mostra o uso e as opções."}},
		{"en", []string{"schedule", "--count"}, []string{"flag --count needs a value"}},
		{"pt-BR", []string{"schedule", "extra"}, []string{`argumento inesperado "extra"`}},
		{"pt-BR", []string{"schedule", "--count", "0"}, []string{"--count precisa estar entre 1 e 10000"}},
		{"en", []string{"evidence", "job", "--window", "soon"}, []string{`--window "soon": use RFC 3339`}},
		{"pt-BR", []string{"validate", "a.md", "b.md"}, []string{"no máximo um ARQUIVO"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			// Given the bot's language
			t.Setenv(envLang, tt.lang)
			// When the command line is bad
			var out, errOut strings.Builder
			code := run(tt.args, strings.NewReader(""), &out, &errOut)
			// Then exit 2, the problem and how to get help on stderr
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out.String())
			for _, want := range tt.want {
				assert.Contains(t, errOut.String(), want)
			}
			assert.NotContains(t, errOut.String(), "cli.")
		})
	}
}
