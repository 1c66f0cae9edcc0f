package sqlite

// Fence always passes: a SQLite database is used by one process, the only
// replica, which holds the clock for ever.
func (t *tx) Fence(int64) error { return nil }
