package slack

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	slackapi "github.com/slack-go/slack"

	"github.com/runbook-bot/runbook-bot/bot"
)

// A button's action_id is its bot.Button.ID, followed by ":prompt" when the
// button asks for text first, and by "#N" when the same id appears more than
// once in a message (Slack wants action ids unique within a block):
//
//	run              → h.Press at once
//	decline:prompt   → open a modal, then h.Press with the text
//	run#2            → a second "run" button (another job)
//
// The marker lives in Slack's own copy of the message, so a button posted
// before a restart still opens its modal. The modal's wording comes from the
// Prompt last rendered for that button id (a small table the adapter keeps); a
// button pressed before any render since the restart gets its own label as the
// modal's title and field label.
const promptSuffix = ":prompt"

// modalBlockID and modalActionID name the modal's one text input.
const (
	modalBlockID  = "text"
	modalActionID = "text"
	callbackPre   = "runbook:"
)

// encodeActionID is the action_id of b; seen counts ids already used in the message.
func encodeActionID(b bot.Button, seen map[string]int) string {
	id := b.ID
	if b.Prompt != nil {
		id += promptSuffix
	}
	seen[id]++
	if n := seen[id]; n > 1 {
		id += "#" + strconv.Itoa(n)
	}
	return id
}

// decodeActionID returns the button id of an action_id and whether the button prompts.
func decodeActionID(actionID string) (id string, prompts bool) {
	if i := strings.LastIndexByte(actionID, '#'); i >= 0 {
		actionID = actionID[:i]
	}
	id, prompts = strings.CutSuffix(actionID, promptSuffix)
	return id, prompts
}

// prompts remembers the Prompt of each prompting button id as messages are rendered.
type prompts struct {
	mu sync.Mutex
	m  map[string]bot.Prompt
}

// remember records the prompts of m's buttons.
func (p *prompts) remember(m bot.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range m.Buttons {
		if b.Prompt != nil {
			if p.m == nil {
				p.m = map[string]bot.Prompt{}
			}
			p.m[b.ID] = *b.Prompt
		}
	}
}

// get returns the prompt of button id, falling back to label for its wording.
func (p *prompts) get(id, label string) bot.Prompt {
	p.mu.Lock()
	pr, ok := p.m[id]
	p.mu.Unlock()
	if !ok {
		if label == "" {
			label = id
		}
		pr = bot.Prompt{Title: label, Label: label}
	}
	return pr
}

// modalMeta is the private_metadata of a prompt modal: the pressed button's
// value (job and occurrence, see bot.ButtonValue) and the channel to answer in.
// A modal opened before buttons carried their occurrence holds the job alone.
type modalMeta struct {
	Empty   string `json:"empty,omitempty"` // the error when the text is left empty, in the bot's language
	Value   string `json:"value,omitempty"`
	Job     string `json:"job,omitempty"` // modals opened by older versions
	Channel string `json:"channel"`
}

// promptModal is the views.open request asking for the text of button id.
func promptModal(id string, pr bot.Prompt, meta modalMeta) slackapi.ModalViewRequest {
	meta.Empty = truncateRunes(pr.Empty, 200)
	md, _ := json.Marshal(meta)
	title := pr.Title
	if title == "" {
		title = id
	}
	submit := pr.Submit
	if submit == "" {
		submit = "OK"
	}
	label := pr.Label
	if label == "" {
		label = title
	}
	input := slackapi.NewPlainTextInputBlockElement(nil, modalActionID)
	input.Multiline = true
	if pr.Placeholder != "" {
		input.Placeholder = plain(truncateRunes(pr.Placeholder, 150))
	}
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		Title:           plain(truncateRunes(title, maxModalTitle)),
		Submit:          plain(truncateRunes(submit, maxModalTitle)),
		CallbackID:      callbackPre + id,
		PrivateMetadata: string(md),
		Blocks: slackapi.Blocks{BlockSet: []slackapi.Block{
			slackapi.NewInputBlock(modalBlockID, plain(truncateRunes(label, 2000)), nil, input),
		}},
	}
}

// submittedText is the text typed in a prompt modal: its own input, else the first text input found.
func submittedText(v slackapi.View) string {
	if v.State == nil {
		return ""
	}
	if a, ok := v.State.Values[modalBlockID][modalActionID]; ok {
		return strings.TrimSpace(a.Value)
	}
	for _, block := range v.State.Values {
		for _, a := range block {
			if a.Value != "" {
				return strings.TrimSpace(a.Value)
			}
		}
	}
	return ""
}

// errorsAck is the view_submission ack that keeps the modal open with msg under its input.
func errorsAck(msg string) map[string]any {
	return map[string]any{"response_action": "errors", "errors": map[string]string{modalBlockID: msg}}
}
