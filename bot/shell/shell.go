// Package shell is the terminal adapter: lines typed are /runbook commands from a
// chosen user or button presses, and the bot's messages print as text.
package shell

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// Shell runs the bot in a terminal.
type Shell struct {
	b    *bot.Bot
	out  io.Writer
	mu   sync.Mutex // serialises output and guards the fields below
	user string
	msgs []withButtons // the latest messages with buttons, oldest first
	seq  int
	run  string // random prefix of this session's request ids
}

// New builds a shell writing to out, acting as user.
func New(b *bot.Bot, out io.Writer, user string) *Shell {
	var buf [4]byte
	_, _ = rand.Read(buf[:])
	return &Shell{b: b, out: out, user: user, run: hex.EncodeToString(buf[:])}
}

// Run reads lines from in until end of input, :quit or ctx ends; it returns nil then.
func (s *Shell) Run(ctx context.Context, in io.Reader) error {
	tty := isTerminal(in)
	lines := make(chan string)
	errc := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-done:
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	for {
		if tty {
			s.printf("runbook-bot (%s)> ", s.currentUser())
		}
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return <-errc
			}
			if quit := s.handle(ctx, line); quit {
				return nil
			}
		}
	}
}

// handle runs one line; it reports whether the user asked to quit.
func (s *Shell) handle(ctx context.Context, line string) bool {
	line = strings.TrimSpace(line)
	switch {
	case line == "":
		return false
	case strings.HasPrefix(line, ":"):
		return s.meta(ctx, line)
	}
	text := line
	if rest, ok := cutWord(line, "/runbook"); ok {
		text = rest
	}
	rep := s.b.Command(ctx, bot.Input{User: s.currentUser(), Channel: "shell", Text: text, RequestID: s.nextID(), Envelope: "shell"})
	s.reply(rep)
	return false
}

// meta runs a ":" command.
func (s *Shell) meta(ctx context.Context, line string) bool {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case ":quit", ":q", ":exit":
		return true
	case ":help":
		s.println(s.t("shell.help"))
	case ":as":
		if rest == "" || strings.ContainsAny(rest, " \t") {
			s.println(s.t("shell.usage_as"))
			return false
		}
		s.mu.Lock()
		s.user = rest
		s.mu.Unlock()
		who := rest
		if name := s.b.ContactName(rest); name != "" {
			who = "@" + name + " (" + rest + ")" // a contact of the runbook: by name
		}
		s.println(s.t("shell.acting_as", "who", who))
	case ":press":
		s.press(ctx, rest)
	case ":home":
		s.home(ctx)
	default:
		s.println(s.t("shell.unknown", "command", word))
	}
	return false
}

// press finds the button named by id or label (case-insensitive) on the
// newest message offering it and presses it with the rest as text. The press
// carries the occurrence the message is about: on a message about a window the
// verb no longer acts on, the bot answers so and nothing changes.
func (s *Shell) press(ctx context.Context, args string) {
	s.mu.Lock()
	msgs := append([]withButtons(nil), s.msgs...)
	s.mu.Unlock()
	if len(msgs) == 0 {
		s.println(s.t("shell.no_buttons"))
		return
	}
	var hit *bot.Button
	var text string
	for i := len(msgs) - 1; i >= 0 && hit == nil; i-- {
		best := 0
		for j, b := range msgs[i].buttons {
			for _, name := range []string{b.ID, b.Label} {
				if rest, ok := cutWord(args, name); ok && len(name) > best {
					hit, text, best = &msgs[i].buttons[j], rest, len(name)
				}
			}
		}
	}
	if hit == nil {
		var names []string
		for _, b := range msgs[len(msgs)-1].buttons {
			names = append(names, b.ID)
		}
		s.println(s.t("shell.no_such_button", "buttons", strings.Join(names, ", ")))
		return
	}
	if hit.Prompt != nil && text == "" {
		s.println(s.t("shell.asks_for", "button", hit.Label, "what", hit.Prompt.Label, "id", hit.ID, "hint", strings.ToLower(hit.Prompt.Label)))
		return
	}
	rep := s.b.Press(ctx, bot.Press{User: s.currentUser(), Channel: "shell", ButtonID: hit.ID, Job: hit.Job, Occ: hit.Occ, Window: hit.Window,
		Text: text, RequestID: s.nextID(), Envelope: "shell"})
	s.reply(rep)
}

