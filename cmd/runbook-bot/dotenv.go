package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/joho/godotenv"
)

// loadDotEnv sets, from the .env file at path, every variable that is not
// already in the real environment: the real environment wins. A missing file
// is fine. A malformed file is an error naming the file and the line, never
// the values it holds.
func loadDotEnv(path string) error {
	return loadDotEnvInto(path, os.LookupEnv, os.Setenv)
}

// loadDotEnvInto is loadDotEnv with the environment passed in, for tests.
func loadDotEnvInto(path string, lookup func(string) (string, bool), setenv func(string, string) error) error {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	vars, err := godotenv.UnmarshalBytes(src)
	if err != nil {
		return fmt.Errorf("%s:%d: %s", path, dotEnvErrorLine(src), dotEnvReason(err))
	}
	for k, v := range vars {
		if _, ok := lookup(k); ok {
			continue
		}
		if err := setenv(k, v); err != nil {
			return fmt.Errorf("%s: setting %s: %w", path, k, err)
		}
	}
	return nil
}

// dotEnvErrorLine finds the line godotenv choked on (it does not say): the
// first line from which every longer prefix of the file fails to parse. A
// quoted value spanning lines makes shorter prefixes fail for a while and then
// parse again, so the first failing prefix alone would be wrong.
func dotEnvErrorLine(src []byte) int {
	lines := bytes.SplitAfter(src, []byte("\n"))
	bad := len(lines)
	for n := len(lines); n >= 1; n-- {
		if _, err := godotenv.UnmarshalBytes(bytes.Join(lines[:n], nil)); err == nil {
			break
		}
		bad = n
	}
	return bad
}

var dotEnvCharRE = regexp.MustCompile(`^unexpected character "(.{1,4})" in variable name`)

// dotEnvReason turns godotenv's error, which may quote the rest of the file
// (secrets included), into a message that quotes nothing of the values.
func dotEnvReason(err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unterminated quoted value"):
		return "unterminated quoted value (a quote opened here is never closed)"
	case strings.HasPrefix(msg, "zero length string"):
		return "missing variable name (use NAME=value)"
	}
	if m := dotEnvCharRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unexpected character %q in a variable name (use NAME=value, names of letters, digits and _)", m[1])
	}
	return "cannot be parsed (use NAME=value lines and # comments)"
}
