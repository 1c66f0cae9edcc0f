package slack

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSeenIDs(t *testing.T) {
	tests := []struct {
		name   string
		before [][]string // claims made first
		ids    []string
		fresh  bool
	}{
		{name: "first envelope", ids: []string{"envelope:e1", "request:t1"}, fresh: true},
		{name: "redelivered envelope", before: [][]string{{"envelope:e1", "request:t1"}}, ids: []string{"envelope:e1", "request:t1"}, fresh: false},
		{name: "replay under a new envelope id", before: [][]string{{"envelope:e1", "request:t1"}}, ids: []string{"envelope:e2", "request:t1"}, fresh: false},
		{name: "another command", before: [][]string{{"envelope:e1", "request:t1"}}, ids: []string{"envelope:e2", "request:t2"}, fresh: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s seenIDs
			for _, ids := range tt.before {
				s.claim(ids...)
			}
			assert.Equal(t, tt.fresh, s.claim(tt.ids...))
		})
	}
}

func TestSeenIDsForgetsOldestBeyondCapacity(t *testing.T) {
	// Given a full memory
	var s seenIDs
	for i := range seenCap {
		assert.True(t, s.claim(fmt.Sprint("id-", i)))
	}
	// When one more id comes
	assert.True(t, s.claim("newest"))
	// Then only the oldest is forgotten, and the size stays bounded
	assert.True(t, s.claim("id-0"), "the oldest id was forgotten")
	assert.False(t, s.claim("id-2"), "younger ids are remembered")
	assert.False(t, s.claim("newest"))
	assert.Len(t, s.set, seenCap)
}
