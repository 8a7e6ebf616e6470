package detective

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/secpillar/secpillar"
)

// TrailResourceType is the resource type of CloudTrail trail findings.
const TrailResourceType = "AWS::CloudTrail::Trail"

// TrailsAPI is the part of the CloudTrail API that lists trails.
// *cloudtrail.Client satisfies it.
type TrailsAPI interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
}

var _ TrailsAPI = (*cloudtrail.Client)(nil)

// describeTrailsInput is the one DescribeTrails request every check makes,
// so that a run shares it between controls.
func describeTrailsInput() *cloudtrail.DescribeTrailsInput {
	return &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)}
}

// trailRef is what a check needs to know about where a trail lives.
type trailRef struct {
	Trail   cttypes.Trail
	ARN     string
	Name    string
	Home    string
	Account string
}

func (t trailRef) resource() secpillar.Resource {
	return secpillar.Resource{Type: TrailResourceType, ID: t.ARN, Region: t.Home, Account: t.Account}
}

// newTrailRef validates the identifying fields of a trail.
func newTrailRef(t cttypes.Trail) (trailRef, error) {
	ref := trailRef{Trail: t, ARN: aws.ToString(t.TrailARN), Name: aws.ToString(t.Name), Home: aws.ToString(t.HomeRegion)}
	if ref.ARN == "" {
		return ref, fmt.Errorf("detective: trail %q: DescribeTrails returned no TrailARN", ref.Name)
	}
	if ref.Home == "" {
		return ref, fmt.Errorf("detective: trail %s: DescribeTrails returned no HomeRegion", ref.ARN)
	}
	a, err := arn.Parse(ref.ARN)
	if err != nil {
		return ref, fmt.Errorf("detective: trail ARN %q: %w", ref.ARN, err)
	}
	ref.Account = a.AccountID
	if ref.Name == "" {
		ref.Name = strings.TrimPrefix(a.Resource, "trail/")
	}
	return ref, nil
}

// listTrails returns every trail visible in the client's Region, shadow
// trails included, deduplicated by ARN and sorted by ARN.
func listTrails(ctx context.Context, api TrailsAPI) ([]trailRef, error) {
	out, err := api.DescribeTrails(ctx, describeTrailsInput())
	if err != nil {
		return nil, fmt.Errorf("detective: describe trails: %w", err)
	}
	seen := map[string]bool{}
	var refs []trailRef
	for _, t := range out.TrailList {
		ref, err := newTrailRef(t)
		if err != nil {
			return nil, err
		}
		if seen[ref.ARN] {
			continue
		}
		seen[ref.ARN] = true
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].ARN < refs[j].ARN })
	return refs, nil
}

// homeTrails returns the trails whose home Region is region, so that each
// trail is evaluated once, in its home Region (shadow trails of
// multi-Region and organization trails are skipped elsewhere).
func homeTrails(ctx context.Context, api TrailsAPI, region string) (home []trailRef, shadows int, err error) {
	if region == "" {
		return nil, 0, errors.New("detective: region is empty: name the Region the CloudTrail client calls")
	}
	all, err := listTrails(ctx, api)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range all {
		if t.Home == region {
			home = append(home, t)
		} else {
			shadows++
		}
	}
	return home, shadows, nil
}

// noHomeTrails is the finding of a per-trail control in a Region where no
// trail has its home.
func noHomeTrails(control string, sev secpillar.Severity, region string, shadows int) secpillar.Finding {
	res := secpillar.AccountResource("")
	res.Region = region
	return secpillar.Finding{
		Control: control, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: res,
		Reason:   fmt.Sprintf("No trail has its home in %s; trails are evaluated in their home Region.", region),
		Evidence: map[string]string{"trails_homed_here": "0", "shadow_trails": fmt.Sprint(shadows)},
	}
}

// inRegion points a single call at region (the home Region of a trail).
func inRegion(region string) func(*cloudtrail.Options) {
	return func(o *cloudtrail.Options) { o.Region = region }
}

// lookupTrail finds one trail by name or ARN for a remediation, reading
// through FreshReads. A name is looked up in the client's Region; an ARN
// anywhere it is visible.
func lookupTrail(ctx context.Context, api TrailsAPI, trail string) (trailRef, error) {
	if trail == "" {
		return trailRef{}, errors.New("detective: trail is empty: give the trail's name or ARN")
	}
	in := &cloudtrail.DescribeTrailsInput{TrailNameList: []string{trail}, IncludeShadowTrails: aws.Bool(true)}
	var opts []func(*cloudtrail.Options)
	if strings.HasPrefix(trail, "arn:") {
		a, err := arn.Parse(trail)
		if err != nil || a.Service != "cloudtrail" || !strings.HasPrefix(a.Resource, "trail/") {
			return trailRef{}, fmt.Errorf("detective: trail %q is not a CloudTrail trail ARN", trail)
		}
		opts = append(opts, inRegion(a.Region))
	}
	out, err := api.DescribeTrails(secpillar.FreshReads(ctx), in, opts...)
	if err != nil {
		return trailRef{}, fmt.Errorf("detective: describe trail %s: %w", trail, err)
	}
	for _, t := range out.TrailList {
		ref, err := newTrailRef(t)
		if err != nil {
			return trailRef{}, err
		}
		if ref.ARN == trail || ref.Name == trail {
			return ref, nil
		}
	}
	return trailRef{}, fmt.Errorf("detective: trail %s: %w", trail, errTrailNotFound)
}

// errTrailNotFound is wrapped by lookupTrail when no trail matches.
var errTrailNotFound = errors.New("trail not found")

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
