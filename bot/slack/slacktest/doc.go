// Package slacktest is an in-process fake of the parts of Slack that a
// socket-mode bot talks to: the Web API methods it calls, the
// apps.connections.open handshake, the socket-mode websocket (hello,
// envelopes, acks, disconnect, pings) and the response_url webhooks it is
// handed.
//
// Everything is served over HTTP and websocket on 127.0.0.1, so the bot under
// test can run as a separate process: point its SLACK_API_URL at
// Server.APIURL() and give it the tokens configured on the server
// (DefaultBotToken and DefaultAppToken unless overridden; Server.Env lists
// them as environment variables).
//
// The server records every call, keeps a message store that reflects posts,
// updates and deletions, and offers fault injection (forced errors, 429s with
// Retry-After, per-channel rate limits, disconnects and dropped sockets) plus a
// small load driver for benchmarks. A typical end-to-end test:
//
//	srv := slacktest.NewTB(t)
//	startBot(t, srv.Env()...) // the bot process under test
//	require.NoError(t, srv.WaitConnected(1, 10*time.Second))
//	id := srv.SendSlashCommand(slacktest.SlashCommand{Text: "run deploy"})
//	_, err := srv.WaitAck(id, 3*time.Second)
//	require.NoError(t, err)
//	err = srv.WaitFor(10*time.Second, func(s *slacktest.Server) bool {
//		return len(s.Messages(slacktest.DefaultChannelID)) > 0
//	})
//
// Wait helpers re-check their condition whenever the server records something
// (a call, an ack, a connection), so tests never need fixed sleeps.
package slacktest
