package secpillar

import (
	"fmt"
	"strings"
)

// frameworkAliases maps the short framework names accepted by Select to
// the names used in References.
var frameworkAliases = map[string]string{
	"cis":  "cis-aws-foundations-3.0.0",
	"fsbp": "aws-fsbp",
}

// Select returns the controls matched by any of exprs, in catalogue order.
// An expression is a control ID ("identity.root-mfa-enabled"), an ID prefix
// ("identity.root-"), a domain ("detective"), or a framework reference
// "FRAMEWORK:ID" where FRAMEWORK is a References framework name or the
// short forms "CIS" and "FSBP" ("CIS:1.5", "FSBP:IAM.9"). No expressions
// select everything. An expression that matches nothing is an error naming
// it, so a typo never silently shrinks a scan.
func Select(controls []Control, exprs ...string) ([]Control, error) {
	if len(exprs) == 0 {
		return controls, nil
	}
	picked := make([]bool, len(controls))
	for _, raw := range exprs {
		e := strings.TrimSpace(raw)
		if e == "" {
			return nil, fmt.Errorf("secpillar: select: empty control expression")
		}
		matched := false
		for i, c := range controls {
			if matchControl(c, e) {
				picked[i] = true
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("secpillar: select: %q matches no control (want an ID, an ID prefix, a domain, or a reference like CIS:1.5)", raw)
		}
	}
	var out []Control
	for i, c := range controls {
		if picked[i] {
			out = append(out, c)
		}
	}
	return out, nil
}

func matchControl(c Control, e string) bool {
	if fw, id, ok := strings.Cut(e, ":"); ok {
		if alias, ok := frameworkAliases[strings.ToLower(fw)]; ok {
			fw = alias
		}
		for _, r := range c.References {
			if strings.EqualFold(r.Framework, fw) && strings.EqualFold(r.ID, id) {
				return true
			}
		}
		return false
	}
	return c.ID == e || string(c.Domain) == e || strings.HasPrefix(c.ID, e)
}
