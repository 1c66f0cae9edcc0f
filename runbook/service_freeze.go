package runbook

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// MetaTx reads and writes the store's own settings by key (the freezes set
// from chat, the database's creation time).
type MetaTx interface {
	Meta(key string) (string, bool, error)
	SetMeta(key, value string) error
}

// Freeze sets a change freeze from now until until: confirm and run are
// refused until then. Operators and owners of every job may (auth.go); any
// other attempt is refused and audited. A freeze set while another set from
// chat is in force replaces it. It is audited (and so sent to the ITSM
// webhook) and announced in the runbook channel.
func (s *Service) Freeze(ctx context.Context, r Request, until time.Time, reason string) (Freeze, error) {
	reason = s.redact(strings.TrimSpace(reason))
	now := s.Now()
	a := s.freezeActor(ctx, r)
	f := Freeze{Start: now, End: until.UTC(), Reason: reason, Source: FreezeChat, By: r.User}
	var refused error
	switch {
	case !Allowed(a, ActFreeze):
		refused = NewError(KindNotAllowed, "not_allowed", a.refusal(ActFreeze))
	case reason == "":
		refused = NewError(KindInvalid, "freeze_reason_required", nil)
	case !f.End.After(now):
		refused = NewError(KindInvalid, "freeze_in_past", map[string]any{"until": f.End})
	}
	err := s.update(ctx, func(tx Tx) error {
		if fresh, err := s.claim(tx, r); err != nil || !fresh {
			if err == nil {
				err = ErrDuplicate
			}
			return err
		}
		if refused != nil {
			return s.refuseFreeze(tx, r, ActFreeze, refused)
		}
		l, err := readFreezeLog(tx)
		if err != nil {
			return err
		}
		fields := map[string]string{"reason": reason, "from": now.Format(time.RFC3339), "until": f.End.Format(time.RFC3339)}
		for i := range l.Chat {
			if l.Chat[i].Covers(now) { // replaced by the new one
				fields["previous_until"] = l.Chat[i].End.Format(time.RFC3339)
				fields["previous_reason"] = l.Chat[i].Reason
				l.Chat[i].End = now
			}
		}
		l.Chat = append(l.Chat, f)
		return s.saveFreeze(tx, l, Record{At: now, Kind: RecFreeze, Actor: r.User, Envelope: r.Envelope, Fields: fields}, f)
	})
	if err == nil && refused != nil {
		return Freeze{}, refused
	}
	return f, err
}

// Unfreeze lifts every change freeze in force now, those set from chat and
// those the runbook declares (a declared freeze still to come is not
// touched); the same people as Freeze may. It returns the freezes it ended.
func (s *Service) Unfreeze(ctx context.Context, r Request, reason string) ([]Freeze, error) {
	reason = s.redact(strings.TrimSpace(reason))
	now := s.Now()
	a := s.freezeActor(ctx, r)
	var refused error
	switch {
	case !Allowed(a, ActUnfreeze):
		refused = NewError(KindNotAllowed, "not_allowed", a.refusal(ActUnfreeze))
	case reason == "":
		refused = NewError(KindInvalid, "freeze_reason_required", nil)
	}
	var ended []Freeze
	err := s.update(ctx, func(tx Tx) error {
		ended = nil
		if fresh, err := s.claim(tx, r); err != nil || !fresh {
			if err == nil {
				err = ErrDuplicate
			}
			return err
		}
		if refused != nil {
			return s.refuseFreeze(tx, r, ActUnfreeze, refused)
		}
		l, err := readFreezeLog(tx)
		if err != nil {
			return err
		}
		for _, f := range l.effective(s.Runbook().Freezes) {
			if !f.Covers(now) {
				continue
			}
			if f.Source == FreezeRunbook {
				l.Lifted = append(l.Lifted, liftedFreeze{Start: f.Start, End: f.End, At: now, By: r.User})
			}
			ended = append(ended, f)
		}
		for i := range l.Chat {
			if l.Chat[i].Covers(now) {
				l.Chat[i].End, l.Chat[i].Lifted = now, true
			}
		}
		if len(ended) == 0 {
			refused = NewError(KindConflict, "not_frozen", nil)
			return s.refuseFreeze(tx, r, ActUnfreeze, refused)
		}
		var what []string
		for _, f := range ended {
			what = append(what, f.Reason+" (until "+f.End.Format(time.RFC3339)+", "+f.Source+")")
		}
		lifted := ended[len(ended)-1]
		lifted.End, lifted.Lifted, lifted.By = now, true, r.User
		rec := Record{At: now, Kind: RecUnfreeze, Actor: r.User, Envelope: r.Envelope,
			Fields: map[string]string{"reason": reason, "lifted": strings.Join(what, "; ")}}
		return s.saveFreeze(tx, l, rec, lifted)
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return ended, nil
}

// claim records the request id, when it has one; fresh is false for a
// request already processed (nothing more is done for it).
func (s *Service) claim(tx ClaimTx, r Request) (fresh bool, err error) {
	if r.RequestID == "" {
		return true, nil
	}
	return tx.Claim(r.RequestID, s.Now())
}

// refuseFreeze audits a refused freeze or unfreeze.
func (s *Service) refuseFreeze(tx Tx, r Request, act Action, refused error) error {
	e, _ := refused.(*Error)
	rec := Record{At: s.Now(), Kind: RecRefused, Actor: r.User, Envelope: r.Envelope, Fields: map[string]string{"action": string(act), "reason": e.Code}}
	return s.addRecord(tx, 0, &rec)
}

// saveFreeze writes the freeze log, its audit record and the channel's notice.
func (s *Service) saveFreeze(tx Tx, l freezeLog, rec Record, f Freeze) error {
	l.prune(s.Now())
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if err := tx.SetMeta(metaFreezes, string(b)); err != nil {
		return err
	}
	if err := s.addRecord(tx, 0, &rec); err != nil {
		return err
	}
	key := "freeze/" + string(rec.Kind) + "/" + s.Now().Format(time.RFC3339Nano)
	return s.enqueue(tx, SinkChat, key, Notice{Kind: NoticeFreeze, Key: key, Channel: ChannelRunbook, Actor: rec.Actor, Text: rec.Fields["reason"], Freeze: &f, At: s.Now()})
}

// Freezes lists every change freeze known (the runbook's and those set from
// chat, lifted ones ending when they were lifted), by start.
func (s *Service) Freezes(ctx context.Context) ([]Freeze, error) {
	var fs []Freeze
	err := s.store.View(ctx, func(tx Tx) (err error) { fs, err = s.freezesIn(tx); return })
	return fs, err
}

// freezesIn is Freezes inside a transaction.
func (s *Service) freezesIn(tx MetaTx) ([]Freeze, error) {
	l, err := readFreezeLog(tx)
	if err != nil {
		return nil, err
	}
	return l.effective(s.Runbook().Freezes), nil
}

// readFreezeLog reads the freeze log from the store's meta.
func readFreezeLog(tx MetaTx) (freezeLog, error) {
	var l freezeLog
	v, ok, err := tx.Meta(metaFreezes)
	if err != nil || !ok || v == "" {
		return l, err
	}
	return l, json.Unmarshal([]byte(v), &l)
}

// withFreezes sets the freezes Step needs for o: the one in force now and
// the one o's window falls in.
func (s *Service) withFreezes(tx MetaTx, env *StepEnv, o Occurrence) error {
	fs, err := s.freezesIn(tx)
	if err != nil {
		return err
	}
	env.Freeze, env.WindowFreeze = FreezeAt(fs, env.Now), FreezeAt(fs, o.Window)
	return nil
}
