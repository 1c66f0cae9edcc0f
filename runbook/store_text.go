package runbook

import (
	"encoding/json"
	"fmt"
)

// OccurrenceText is what a store keeps of an occurrence as JSON text: the
// output tail, the ticket report and the approved terms, each "" when there
// is none.
type OccurrenceText struct {
	Tail, Tickets, Approved string
}

// StoreText encodes the occurrence's fields a store keeps as text.
func (o Occurrence) StoreText() (OccurrenceText, error) {
	var t OccurrenceText
	if len(o.Tail) > 0 {
		b, err := json.Marshal(o.Tail)
		if err != nil {
			return t, fmt.Errorf("tail: %w", err)
		}
		t.Tail = string(b)
	}
	if o.Tickets != nil {
		b, err := json.Marshal(o.Tickets)
		if err != nil {
			return t, fmt.Errorf("tickets: %w", err)
		}
		t.Tickets = string(b)
	}
	var err error
	if t.Approved, err = EncodeTerms(o.Approved); err != nil {
		return t, fmt.Errorf("approved: %w", err)
	}
	return t, nil
}

// SetStoreText sets the fields StoreText encodes from what a store kept; an
// error names the field that does not decode.
func (o *Occurrence) SetStoreText(t OccurrenceText) error {
	if t.Tail != "" {
		if err := json.Unmarshal([]byte(t.Tail), &o.Tail); err != nil {
			return fmt.Errorf("tail: %w", err)
		}
	}
	if t.Tickets != "" {
		o.Tickets = new(TicketReport)
		if err := json.Unmarshal([]byte(t.Tickets), o.Tickets); err != nil {
			return fmt.Errorf("tickets: %w", err)
		}
	}
	var err error
	if o.Approved, err = DecodeTerms(t.Approved); err != nil {
		return fmt.Errorf("approved: %w", err)
	}
	return nil
}
