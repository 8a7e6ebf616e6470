package detective

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// coverage says which halves of an event category a trail's selectors
// record in full, and what partial selectors it saw.
type coverage struct {
	Read, Write bool
	// Partial describes selectors that record only part of the events
	// (excluded sources, named buckets, extra conditions).
	Partial []string
}

func (c coverage) full() bool { return c.Read && c.Write }

func (c coverage) describe() string {
	switch {
	case c.Read && c.Write:
		return "read and write"
	case c.Read:
		return "read only"
	case c.Write:
		return "write only"
	}
	return "none"
}

// readWrite maps a basic selector's ReadWriteType to the halves it
// records. The empty value is the API's default, All.
func readWrite(t cttypes.ReadWriteType) (read, write bool, err error) {
	switch t {
	case cttypes.ReadWriteTypeAll, "":
		return true, true, nil
	case cttypes.ReadWriteTypeReadOnly:
		return true, false, nil
	case cttypes.ReadWriteTypeWriteOnly:
		return false, true, nil
	}
	return false, false, fmt.Errorf("unknown ReadWriteType %q", t)
}

// readOnlyField applies an advanced selector's readOnly field to the
// halves it records; ok is false for a condition the library does not
// understand as a plain read/write split.
func readOnlyField(fs cttypes.AdvancedFieldSelector, read, write *bool) bool {
	if len(fs.StartsWith)+len(fs.EndsWith)+len(fs.NotStartsWith)+len(fs.NotEndsWith) > 0 {
		return false
	}
	keep := func(v string) (bool, bool) {
		eq := len(fs.Equals) == 0 || slices.Contains(fs.Equals, v)
		ne := !slices.Contains(fs.NotEquals, v)
		return eq && ne, true
	}
	r, _ := keep("true")
	w, _ := keep("false")
	for _, v := range append(append([]string(nil), fs.Equals...), fs.NotEquals...) {
		if v != "true" && v != "false" {
			return false
		}
	}
	*read = *read && r
	*write = *write && w
	return true
}

func fieldEquals(fs cttypes.AdvancedFieldSelector, v string) bool {
	return len(fs.Equals) == 1 && fs.Equals[0] == v && len(fs.NotEquals)+len(fs.StartsWith)+len(fs.EndsWith)+len(fs.NotStartsWith)+len(fs.NotEndsWith) == 0
}

func selectorName(s cttypes.AdvancedEventSelector, i int) string {
	if n := aws.ToString(s.Name); n != "" {
		return fmt.Sprintf("advanced selector %q", n)
	}
	return fmt.Sprintf("advanced selector #%d", i+1)
}

func category(s cttypes.AdvancedEventSelector) string {
	for _, fs := range s.FieldSelectors {
		if aws.ToString(fs.Field) == "eventCategory" {
			return strings.Join(fs.Equals, ",")
		}
	}
	return ""
}

// managementCoverage reports which management events the selectors
// record in full: basic selectors with IncludeManagementEvents, or
// advanced selectors on eventCategory Management; excluded event sources
// or other conditions make a selector partial.
func managementCoverage(sel *cloudtrail.GetEventSelectorsOutput) (coverage, error) {
	var c coverage
	for i, s := range sel.EventSelectors {
		if s.IncludeManagementEvents == nil {
			return c, fmt.Errorf("event selector #%d has no IncludeManagementEvents", i+1)
		}
		if !*s.IncludeManagementEvents {
			continue
		}
		r, w, err := readWrite(s.ReadWriteType)
		if err != nil {
			return c, fmt.Errorf("event selector #%d: %w", i+1, err)
		}
		if len(s.ExcludeManagementEventSources) > 0 {
			c.Partial = append(c.Partial, fmt.Sprintf("event selector #%d excludes %s", i+1, strings.Join(s.ExcludeManagementEventSources, ", ")))
			continue
		}
		c.Read, c.Write = c.Read || r, c.Write || w
	}
	for i, s := range sel.AdvancedEventSelectors {
		if category(s) != "Management" {
			continue
		}
		r, w, ok := true, true, true
		for _, fs := range s.FieldSelectors {
			switch f := aws.ToString(fs.Field); f {
			case "eventCategory":
				ok = ok && fieldEquals(fs, "Management")
			case "readOnly":
				ok = ok && readOnlyField(fs, &r, &w)
			default:
				ok = false
			}
		}
		if !ok {
			c.Partial = append(c.Partial, selectorName(s, i)+" records only some management events")
			continue
		}
		c.Read, c.Write = c.Read || r, c.Write || w
	}
	return c, nil
}

// s3AllBuckets reports whether a basic data resource value selects the
// objects of every bucket ("arn:aws:s3" or "arn:aws:s3:::" in any
// partition).
func s3AllBuckets(v string) bool {
	p, rest, ok := strings.Cut(strings.TrimPrefix(v, "arn:"), ":")
	if !ok || !strings.HasPrefix(v, "arn:") || p == "" {
		return false
	}
	return rest == "s3" || rest == "s3:::"
}

