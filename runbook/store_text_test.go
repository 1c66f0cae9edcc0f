package runbook

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOccurrenceStoreText(t *testing.T) {
	full := Occurrence{ID: 7, Tail: []string{"line 1", "line 2"}, Tickets: &TicketReport{Unavailable: M(TkError, "error", "down")}, Approved: &Terms{Argv: []string{"./x.sh"}, Digest: "d"}}
	tests := []struct {
		name string
		occ  Occurrence
	}{
		{"given an occurrence with a tail, tickets and terms, then they round-trip", full},
		{"given an occurrence with none, then each is empty text and comes back nil", Occurrence{ID: 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := tt.occ.StoreText()
			require.NoError(t, err)
			var got Occurrence
			require.NoError(t, got.SetStoreText(text))
			assert.Equal(t, tt.occ.Tail, got.Tail)
			assert.Equal(t, tt.occ.Tickets, got.Tickets)
			assert.Equal(t, tt.occ.Approved, got.Approved)
		})
	}

	t.Run("given nothing, then each field is empty text", func(t *testing.T) {
		text, err := Occurrence{}.StoreText()
		require.NoError(t, err)
		assert.Equal(t, OccurrenceText{}, text)
	})
	t.Run("given a broken tail, then the error names it", func(t *testing.T) {
		var o Occurrence
		err := o.SetStoreText(OccurrenceText{Tail: "{"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "tail: ")
	})
}
