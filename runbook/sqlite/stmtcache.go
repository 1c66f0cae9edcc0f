package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// maxStmts bounds the statements cached per pool (queries built with a
// variable number of parameters have many texts; past the bound they are
// parsed at each use, as before).
const maxStmts = 128

// stmtCache keeps a pool's statements prepared: without it SQLite parses and
// plans every statement at each run, which was the largest part of the CPU of
// a short transaction after the commit itself. A statement seen for the first
// time runs unprepared and is prepared before the next transaction on the pool
// begins, never inside one: the writer pool has a single connection, held by
// the transaction. Connections of the read pool prepare a cached statement the
// first time they run it (database/sql keeps it per connection).
type stmtCache struct {
	pool *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt // a nil value: preparing failed, not tried again
	want []string             // seen, not yet prepared
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for q, or nil (and notes q for preparing).
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[q]
	if !ok && len(c.m)+len(c.want) < maxStmts && !slices.Contains(c.want, q) {
		c.want = append(c.want, q)
	}
	return st
}

// prepare prepares the statements noted since the last call. A statement whose
// preparation fails is run unprepared from then on (its error, if any, comes
// from running it); one cut short by ctx is noted again at its next use.
func (c *stmtCache) prepare(ctx context.Context) {
	c.mu.Lock()
	want := c.want
	c.want = nil
	c.mu.Unlock()
	for _, q := range want {
		st, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			st = nil
		}
		c.mu.Lock()
		if _, dup := c.m[q]; dup && st != nil {
			st.Close() //nolint:errcheck // another caller prepared it meanwhile
		} else if !dup {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

// close closes the cached statements.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		if st != nil {
			st.Close() //nolint:errcheck // closing the pool follows
		}
		delete(c.m, q)
	}
	c.want = nil
}