// s3ObjectCoverage reports which S3 object-level data events the
// selectors record for all buckets.
func s3ObjectCoverage(sel *cloudtrail.GetEventSelectorsOutput) (coverage, error) {
	var c coverage
	for i, s := range sel.EventSelectors {
		for _, dr := range s.DataResources {
			if aws.ToString(dr.Type) != "AWS::S3::Object" {
				continue
			}
			r, w, err := readWrite(s.ReadWriteType)
			if err != nil {
				return c, fmt.Errorf("event selector #%d: %w", i+1, err)
			}
			all := false
			for _, v := range dr.Values {
				if s3AllBuckets(v) {
					all = true
				}
			}
			if !all {
				vals := append([]string(nil), dr.Values...)
				sort.Strings(vals)
				c.Partial = append(c.Partial, fmt.Sprintf("event selector #%d logs objects of %s only", i+1, strings.Join(vals, ", ")))
				continue
			}
			c.Read, c.Write = c.Read || r, c.Write || w
		}
	}
	for i, s := range sel.AdvancedEventSelectors {
		if category(s) != "Data" {
			continue
		}
		isS3, ok := false, true
		r, w := true, true
		for _, fs := range s.FieldSelectors {
			switch aws.ToString(fs.Field) {
			case "eventCategory":
				ok = ok && fieldEquals(fs, "Data")
			case "resources.type":
				isS3 = fieldEquals(fs, "AWS::S3::Object")
			case "readOnly":
				ok = ok && readOnlyField(fs, &r, &w)
			case "resources.ARN":
				all := len(fs.StartsWith) > 0 && len(fs.Equals)+len(fs.NotEquals)+len(fs.EndsWith)+len(fs.NotStartsWith)+len(fs.NotEndsWith) == 0
				for _, v := range fs.StartsWith {
					all = all && s3AllBuckets(v)
				}
				ok = ok && all
			default:
				ok = false
			}
		}
		if !isS3 {
			continue
		}
		if !ok {
			c.Partial = append(c.Partial, selectorName(s, i)+" records only some S3 object events")
			continue
		}
		c.Read, c.Write = c.Read || r, c.Write || w
	}
	return c, nil
}

// mergeSelectors returns the PutEventSelectors input that keeps every
// current selector and adds what records the missing events: basic
// selectors stay basic (a new selector is appended), advanced ones stay
// advanced. want describes what to add.
func mergeSelectors(trailARN string, sel *cloudtrail.GetEventSelectorsOutput, add selectorAddition) (*cloudtrail.PutEventSelectorsInput, error) {
	in := &cloudtrail.PutEventSelectorsInput{TrailName: aws.String(trailARN)}
	if len(sel.AdvancedEventSelectors) > 0 {
		in.AdvancedEventSelectors = append(slices.Clone(sel.AdvancedEventSelectors), add.advanced())
		return in, nil
	}
	if len(sel.EventSelectors) >= 5 {
		return nil, fmt.Errorf("detective: trail %s already has 5 event selectors, the most CloudTrail allows: convert it to advanced event selectors first", trailARN)
	}
	in.EventSelectors = append(slices.Clone(sel.EventSelectors), add.basic())
	return in, nil
}

// selectorAddition is what a remediation adds to a trail's selectors.
type selectorAddition struct {
	Management  bool // all management events, read and write
	S3Objects   bool // S3 object-level events of every bucket
	Read, Write bool // for S3Objects
}

func (a selectorAddition) rw() cttypes.ReadWriteType {
	switch {
	case a.Read && !a.Write:
		return cttypes.ReadWriteTypeReadOnly
	case a.Write && !a.Read:
		return cttypes.ReadWriteTypeWriteOnly
	}
	return cttypes.ReadWriteTypeAll
}

func (a selectorAddition) basic() cttypes.EventSelector {
	if a.Management {
		return cttypes.EventSelector{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}
	}
	return cttypes.EventSelector{
		ReadWriteType: a.rw(), IncludeManagementEvents: aws.Bool(false),
		DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}},
	}
}

func (a selectorAddition) advanced() cttypes.AdvancedEventSelector {
	if a.Management {
		return cttypes.AdvancedEventSelector{Name: aws.String("secpillar: all management events"), FieldSelectors: []cttypes.AdvancedFieldSelector{
			{Field: aws.String("eventCategory"), Equals: []string{"Management"}},
		}}
	}
	s := cttypes.AdvancedEventSelector{Name: aws.String("secpillar: S3 object " + coverage{Read: a.Read || !a.Write, Write: a.Write || !a.Read}.describe() + " events"), FieldSelectors: []cttypes.AdvancedFieldSelector{
		{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
		{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}},
	}}
	switch a.rw() {
	case cttypes.ReadWriteTypeReadOnly:
		s.FieldSelectors = append(s.FieldSelectors, cttypes.AdvancedFieldSelector{Field: aws.String("readOnly"), Equals: []string{"true"}})
	case cttypes.ReadWriteTypeWriteOnly:
		s.FieldSelectors = append(s.FieldSelectors, cttypes.AdvancedFieldSelector{Field: aws.String("readOnly"), Equals: []string{"false"}})
	}
	return s
}
