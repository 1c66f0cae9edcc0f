// Package tickets holds the adapters of the runbook.TicketSource port: one
// subpackage per tracker (github, jira). Each reports failures as short,
// single-line errors that never carry a token or a URL with credentials.
package tickets
