package incident

import (
	"testing"
)

func TestEventPatternMatchesByMeaning(t *testing.T) {
	gd := alertShapes(AlertGuardDutyFindings, "111122223333", "us-east-1")
	root := alertShapes(AlertRootSignIn, "111122223333", "us-east-1")
	trail := alertShapes(AlertCloudTrailTampering, "111122223333", "us-east-1")
	tests := []struct {
		name    string
		pattern string
		shapes  []map[string]string
		want    bool
	}{
		{"canonical guardduty", AlertPattern(AlertGuardDutyFindings), gd, true},
		{"reordered, spaced, duplicated", "{\n \"detail-type\" : [\"GuardDuty Finding\", \"GuardDuty Finding\"],\n\"source\":[\"aws.guardduty\"]}", gd, true},
		{"source only", `{"source":["aws.guardduty"]}`, gd, true},
		{"prefix matcher", `{"source":[{"prefix":"aws.guard"}]}`, gd, true},
		{"wildcard", `{"source":[{"wildcard":"aws.*duty"}]}`, gd, true},
		{"equals-ignore-case", `{"source":[{"equals-ignore-case":"AWS.GuardDuty"}]}`, gd, true},
		{"own account", `{"source":["aws.guardduty"],"account":["111122223333"]}`, gd, true},
		{"other account", `{"source":["aws.guardduty"],"account":["999999999999"]}`, gd, false},
		{"severity filter narrows", `{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}`, gd, false},
		{"anything-but other source", `{"source":[{"anything-but":["aws.ec2"]}],"detail-type":["GuardDuty Finding"]}`, gd, true},
		{"anything-but itself", `{"source":[{"anything-but":{"prefix":"aws.guard"}}]}`, gd, false},
		{"wrong case is different", `{"source":["AWS.guardduty"]}`, gd, false},
		{"$or alternatives", `{"$or":[{"source":["aws.securityhub"]},{"source":["aws.guardduty"]}]}`, gd, true},
		{"root sign-in", AlertPattern(AlertRootSignIn), root, true},
		{"root sign-in without source", `{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`, root, true},
		{"all sign-ins cover root", `{"detail-type":["AWS Console Sign In via CloudTrail"]}`, root, true},
		{"IAM user sign-in only", `{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["IAMUser"]}}}`, root, false},
		{"exists on a known field", `{"detail":{"userIdentity":{"type":[{"exists":true}]}},"source":["aws.signin"]}`, root, true},
		{"tampering, names shuffled", `{"source":["aws.cloudtrail"],"detail":{"eventName":["UpdateTrail","StopLogging","PutEventSelectors","DeleteTrail"]}}`, trail, true},
		{"tampering, one name missing", `{"source":["aws.cloudtrail"],"detail":{"eventName":["StopLogging","DeleteTrail","UpdateTrail"]}}`, trail, false},
		{"tampering by event source", `{"detail":{"eventSource":["cloudtrail.amazonaws.com"]}}`, trail, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseEventPattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			got := true
			for _, s := range tt.shapes {
				got = got && p.matches(s)
			}
			if got != tt.want {
				t.Errorf("matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSamePattern(t *testing.T) {
	a := `{"source":["aws.guardduty","aws.securityhub"],"detail":{"severity":[{"numeric":[">",7]}]}}`
	b := "{\"detail\":{\"severity\":[{\"numeric\":[\">\",7]}]},\n \"source\":[\"aws.securityhub\",\"aws.guardduty\",\"aws.guardduty\"]}"
	if !samePattern(a, b) {
		t.Error("same meaning, different text: want equal")
	}
	if samePattern(a, `{"source":["aws.guardduty"]}`) {
		t.Error("different sets: want different")
	}
}

func TestParseEventPatternRejects(t *testing.T) {
	for _, doc := range []string{``, `[]`, `"x"`, `{}`, `{"source":"aws.guardduty"}`, `{"source":[]}`, `{"a":[{"prefix":1}]}`,
		`{"a":[{"prefix":"x","suffix":"y"}]}`, `{"$or":[{"a":["b"]}]}`, `{"a":["b"]} {"c":["d"]}`, `{"a":[{"anything-but":[]}]}`, `{"a":[[1]]}`} {
		if _, err := parseEventPattern(doc); err == nil {
			t.Errorf("parse %q: want an error", doc)
		}
	}
}

// FuzzParseEventPattern checks that parsing never panics and that the
// canonical form is a fixed point with the same meaning.
func FuzzParseEventPattern(f *testing.F) {
	for _, c := range AlertCategories() {
		f.Add(AlertPattern(c))
	}
	f.Add(`{"$or":[{"source":["a"]},{"detail":{"x":[{"anything-but":{"prefix":["p","q"]}}]}}],"y":[1,true,null,{"exists":false}]}`)
	f.Add(`{"a":[{"wildcard":"x\\*y*"},{"suffix":{"equals-ignore-case":"Z"}},{"cidr":"10.0.0.0/8"},{"anything-but":[1,"b"]}]}`)
	shapes := append(alertShapes(AlertCloudTrailTampering, "1", "r"), alertShapes(AlertRootSignIn, "1", "r")...)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parseEventPattern(doc)
		if err != nil {
			return
		}
		c := p.canonical()
		q, err := parseEventPattern(c)
		if err != nil {
			t.Fatalf("canonical form %s does not parse: %v", c, err)
		}
		if c2 := q.canonical(); c2 != c {
			t.Fatalf("canonical form not stable:\n%s\n%s", c, c2)
		}
		for _, s := range shapes {
			if p.matches(s) != q.matches(s) {
				t.Fatalf("canonical form %s changes the meaning of %s", c, doc)
			}
		}
	})
}
