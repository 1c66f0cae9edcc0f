package runbook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreTimes(t *testing.T) {
	ok := time.Date(2031, 3, 4, 2, 0, 0, 0, time.UTC)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		check     func() error
		wantField string // "" no error
	}{
		{"given a time of year 0 to 9999, then it is kept", func() error { return CheckStoreTime("at", ok) }, ""},
		{"given the zero time, then it is kept", func() error { return CheckStoreTime("at", time.Time{}) }, ""},
		{"given year 10000, then the field is named", func() error { return CheckStoreTime("due", far) }, "due"},
		{"given a year before 0, then the field is named", func() error { return CheckStoreTime("due", before) }, "due"},
		{"given an occurrence with every time in range, then none", func() error {
			return Occurrence{Slot: ok, Window: ok, StartedAt: &ok}.CheckStoreTimes()
		}, ""},
		{"given an occurrence whose window is out of range, then window", func() error {
			return Occurrence{Slot: ok, Window: far}.CheckStoreTimes()
		}, "window"},
		{"given an occurrence whose incident deadline is out of range, then incident_deadline", func() error {
			return Occurrence{Slot: ok, Window: ok, IncidentDeadline: &far}.CheckStoreTimes()
		}, "incident_deadline"},
		{"given a delivery created out of range, then created_at", func() error {
			return Delivery{NextAt: ok, CreatedAt: far}.CheckStoreTimes()
		}, "created_at"},
		{"given a record of a window out of range, then window", func() error {
			return Record{At: ok, Window: before}.CheckStoreTimes()
		}, "window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check()
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, KindInvalid, e.Kind)
			assert.Equal(t, "time_out_of_range", e.Code)
			assert.Equal(t, tt.wantField, e.Args["field"])
		})
	}
}
