package github

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook/tickets/internal/apierr"
)

// PullRequest is an open pull request.
type PullRequest struct {
	Number int    `json:"number"`
	URL    string `json:"html_url"`
}

// EnsurePullRequest returns the open pull request from branch head into base,
// opening it with title and body when there is none ("List pull requests" with
// head and base, then "Create a pull request"); opened says which. The token
// needs Pull requests: read and write on the repository.
func (c *Client) EnsurePullRequest(ctx context.Context, head, base, title, body string) (pr PullRequest, opened bool, err error) {
	owner, repo, ok := strings.Cut(strings.Trim(strings.TrimSpace(c.Repo), "/"), "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return PullRequest{}, false, apierr.New("RUNBOOK_GITHUB_REPO must be owner/name")
	}
	api, err := c.base()
	if err != nil {
		return PullRequest{}, false, err
	}
	list := api.JoinPath("repos", owner, repo, "pulls")
	q := url.Values{}
	q.Set("state", "open")
	q.Set("head", owner+":"+head)
	q.Set("base", base)
	list.RawQuery = q.Encode()
	var open []PullRequest
	if err := c.call(ctx, http.MethodGet, list.String(), nil, http.StatusOK, &open); err != nil {
		return PullRequest{}, false, err
	}
	if len(open) > 0 {
		return open[0], false, nil
	}
	req := map[string]any{"title": title, "head": head, "base": base, "body": body, "maintainer_can_modify": true}
	if err := c.call(ctx, http.MethodPost, api.JoinPath("repos", owner, repo, "pulls").String(), req, http.StatusCreated, &pr); err != nil {
		return PullRequest{}, false, err
	}
	return pr, true, nil
}

// call sends one REST request with a JSON body (nil for none) and decodes the answer into out.
func (c *Client) call(ctx context.Context, method, u string, in any, want int, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return apierr.New("GitHub request could not be built")
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.send(req)
	if err != nil {
		return err
	}
	defer apierr.Drain(resp.Body)
	if resp.StatusCode != want {
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound {
			if err := c.statusError(resp); strings.Contains(err.Error(), "rate limit") {
				return err
			}
			return apierr.New("GitHub answered %d: the token may not open pull requests on %s (it needs Pull requests: read and write)", resp.StatusCode, c.Repo)
		}
		return c.statusError(resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, apierr.MaxBody)).Decode(out); err != nil {
		return apierr.New("GitHub answered with an unreadable pull request")
	}
	return nil
}
