package github

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnsurePullRequest_GivenNoOpenPullRequest_ThenItIsOpenedOnceAndFoundAfterwards(t *testing.T) {
	var mu sync.Mutex
	var prs []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, "Bearer ghp_T", r.Header.Get("Authorization"))
		assert.Equal(t, "/repos/acme/platform/pulls", r.URL.Path)
		switch r.Method {
		case http.MethodGet:
			assert.Equal(t, "acme:runbook-bot/records", r.URL.Query().Get("head"))
			assert.Equal(t, "main", r.URL.Query().Get("base"))
			assert.Equal(t, "open", r.URL.Query().Get("state"))
			_ = json.NewEncoder(w).Encode(prs)
		case http.MethodPost:
			var in map[string]any
			require.NoError(t, json.NewDecoder(r.Body).Decode(&in))
			pr := map[string]any{"number": 7, "html_url": "https://github.example/acme/platform/pull/7", "title": in["title"], "head": in["head"], "base": in["base"]}
			prs = append(prs, pr)
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(pr)
		}
	}))
	defer srv.Close()
	c := &Client{Repo: "acme/platform", Token: "ghp_T", APIURL: srv.URL}

	first, opened, err := c.EnsurePullRequest(context.Background(), "runbook-bot/records", "main", "Runbook records", "body")
	require.NoError(t, err)
	assert.True(t, opened)
	assert.Equal(t, PullRequest{Number: 7, URL: "https://github.example/acme/platform/pull/7"}, first)

	again, opened, err := c.EnsurePullRequest(context.Background(), "runbook-bot/records", "main", "Runbook records", "body")
	require.NoError(t, err)
	assert.False(t, opened)
	assert.Equal(t, first, again)
	assert.Len(t, prs, 1)
}

func TestEnsurePullRequest_GivenATokenThatMayNotOpenOne_ThenTheErrorSaysWhatItNeeds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte("[]"))
			return
		}
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Resource not accessible by personal access token"}`))
	}))
	defer srv.Close()
	c := &Client{Repo: "acme/platform", Token: "ghp_T", APIURL: srv.URL}

	_, _, err := c.EnsurePullRequest(context.Background(), "runbook-bot/records", "main", "t", "b")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "Pull requests: read and write")
	assert.NotContains(t, err.Error(), "ghp_T")
}
