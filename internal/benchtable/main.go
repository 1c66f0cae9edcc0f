// Command benchtable reads `go test -bench` output on stdin and prints its
// figures as a Markdown table (package, benchmark, metric, value), one row per
// metric. A benchmark run several times (-count) shows the median of its
// runs, and how many there were. The input is echoed to stderr as it arrives
// (unless -q), so a long run shows progress; -raw FILE keeps a copy of it.
// It exits with status 1 when the input reports a failure (FAIL, panic).
//
//	go test -run '^$' -bench . ./... 2>&1 | go run ./internal/benchtable
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// module is stripped from package paths in the table.
const module = "github.com/runbook-bot/runbook-bot/"

// benchLine matches a result line: name-GOMAXPROCS, iterations, then value/unit pairs.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// row is one metric of one benchmark, with the values of every run.
type row struct {
	pkg, name, unit string
	values          []float64
}

func main() {
	quiet := flag.Bool("q", false, "do not echo the input to stderr")
	raw := flag.String("raw", "", "also write the input to this file")
	flag.Parse()
	var echo []io.Writer
	if !*quiet {
		echo = append(echo, os.Stderr)
	}
	if *raw != "" {
		f, err := os.Create(*raw)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(2)
		}
		defer f.Close()
		echo = append(echo, f)
	}
	rows, env, failed, err := parse(os.Stdin, io.MultiWriter(echo...))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	write(os.Stdout, rows, env)
	if failed {
		fmt.Fprintln(os.Stderr, "benchtable: the benchmark run reported a failure (see above)")
		os.Exit(1)
	}
}

// parse reads go test output, copying it to echo, and returns the rows in
// order of first appearance, the goos/goarch/cpu header lines, and whether a
// failure was reported.
func parse(r io.Reader, echo io.Writer) (rows []*row, env []string, failed bool, err error) {
	index := map[string]*row{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(echo, line)
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "FAIL") || strings.HasPrefix(trimmed, "--- FAIL") || strings.HasPrefix(line, "panic:"):
			failed = true
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(strings.TrimPrefix(line, "pkg: "), module)
		case strings.HasPrefix(line, "goos: ") || strings.HasPrefix(line, "goarch: ") || strings.HasPrefix(line, "cpu: "):
			if !slices.Contains(env, line) {
				env = append(env, line)
			}
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			key := pkg + " " + m[1] + " " + f[i+1]
			rw, ok := index[key]
			if !ok {
				rw = &row{pkg: pkg, name: m[1], unit: f[i+1]}
				index[key] = rw
				rows = append(rows, rw)
			}
			rw.values = append(rw.values, v)
		}
	}
	return rows, env, failed, sc.Err()
}

// write prints the Markdown table.
func write(w io.Writer, rows []*row, env []string) {
	fmt.Fprintln(w)
	if len(env) > 0 {
		fmt.Fprintf(w, "%s\n\n", strings.Join(env, ", "))
	}
	fmt.Fprintln(w, "| Package | Benchmark | Metric | Value | Runs |")
	fmt.Fprintln(w, "| --- | --- | --- | ---: | ---: |")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d |\n", r.pkg, r.name, r.unit, format(median(r.values)), len(r.values))
	}
}

// median of vs (the mean of the middle two for an even count).
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// format prints v with about four significant digits and no exponent.
func format(v float64) string {
	a := v
	if a < 0 {
		a = -a
	}
	switch {
	case a >= 1000 || v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}
