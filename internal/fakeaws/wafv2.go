package fakeaws

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// WAFv2 fakes AWS WAF (v2). REGIONAL web ACLs live in their Region;
// CLOUDFRONT web ACLs are served only by us-east-1, as in AWS.
type WAFv2 struct {
	acct *Account

	WebACLs []*WAFWebACL
	// Logging holds the logging configuration per web ACL ARN.
	Logging map[string]waftypes.LoggingConfiguration
	// Associations maps a regional resource ARN (an ALB, an API stage) to
	// the ARN of its web ACL.
	Associations map[string]string
	nextID       int
}

// WAFWebACL is one web ACL with its scope and Region ("us-east-1" for
// CLOUDFRONT).
type WAFWebACL struct {
	Scope     waftypes.Scope
	Region    string
	ACL       waftypes.WebACL
	LockToken string
}

// AddWebACL adds a web ACL (filling its ID and ARN) and returns it.
// Seeders and tests use it.
func (f *WAFv2) AddWebACL(scope waftypes.Scope, region string, acl waftypes.WebACL) *WAFWebACL {
	f.nextID++
	if scope == waftypes.ScopeCloudfront {
		region = "us-east-1"
	}
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", f.nextID, f.nextID)
	acl.Id = aws.String(id)
	kind := "regional"
	if scope == waftypes.ScopeCloudfront {
		kind = "global"
	}
	acl.ARN = aws.String("arn:aws:wafv2:" + region + ":" + f.acct.ID + ":" + kind + "/webacl/" + aws.ToString(acl.Name) + "/" + id)
	w := &WAFWebACL{Scope: scope, Region: region, ACL: acl, LockToken: fmt.Sprintf("lock-%d", f.nextID)}
	f.WebACLs = append(f.WebACLs, w)
	return w
}

func (f *WAFv2) callRegion(ctx context.Context, optFns []func(*wafv2.Options)) string {
	var o wafv2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.acct.region(ctx, o.Region)
}

func (f *WAFv2) checkScope(scope waftypes.Scope, region string) error {
	switch scope {
	case waftypes.ScopeRegional:
		return nil
	case waftypes.ScopeCloudfront:
		if region != "us-east-1" {
			return &waftypes.WAFInvalidParameterException{Message: aws.String("CLOUDFRONT scope is only available in us-east-1"), Field: waftypes.ParameterExceptionFieldScopeValue}
		}
		return nil
	}
	return &waftypes.WAFInvalidParameterException{Message: aws.String(fmt.Sprintf("invalid Scope %q", scope)), Field: waftypes.ParameterExceptionFieldScopeValue}
}

func (f *WAFv2) inScope(scope waftypes.Scope, region string) []*WAFWebACL {
	var out []*WAFWebACL
	for _, w := range f.WebACLs {
		if w.Scope == scope && w.Region == region {
			out = append(out, w)
		}
	}
	return out
}

func wafNotFound(what string) error {
	return &waftypes.WAFNonexistentItemException{Message: aws.String("AWS WAF couldn't perform the operation because your resource doesn't exist: " + what)}
}

// ListWebACLs lists the web ACLs of a scope in the Region, paginated by
// NextMarker.
func (f *WAFv2) ListWebACLs(ctx context.Context, in *wafv2.ListWebACLsInput, optFns ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region := f.callRegion(ctx, optFns)
	if err := f.checkScope(in.Scope, region); err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, f.inScope(in.Scope, region), in.NextMarker, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	out := &wafv2.ListWebACLsOutput{NextMarker: next}
	for _, w := range items {
		out.WebACLs = append(out.WebACLs, waftypes.WebACLSummary{ARN: w.ACL.ARN, Id: w.ACL.Id, Name: w.ACL.Name, Description: w.ACL.Description, LockToken: aws.String(w.LockToken)})
	}
	return out, nil
}

func (f *WAFv2) findACL(arn, id, name string, scope waftypes.Scope, region string) (*WAFWebACL, error) {
	for _, w := range f.WebACLs {
		if (arn != "" && aws.ToString(w.ACL.ARN) == arn) ||
			(arn == "" && aws.ToString(w.ACL.Id) == id && aws.ToString(w.ACL.Name) == name && w.Scope == scope && w.Region == region) {
			return w, nil
		}
	}
	return nil, wafNotFound("web ACL " + arn + id)
}

// GetWebACL returns one web ACL (by ARN, or by name, ID and scope) and
// its lock token.
func (f *WAFv2) GetWebACL(ctx context.Context, in *wafv2.GetWebACLInput, optFns ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region := f.callRegion(ctx, optFns)
	if in.ARN == nil {
		if err := f.checkScope(in.Scope, region); err != nil {
			return nil, err
		}
	}
	w, err := f.findACL(aws.ToString(in.ARN), aws.ToString(in.Id), aws.ToString(in.Name), in.Scope, region)
	if err != nil {
		return nil, err
	}
	acl, err := deepCopyJSON(&w.ACL)
	if err != nil {
		return nil, err
	}
	return &wafv2.GetWebACLOutput{WebACL: acl, LockToken: aws.String(w.LockToken)}, nil
}

