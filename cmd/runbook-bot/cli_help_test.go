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
