package slack

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/runbook-bot/runbook-bot/bot"
)

func TestLinkLine(t *testing.T) {
	tests := []struct {
		name string
		link bot.Link
		want string
	}{
		{name: "an https ticket link", link: bot.Link{Prefix: "⛔ ", Label: "#13", URL: "https://github.com/acme/infra/issues/13", Suffix: " Migration pending — open · ana"},
			want: "⛔ <https://github.com/acme/infra/issues/13|#13> Migration pending — open · ana"},
		{name: "a query string keeps its & escaped", link: bot.Link{Label: "OPS-1", URL: "https://x.atlassian.net/browse/OPS-1?a=1&b=2"},
			want: "<https://x.atlassian.net/browse/OPS-1?a=1&amp;b=2|OPS-1>"},
		{name: "markup in the URL cannot end the link early", link: bot.Link{Label: "#1", URL: "https://evil.example/a|b><!channel>"},
			want: "<https://evil.example/a%7Cb%3E%3C%21channel%3E|#1>"},
		{name: "markup in the texts is escaped", link: bot.Link{Prefix: "<!here> ", Label: "<@U1>", URL: "https://ok.example/", Suffix: " & <!channel>"},
			want: "&lt;!here&gt; <https://ok.example/|&lt;@U1&gt;> &amp; &lt;!channel&gt;"},
		{name: "javascript: is not linked", link: bot.Link{Label: "#1", URL: "javascript:alert(1)", Suffix: " x"},
			want: "#1 x"},
		{name: "a relative URL is not linked", link: bot.Link{Label: "#1", URL: "/issues/1"}, want: "#1"},
		{name: "credentials in the URL: not linked, not shown", link: bot.Link{Label: "#1", URL: "https://user:secret@host.example/1"}, want: "#1"},
		{name: "no URL", link: bot.Link{Prefix: "• ", Label: "OPS-2", Suffix: " title"}, want: "• OPS-2 title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, linkLine(tt.link))
		})
	}
}