// ListLoggingConfigurations lists the logging configurations of a scope
// in the Region, paginated by NextMarker.
func (f *WAFv2) ListLoggingConfigurations(ctx context.Context, in *wafv2.ListLoggingConfigurationsInput, optFns ...func(*wafv2.Options)) (*wafv2.ListLoggingConfigurationsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region := f.callRegion(ctx, optFns)
	if err := f.checkScope(in.Scope, region); err != nil {
		return nil, err
	}
	var all []waftypes.LoggingConfiguration
	for _, w := range f.inScope(in.Scope, region) {
		if lc, ok := f.Logging[aws.ToString(w.ACL.ARN)]; ok {
			all = append(all, lc)
		}
	}
	items, next, err := page(f.acct, all, in.NextMarker, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &wafv2.ListLoggingConfigurationsOutput{LoggingConfigurations: items, NextMarker: next}, nil
}

// GetLoggingConfiguration returns a web ACL's logging configuration, or
// WAFNonexistentItemException when logging is off.
func (f *WAFv2) GetLoggingConfiguration(ctx context.Context, in *wafv2.GetLoggingConfigurationInput, optFns ...func(*wafv2.Options)) (*wafv2.GetLoggingConfigurationOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	lc, ok := f.Logging[aws.ToString(in.ResourceArn)]
	if !ok {
		return nil, wafNotFound("logging configuration for " + aws.ToString(in.ResourceArn))
	}
	return &wafv2.GetLoggingConfigurationOutput{LoggingConfiguration: &lc}, nil
}

// PutLoggingConfiguration turns logging on for a web ACL. The destination
// must be a Firehose stream, log group or bucket whose name starts with
// "aws-waf-logs-", as AWS requires.
func (f *WAFv2) PutLoggingConfiguration(ctx context.Context, in *wafv2.PutLoggingConfigurationInput, optFns ...func(*wafv2.Options)) (*wafv2.PutLoggingConfigurationOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	lc := in.LoggingConfiguration
	if lc == nil || lc.ResourceArn == nil || len(lc.LogDestinationConfigs) != 1 {
		return nil, &waftypes.WAFInvalidParameterException{Message: aws.String("a logging configuration needs a ResourceArn and exactly one destination")}
	}
	if _, err := f.findACL(*lc.ResourceArn, "", "", "", ""); err != nil {
		return nil, err
	}
	if !strings.Contains(lc.LogDestinationConfigs[0], "aws-waf-logs-") {
		return nil, &waftypes.WAFInvalidParameterException{Message: aws.String("the log destination name must start with aws-waf-logs-")}
	}
	if f.Logging == nil {
		f.Logging = map[string]waftypes.LoggingConfiguration{}
	}
	stored, err := deepCopyJSON(lc)
	if err != nil {
		return nil, err
	}
	f.Logging[*lc.ResourceArn] = *stored
	return &wafv2.PutLoggingConfigurationOutput{LoggingConfiguration: lc}, nil
}

// GetWebACLForResource returns the web ACL associated with a regional
// resource; WebACL is nil when there is none, as in AWS.
func (f *WAFv2) GetWebACLForResource(ctx context.Context, in *wafv2.GetWebACLForResourceInput, optFns ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	arn := f.Associations[aws.ToString(in.ResourceArn)]
	if arn == "" {
		return &wafv2.GetWebACLForResourceOutput{}, nil
	}
	w, err := f.findACL(arn, "", "", "", "")
	if err != nil {
		return nil, err
	}
	acl, err := deepCopyJSON(&w.ACL)
	if err != nil {
		return nil, err
	}
	return &wafv2.GetWebACLForResourceOutput{WebACL: acl}, nil
}

// AssociateWebACL associates a REGIONAL web ACL of the call's Region with
// a regional resource, replacing any previous association (as AWS does).
func (f *WAFv2) AssociateWebACL(ctx context.Context, in *wafv2.AssociateWebACLInput, optFns ...func(*wafv2.Options)) (*wafv2.AssociateWebACLOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region := f.callRegion(ctx, optFns)
	w, err := f.findACL(aws.ToString(in.WebACLArn), "", "", "", "")
	if err != nil {
		return nil, err
	}
	if w.Scope != waftypes.ScopeRegional || w.Region != region || !strings.Contains(aws.ToString(in.ResourceArn), ":"+region+":") {
		return nil, &waftypes.WAFInvalidParameterException{Message: aws.String("the web ACL and the resource must be REGIONAL and in the Region of the call")}
	}
	if f.Associations == nil {
		f.Associations = map[string]string{}
	}
	f.Associations[aws.ToString(in.ResourceArn)] = aws.ToString(in.WebACLArn)
	return &wafv2.AssociateWebACLOutput{}, nil
}
