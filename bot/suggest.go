package bot

import (
	"strings"
)

// suggest returns the candidate closest to input (case-insensitive), or "" when none is close:
// a candidate the input is a prefix or part of, else the one within a small
// Damerau–Levenshtein distance.
func suggest(input string, candidates []string) string {
	in := strings.ToLower(input)
	if len([]rune(in)) == 0 || len([]rune(in)) > 64 {
		return ""
	}
	if len([]rune(in)) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), in) {
				return c
			}
		}
		for _, c := range candidates {
			if strings.Contains(strings.ToLower(c), in) {
				return c
			}
		}
	}
	best, bestD := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(in, lc)
		limit := max(1, min(3, len([]rune(lc))/4))
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the optimal-string-alignment Damerau–Levenshtein distance between a and b (by runes).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}
