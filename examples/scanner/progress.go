package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/secpillar/secpillar"
)

// progress draws a one-line bar on a terminal, or a line every tenth of the
// run elsewhere. A bar is a few lines of code; no library is needed.
type progress struct {
	w        io.Writer
	quiet    bool
	terminal bool
	lastTick int
	drawn    bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) update(pr secpillar.Progress) {
	if p.quiet || pr.Total == 0 {
		return
	}
	if p.terminal {
		const width = 30
		n := pr.Done * width / pr.Total
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-50.50s", strings.Repeat("=", n), strings.Repeat(" ", width-n), pr.Done, pr.Total, pr.Control)
		p.drawn = true
		return
	}
	if tick := pr.Done * 10 / pr.Total; tick > p.lastTick || pr.Done == pr.Total {
		p.lastTick = tick
		fmt.Fprintf(p.w, "progress: %d/%d checks\n", pr.Done, pr.Total)
	}
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
