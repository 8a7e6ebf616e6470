package filterpattern

import "testing"

func fuzzSeeds(f *testing.F) {
	for _, r := range CIS() {
		f.Add(r.Pattern)
	}
	for _, s := range []string{`{ $.a[0].b = "x\"y" }`, `{ $.a IS NULL || $.b NOT EXISTS }`, `{ $.n >= -1e3 }`, `{ $.e = %a|b% }`, `{`, `{ (`, `x`} {
		f.Add(s)
	}
}

// FuzzParse checks that Parse never panics and that the canonical
// rendering parses back to the same canonical rendering.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse(src)
		if err != nil {
			return
		}
		again, err := Parse(p.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", p.String(), src, err)
		}
		if again.String() != p.String() {
			t.Fatalf("round trip changed %q to %q", p.String(), again.String())
		}
	})
}

// FuzzCovers checks that Covers never panics and agrees with the canonical
// rendering of the same pattern.
func FuzzCovers(f *testing.F) {
	fuzzSeeds(f)
	reqs := CIS()
	f.Fuzz(func(t *testing.T, src string) {
		for _, req := range reqs {
			c, err := Covers(src, req)
			if err != nil {
				return
			}
			p, perr := Parse(src)
			if perr != nil {
				continue
			}
			c2, _ := Covers(p.String(), req)
			if c.Covered != c2.Covered {
				t.Fatalf("%s: %q covers=%v but canonical %q covers=%v", req.ID, src, c.Covered, p.String(), c2.Covered)
			}
		}
	})
}