// homeFit bounds the Home in the terminal: a screenful of windows.
var homeFit = bot.HomeFit{Budget: 60, PartCost: 1}

// home prints the current user's App Home; its buttons can be pressed (:press).
func (s *Shell) home(ctx context.Context) {
	h, err := s.b.Home(ctx, s.currentUser(), homeFit)
	if err != nil {
		s.println(s.t("shell.home_failed", "error", err.Error()))
		return
	}
	var buttons []bot.Button
	for _, p := range h.Parts {
		for _, it := range p.Items {
			buttons = append(buttons, it.Buttons...)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember("home", buttons)
	fmt.Fprintln(s.out, FormatHome(h))
}

// withButtons is a printed message whose buttons can still be pressed.
type withButtons struct {
	key     string // its notice key; "" for replies
	buttons []bot.Button
}

// maxPressable is how many messages with buttons the shell keeps.
const maxPressable = 1000

// remember keeps the buttons of a message just printed (s.mu held). An edit
// replaces the buttons of the message it edits; an edit without buttons takes
// them away, as in Slack.
func (s *Shell) remember(key string, buttons []bot.Button) {
	if key != "" {
		s.msgs = slices.DeleteFunc(s.msgs, func(m withButtons) bool { return m.key == key })
	}
	if len(buttons) == 0 {
		return
	}
	s.msgs = append(s.msgs, withButtons{key: key, buttons: buttons})
	if len(s.msgs) > maxPressable {
		s.msgs = slices.Delete(s.msgs, 0, len(s.msgs)-maxPressable)
	}
}

// Deliver is the chat outbox sink in shell mode: it prints the rendered notice.
func (s *Shell) Deliver(_ context.Context, d runbook.Delivery) error {
	var n runbook.Notice
	if err := json.Unmarshal(d.Payload, &n); err != nil {
		return permanentError{fmt.Errorf("decoding notice %s: %w", d.Key, err)}
	}
	m := s.b.Render(n, s.b.Now())
	text := Format(m)
	prefix := "[" + m.Channel + "] "
	if n.Update {
		prefix += s.t("shell.updated") + " "
	}
	first, rest := prefix, "  "
	if n.Thread != "" {
		first, rest = "    ↳ "+prefix, "      "
	}
	if m.Title == "" { // output batches and the like: the channel on a line of its own
		text = strings.TrimRight(first, " ") + "\n" + indent(text, rest, rest)
	} else {
		text = indent(text, first, rest)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember(n.Key, m.Buttons)
	_, err := fmt.Fprintln(s.out, text)
	return err
}

// reply prints the answer to a command; duplicates say nothing.
func (s *Shell) reply(r bot.Reply) {
	if r.Quiet {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember("", r.Buttons)
	fmt.Fprintln(s.out, Format(r.Message))
}

// t is the catalogue's text id in the bot's language, with arguments as name, value pairs.
func (s *Shell) t(id string, kv ...string) string { return s.b.T(id, kv...) }

func (s *Shell) currentUser() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user
}

func (s *Shell) nextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return "shell-" + s.run + "-" + strconv.Itoa(s.seq)
}

func (s *Shell) println(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.out, text)
}

func (s *Shell) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format, args...)
}

// cutWord removes word (case-insensitive) from the start of s when it is followed by a space or the end.
func cutWord(s, word string) (string, bool) {
	if word == "" || len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) {
		return "", false
	}
	rest := s[len(word):]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// permanentError is a delivery that can never succeed (a payload that does not decode).
type permanentError struct{ error }

// Permanent tells the outbox not to retry.
func (permanentError) Permanent() bool { return true }

// Unwrap returns the cause.
func (e permanentError) Unwrap() error { return e.error }
