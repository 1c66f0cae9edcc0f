package bot

// The terminal shell's own lines and the modal's empty-text error, in their
// own block: merged into catalogueEN when the package starts.
var shellEN = catalogue{
	"prompt.empty": "Please write something here.",

	"shell.help": `Type /runbook commands (the "/runbook" prefix is optional), e.g. "/runbook help" or "status".
  :as U123              act as another Slack user ID
  :press ACTION [text]  press a button (by id or label) of the newest message offering it;
                        a message about a window no longer acted on says so and changes nothing
  :home                 your App Home: what needs you, the next 7 days, the latest results
  :help                 this help
  :quit                 leave (end of input works too)`,
	"shell.usage_as":       "usage: :as U123",
	"shell.acting_as":      "now acting as {who}",
	"shell.unknown":        "unknown shell command {command} — try :help",
	"shell.no_buttons":     "no message with buttons yet",
	"shell.no_such_button": "no such button; the last message offers: {buttons}",
	"shell.asks_for":       "{button} asks for {what}: :press {id} <{hint}>",
	"shell.home_failed":    "the Home could not be built: {error}",
	"shell.updated":        "(updated)",
}
