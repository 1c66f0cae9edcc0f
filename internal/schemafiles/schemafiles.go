// Package schemafiles reads a store's schema migrations: numbered .sql files,
// migrations/NNNN_what.sql, embedded in the store's package. Both stores
// (runbook/sqlite, runbook/postgres) apply them in order, each in its own
// transaction, and record how many they applied.
package schemafiles

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
)

// Dir is the folder of the migrations inside the embedded file system.
const Dir = "migrations"

// Migration is one numbered schema change.
type Migration struct {
	Version int    // 1, 2, …: the schema version once it is applied
	Name    string // the file name, NNNN_what.sql
	SQL     string // the statements, run as one script
}

var nameRE = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

// Read returns the migrations of fsys's folder Dir in order, checking they are
// numbered 1, 2, … without gaps.
func Read(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, Dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		m := nameRE.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %s: not named NNNN_what.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		b, err := fs.ReadFile(fsys, Dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %04d", m.Name, i+1)
		}
	}
	return out, nil
}

// Version is how many migrations fsys holds: the schema version a store of
// this build writes. It panics when Read fails: the files are part of the
// build, and each store's tests read them.
func Version(fsys fs.FS) int {
	ms, err := Read(fsys)
	if err != nil {
		panic(err)
	}
	return len(ms)
}
