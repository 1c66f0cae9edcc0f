package schemafiles

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []Migration
		wantErr string
	}{
		{
			name:  "given files out of order, then they come back numbered",
			files: fstest.MapFS{"migrations/0002_b.sql": file("B"), "migrations/0001_a.sql": file("A")},
			want:  []Migration{{1, "0001_a.sql", "A"}, {2, "0002_b.sql", "B"}},
		},
		{
			name:    "given a gap, then it is an error",
			files:   fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0003_c.sql": file("C")},
			wantErr: "migration 0003_c.sql: expected number 0002",
		},
		{
			name:    "given a file not named NNNN_what.sql, then it is an error",
			files:   fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/notes.txt": file("x")},
			wantErr: "migration file notes.txt: not named NNNN_what.sql",
		},
		{
			name:    "given no folder, then it is an error",
			files:   fstest.MapFS{"other/0001_a.sql": file("A")},
			wantErr: "migrations",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(tt.files)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestVersion(t *testing.T) {
	three := fstest.MapFS{}
	for _, n := range []string{"0001_a.sql", "0002_b.sql", "0003_c.sql"} {
		three["migrations/"+n] = &fstest.MapFile{Data: []byte("SELECT 1;")}
	}
	assert.Equal(t, 3, Version(three), "given three migrations, then version 3")
	assert.Panics(t, func() { Version(fstest.MapFS{"migrations/0002_b.sql": {}}) }, "given a gap, then a panic: the build is broken")
}
