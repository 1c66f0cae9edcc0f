// Package runbook is the domain of runbook-bot: the runbook document and its
// parser, schedule math, the occurrence state machine, authorization, redaction
// and the service that drives occurrences through their lifecycle.
//
// It knows nothing of Slack, SQL or processes: those live behind the narrow
// interfaces this package declares and are implemented in its subpackages
// (sqlite, runner, webhook) and in bot/.
package runbook
