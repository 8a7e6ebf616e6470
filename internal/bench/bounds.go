// Package bench measures what a secpillar run costs on a large account:
// API calls per service against the lower bound the page sizes allow for
// the same data, against the calls a per-resource strategy would make,
// wall time under injected latency and throttling, and memory.
//
// The benchmark itself is BenchmarkCatalogue (go test -bench); this file
// holds the arithmetic it reports, so that TestCatalogueCallBudget can use
// the same bounds to fail CI on a regression.
package bench

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

// AWS's documented page maxima (the most a single page may return when the
// caller asks for it). The fake has one page size for every operation
// (Account.PageSize) and also honours a smaller limit sent by the caller, so
// the page a bound assumes is min(AWS maximum, fake page size).
const (
	maxIAM            = 1000  // IAM MaxItems (GetAccountAuthorizationDetails, List*)
	maxEC2            = 1000  // EC2 MaxResults for DescribeSecurityGroups/Rules, Snapshots, Instances, Vpcs, Subnets, ...
	maxEC2NACL        = 100   // DescribeNetworkAcls MaxResults 5..100
	maxEC2Volumes     = 500   // DescribeVolumes MaxResults 5..500
	maxS3Buckets      = 10000 // ListBuckets MaxBuckets (default and maximum 10,000)
	maxKMS            = 1000  // KMS Limit 1..1000
	maxRDS            = 100   // RDS MaxRecords 20..100
	maxCloudFront     = 1000  // CloudFront MaxItems
	credReportCalls   = 2     // GenerateCredentialReport + GetCredentialReport (no polling if the report is fresh)
	singletonPerScope = 1     // one call per Region the operation is needed in (or once for a global service)
)

// Data counts the resources of the synthetic account that the bounds are
// computed from. They are read from the fake's state (or listed from it
// directly, bypassing the call log), so they are the same data the run saw.
type Data struct {
	Regions     int
	Users       int
	Roles       int
	Groups      int
	Policies    int // managed policies in the account's view (customer and AWS)
	VirtualMFAs int
	Buckets     int
	// Per Region, summed over Regions.
	SecurityGroups     int
	SecurityGroupRules int
	NACLs              int
	Volumes            int
	Snapshots          int
	Instances          int
	Vpcs               int
	Subnets            int
	Keys               int
	Databases          int
	Distributions      int
	// PerRegion holds the same per-Region counts for each Region, so that
	// a bound rounds pages up per Region.
	PerRegion map[string]RegionData
}

// RegionData is the data of one Region.
type RegionData struct {
	SecurityGroups, SecurityGroupRules, NACLs, Volumes, Snapshots, Instances, Vpcs, Subnets, Keys, Databases int
}

// Inventory counts the account's data. Call it before the run: it lists
// some services through Account.Invoke and then empties the call log.
func Inventory(acct *fakeaws.Account) Data {
	d := Data{PerRegion: map[string]RegionData{}}
	d.Users = len(acct.IAM.Users)
	d.Roles = len(acct.IAM.Roles)
	d.Groups = len(acct.IAM.Groups)
	d.Policies = len(acct.IAM.Policies)
	d.VirtualMFAs = len(acct.IAM.VirtualMFA)
	ctx := context.Background()
	for _, r := range acct.EnabledRegions() {
		d.Regions++
		e := acct.EC2.Region(r)
		rd := RegionData{
			SecurityGroups: len(e.SecurityGroups), SecurityGroupRules: len(e.SecurityGroupRules),
			NACLs: len(e.NetworkAcls), Volumes: len(e.Volumes), Snapshots: len(e.Snapshots),
			Instances: len(e.Instances), Vpcs: len(e.Vpcs), Subnets: len(e.Subnets),
		}
		rd.Keys = countPages(ctx, acct, "KMS", "ListKeys", r, &kms.ListKeysInput{}, "Keys")
		rd.Databases = countPages(ctx, acct, "RDS", "DescribeDBInstances", r, &rds.DescribeDBInstancesInput{}, "DBInstances")
		d.PerRegion[r] = rd
		d.SecurityGroups += rd.SecurityGroups
		d.SecurityGroupRules += rd.SecurityGroupRules
		d.NACLs += rd.NACLs
		d.Volumes += rd.Volumes
		d.Snapshots += rd.Snapshots
		d.Instances += rd.Instances
		d.Vpcs += rd.Vpcs
		d.Subnets += rd.Subnets
		d.Keys += rd.Keys
		d.Databases += rd.Databases
	}
	d.Buckets = countPages(ctx, acct, "S3", "ListBuckets", fakeaws.DefaultRegion, &s3.ListBucketsInput{}, "Buckets")
	d.Distributions = countPages(ctx, acct, "CloudFront", "ListDistributions", fakeaws.DefaultRegion, &cloudfront.ListDistributionsInput{}, "DistributionList.Items")
	acct.ResetCalls()
	return d
}

// countPages lists every page of op straight from the fake and counts the
// items in the named field (a dotted path). An operation the fake does not
// serve counts 0: no check can read it either.
func countPages(ctx context.Context, acct *fakeaws.Account, service, op, region string, in any, field string) int {
	n := 0
	for page := 0; page < 100000; page++ {
		out, err := acct.Invoke(ctx, service, op, region, in)
		if err != nil {
			return n
		}
		v := reflect.ValueOf(out)
		for _, name := range strings.Split(field, ".") {
			for v.Kind() == reflect.Pointer {
				if v.IsNil() {
					return n
				}
				v = v.Elem()
			}
			v = v.FieldByName(name)
			if !v.IsValid() {
				return n
			}
		}
		n += v.Len()
		tok := nextToken(out)
		if tok == nil {
			return n
		}
		if !setToken(in, *tok) {
			return n
		}
	}
	return n
}

func nextToken(out any) *string {
	v := reflect.ValueOf(out).Elem()
	for _, name := range []string{"NextToken", "Marker", "NextMarker", "ContinuationToken"} {
		f := v.FieldByName(name)
		if f.IsValid() && f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String && !f.IsNil() && f.Elem().String() != "" {
			return aws.String(f.Elem().String())
		}
	}
	if dl := v.FieldByName("DistributionList"); dl.IsValid() && !dl.IsNil() {
		if m := dl.Elem().FieldByName("NextMarker"); !m.IsNil() && m.Elem().String() != "" {
			return aws.String(m.Elem().String())
		}
	}
	return nil
}

func setToken(in any, tok string) bool {
	v := reflect.ValueOf(in).Elem()
	for _, name := range []string{"NextToken", "Marker", "ContinuationToken"} {
		f := v.FieldByName(name)
		if f.IsValid() && f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String {
			f.Set(reflect.ValueOf(aws.String(tok)))
			return true
		}
	}
	return false
}

func ceilDiv(n, page int) int {
	if n <= 0 {
		return 1 // an empty listing still costs one call
	}
	return (n + page - 1) / page
}

// pageOf is the page a bound assumes: AWS's maximum, capped by the fake's.
func pageOf(awsMax, fakePage int) int {
	if fakePage > 0 && fakePage < awsMax {
		return fakePage
	}
	return awsMax
}

// Bound is the minimum number of calls an operation family needs for the
// data, and how it was computed.
type Bound struct {
	Family  string // operations that one bulk read serves share a family and are counted once
	Calls   int
	Formula string
	// Model is what a per-resource strategy spends on the same data: list
	// with default pages, then one read per resource and sub-document.
	Model int
}

// boundFor returns the lower bound of the family op belongs to, given the
// Regions the run called it in. The families and their formulas:
//
//   - iam-authz: GetAccountAuthorizationDetails returns users, groups,
//     roles and managed policies with their inline and attached policies,
//     group memberships and trust policies, so any per-entity IAM read
//     (ListUsers, ListAttachedUserPolicies, GetRolePolicy, GetPolicyVersion,
//     ...) is bounded by ceil((users+groups+roles+policies) / page).
//   - iam-credreport: the credential report carries passwords, keys, key
//     last use and MFA of every user and root: Generate + Get = 2 calls
//     whatever the number of users (ListAccessKeys, GetAccessKeyLastUsed,
//     ListMFADevices, GetLoginProfile are in this family).
//   - ec2-sg-rules: DescribeSecurityGroupRules, ceil(rules_r / 1000) per
//     Region r; ec2-sg: DescribeSecurityGroups, ceil(groups_r / 1000).
//   - ec2-nacl: ceil(nacls_r / 100); ec2-volumes: ceil(volumes_r / 500);
//     ec2-snapshots: ceil(snapshots_r / 1000); ec2-snapshot-public: one
//     DescribeSnapshots(RestorableByUserIds=all) per Region finds the
//     public ones, so per-snapshot DescribeSnapshotAttribute is bounded by
//     1 per Region (sharing with named accounts needs the attribute).
//   - ec2-instances, ec2-vpcs, ec2-subnets: ceil(n_r / 1000).
//   - s3-list: ListBuckets (and GetBucketLocation, now in ListBuckets'
//     BucketRegion) ceil(buckets / 10000); s3-bucket-<op>: S3 has no bulk
//     read of bucket sub-documents (policy, ACL, encryption, ...), so one
//     call per bucket per sub-document IS the bound.
//   - kms-list: ceil(keys_r / 1000); kms-key-<op>: per key (no bulk read of
//     rotation status or key policy).
//   - rds-instances: ceil(databases_r / 100).
//   - cloudfront-list: ceil(distributions / 1000); cloudfront-dist-<op>:
//     per distribution (logging and origins' settings are only in the
//     distribution's config).
//   - anything else: a singleton read, one call per Region it was called
//     in (or once for a global service). An operation that scales with the
//     data and lands here shows a ratio above 1: give it a family.
func boundFor(service, op string, regions []string, d Data, fakePage int, p fakeaws.SyntheticParams) Bound {
	b := boundOnly(service, op, regions, d, fakePage)
	b.Model = familyModel(b, len(regions), p)
	return b
}

// capPerResource lowers a per-resource bound to the calls made when a
// check reads a sub-document for only some resources (an ACL only where
// Block Public Access does not neutralise it): the bound is for the data
// actually read, which is at most one call per resource.
func capPerResource(b Bound, calls int) Bound {
	uncounted := b.Calls == uncountedBound
	if (strings.HasSuffix(b.Formula, "(no bulk read)") || uncounted) && calls < b.Calls {
		if uncounted {
			b.Formula = fmt.Sprintf("%d %s", calls, b.Formula)
		} else {
			b.Formula = fmt.Sprintf("%d of %s", calls, b.Formula)
		}
		b.Calls = calls
	}
	if b.Model == uncountedBound {
		b.Model = b.Calls // a per-resource strategy reads them the same way
	}
	return b
}

// uncountedBound marks a family whose resources Inventory does not count:
// its bound becomes the calls made (ratio 1 by construction).
const uncountedBound = 1 << 30

func boundOnly(service, op string, regions []string, d Data, fakePage int) Bound {
	perRegion := func(family, formula string, n func(RegionData) int, awsMax int) Bound {
		page := pageOf(awsMax, fakePage)
		total := 0
		for _, r := range regions {
			total += ceilDiv(n(d.PerRegion[r]), page)
		}
		return mk(family, total, fmt.Sprintf("sum over %d Regions of ceil(%s/%d)", len(regions), formula, page))
	}
	perResource := func(family string, n int, what string) Bound {
		return mk(family+"-"+op, n, fmt.Sprintf("%d %s (no bulk read)", n, what))
	}
	switch service + "." + op {
	case "IAM.GetAccountAuthorizationDetails", "IAM.ListUsers", "IAM.ListRoles", "IAM.ListGroups", "IAM.ListPolicies",
		"IAM.GetPolicy", "IAM.GetPolicyVersion", "IAM.ListPolicyVersions", "IAM.GetUser", "IAM.GetRole", "IAM.GetGroup",
		"IAM.ListAttachedUserPolicies", "IAM.ListUserPolicies", "IAM.GetUserPolicy",
		"IAM.ListAttachedRolePolicies", "IAM.ListRolePolicies", "IAM.GetRolePolicy",
		"IAM.ListAttachedGroupPolicies", "IAM.ListGroupPolicies", "IAM.GetGroupPolicy",
		"IAM.ListGroupsForUser", "IAM.ListEntitiesForPolicy":
		n := d.Users + d.Roles + d.Groups + d.Policies
		page := pageOf(maxIAM, fakePage)
		return mk("iam-authz", ceilDiv(n, page), fmt.Sprintf("ceil((users+roles+groups+policies=%d)/%d)", n, page))
	case "IAM.GenerateCredentialReport", "IAM.GetCredentialReport", "IAM.ListAccessKeys", "IAM.GetAccessKeyLastUsed",
		"IAM.ListMFADevices", "IAM.GetLoginProfile":
		return mk("iam-credreport", credReportCalls, "Generate + Get credential report")
	case "IAM.ListVirtualMFADevices":
		page := pageOf(maxIAM, fakePage)
		return mk("iam-vmfa", ceilDiv(d.VirtualMFAs, page), fmt.Sprintf("ceil(virtual MFA devices=%d/%d)", d.VirtualMFAs, page))
	case "EC2.DescribeSecurityGroupRules":
		return perRegion("ec2-sg-rules", "rules_r", func(r RegionData) int { return r.SecurityGroupRules }, maxEC2)
	case "EC2.DescribeSecurityGroups":
		return perRegion("ec2-sg", "groups_r", func(r RegionData) int { return r.SecurityGroups }, maxEC2)
	case "EC2.DescribeNetworkAcls":
		return perRegion("ec2-nacl", "nacls_r", func(r RegionData) int { return r.NACLs }, maxEC2NACL)
	case "EC2.DescribeVolumes":
		return perRegion("ec2-volumes", "volumes_r", func(r RegionData) int { return r.Volumes }, maxEC2Volumes)
	case "EC2.DescribeSnapshots":
		return perRegion("ec2-snapshots", "snapshots_r", func(r RegionData) int { return r.Snapshots }, maxEC2)
	case "EC2.DescribeSnapshotAttribute":
		return mk("ec2-snapshot-public", len(regions), "1 DescribeSnapshots(RestorableByUserIds=all) per Region")
	case "EC2.DescribeInstances", "EC2.DescribeInstanceAttribute":
		return perRegion("ec2-instances", "instances_r", func(r RegionData) int { return r.Instances }, maxEC2)
	case "EC2.DescribeVpcs":
		return perRegion("ec2-vpcs", "vpcs_r", func(r RegionData) int { return r.Vpcs }, maxEC2)
	case "EC2.DescribeSubnets":
		return perRegion("ec2-subnets", "subnets_r", func(r RegionData) int { return r.Subnets }, maxEC2)
	case "S3.ListBuckets", "S3.GetBucketLocation":
		page := pageOf(maxS3Buckets, fakePage)
		return mk("s3-list", ceilDiv(d.Buckets, page), fmt.Sprintf("ceil(buckets=%d/%d)", d.Buckets, page))
	case "KMS.ListKeys":
		return perRegion("kms-list", "keys_r", func(r RegionData) int { return r.Keys }, maxKMS)
	case "RDS.DescribeDBInstances":
		return perRegion("rds-instances", "databases_r", func(r RegionData) int { return r.Databases }, maxRDS)
	case "WAFV2.ListWebACLs", "WAFV2.ListLoggingConfigurations":
		// One REGIONAL read per Region, and the CLOUDFRONT scope once, from
		// us-east-1.
		n := max(1, len(regions))
		return mk("wafv2-"+op, n+1, fmt.Sprintf("1 REGIONAL per Region called (%d) + 1 CLOUDFRONT", n))
	case "CloudFront.ListDistributions":
		page := pageOf(maxCloudFront, fakePage)
		return mk("cloudfront-list", ceilDiv(d.Distributions, page), fmt.Sprintf("ceil(distributions=%d/%d)", d.Distributions, page))
	}
	switch {
	case service == "S3" && strings.HasPrefix(op, "GetBucket"), service == "S3" && op == "GetPublicAccessBlock", service == "S3" && op == "GetObjectLockConfiguration":
		return perResource("s3-bucket", d.Buckets, "buckets")
	case service == "KMS" && (op == "DescribeKey" || op == "GetKeyRotationStatus" || op == "GetKeyPolicy" || op == "ListResourceTags" || op == "ListKeyPolicies"):
		return perResource("kms-key", d.Keys, "keys")
	case service == "CloudFront" && (op == "GetDistribution" || op == "GetDistributionConfig"):
		return perResource("cloudfront-dist", d.Distributions, "distributions")
	case pagedLists[service+"."+op]:
		// A bulk listing whose items the inventory does not count: the
		// bound is the pages read (capped in Costs), ratio 1 by construction.
		return Bound{Family: "list-" + op, Calls: uncountedBound, Formula: "pages of a bulk listing (items not inventoried)"}
	case perResourceOnly[service+"."+op]:
		// One call per resource and no bulk alternative; the count is the
		// calls made (capped in Costs), so the ratio is 1 by construction.
		return Bound{Family: "per-" + op, Calls: uncountedBound, Formula: "calls, one per resource (no bulk read exists)"}
	}
	return mk("single-"+service+"."+op, singletonPerScope*max(1, len(regions)), fmt.Sprintf("1 per Region called (%d)", max(1, len(regions))))
}

// perResourceOnly are reads AWS offers only per resource (a stack's drift,
// a parameter group's parameters, a snapshot's sharing attribute, a trail's
// status): their bound is one call per resource read.
var perResourceOnly = map[string]bool{
	"CloudFormation.DetectStackDrift": true, "CloudFormation.DescribeStackDriftDetectionStatus": true,
	"CloudFormation.DescribeStackResourceDrifts": true,
	"RDS.DescribeDBParameters":                   true, "RDS.DescribeDBClusterParameters": true,
	"RDS.DescribeDBSnapshotAttributes": true, "RDS.DescribeDBClusterSnapshotAttributes": true,
	"CloudTrail.GetTrailStatus": true, "CloudTrail.GetEventSelectors": true,
	"SNS.ListSubscriptionsByTopic": true, "SNS.GetTopicAttributes": true,
	"CloudWatch Logs.DescribeMetricFilters": true,
	"EC2.DescribeImageAttribute":            true,
	"WAFV2.GetWebACL":                       true, "WAFV2.GetLoggingConfiguration": true,
	"ELBv2.DescribeListeners": true, "Elastic Load Balancing v2.DescribeListeners": true,
	"Elastic Load Balancing v2.DescribeLoadBalancerAttributes": true,
	"EventBridge.ListTargetsByRule":                            true,
}

// pagedLists are bulk listings whose item counts Inventory does not take.
var pagedLists = map[string]bool{
	"RDS.DescribeDBClusters": true, "RDS.DescribeDBSnapshots": true, "RDS.DescribeDBClusterSnapshots": true,
	"RDS.DescribeDBParameterGroups": true, "RDS.DescribeDBClusterParameterGroups": true,
	"CloudWatch Logs.DescribeLogGroups": true, "CloudFormation.DescribeStacks": true,
	"Inspector2.ListFindings": true, "GuardDuty.ListFindings": true, "EC2.DescribeImages": true,
}

// ServiceCost is one service's row of the report.
type ServiceCost struct {
	Service string
	Calls   int // calls the run made (retries of throttled calls included)
	Bound   int // lower bound for the same data
	Model   int // a per-resource strategy's calls for the same data
	// Ops lists the operations with calls, bound and formula.
	Ops []OpCost
}

// OpCost is one operation's calls beside its family's bound.
type OpCost struct {
	Operation string
	Calls     int
	Bound     Bound
}

// Ratio returns Calls/Bound.
func (s ServiceCost) Ratio() float64 {
	if s.Bound == 0 {
		return 0
	}
	return float64(s.Calls) / float64(s.Bound)
}

// Costs groups the call log by service and computes each service's bound:
// the sum over the families its operations belong to, each counted once.
func Costs(calls []fakeaws.Call, d Data, fakePage int, p fakeaws.SyntheticParams) []ServiceCost {
	type key struct{ svc, op string }
	count := map[key]int{}
	regions := map[key]map[string]bool{}
	for _, c := range calls {
		k := key{c.Service, c.Operation}
		count[k]++
		if regions[k] == nil {
			regions[k] = map[string]bool{}
		}
		regions[k][c.Region] = true
	}
	bySvc := map[string]*ServiceCost{}
	families := map[string]map[string]Bound{} // service -> family -> bound
	for k, n := range count {
		var rs []string
		for r := range regions[k] {
			rs = append(rs, r)
		}
		sort.Strings(rs)
		if globalService(k.svc) {
			rs = rs[:1]
		}
		b := capPerResource(boundFor(k.svc, k.op, rs, d, fakePage, p), n)
		sc := bySvc[k.svc]
		if sc == nil {
			sc = &ServiceCost{Service: k.svc}
			bySvc[k.svc] = sc
			families[k.svc] = map[string]Bound{}
		}
		sc.Calls += n
		sc.Ops = append(sc.Ops, OpCost{k.op, n, b})
		f := families[k.svc][modelKey(b.Family)]
		f.Calls, f.Model = max(f.Calls, b.Calls), max(f.Model, b.Model)
		families[k.svc][modelKey(b.Family)] = f
	}
	var out []ServiceCost
	for svc, sc := range bySvc {
		for _, b := range families[svc] {
			sc.Bound += b.Calls
			sc.Model += b.Model
		}
		sort.Slice(sc.Ops, func(i, j int) bool { return sc.Ops[i].Operation < sc.Ops[j].Operation })
		out = append(out, *sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// modelKey merges families that a per-resource strategy reads the same
// way (security groups with their rules).
func modelKey(family string) string {
	if family == "ec2-sg-rules" {
		return "ec2-sg"
	}
	return family
}

func globalService(s string) bool {
	switch s {
	case "IAM", "Organizations", "CloudFront", "Route 53", "Global Accelerator", "Shield", "Account":
		return true
	}
	return false
}

// familyModel returns the calls a per-resource scanning strategy (list
// with the default page of 100, then read every resource's sub-documents
// one call at a time) makes for the data of one family, computed from the
// synthetic parameters p (r is the number of Regions the family was read
// in):
//
//	iam-authz:           ListUsers ceil(U/100) + U x (ListAttachedUserPolicies, ListUserPolicies, ListGroupsForUser)
//	                     + ListRoles ceil(R/100) + R x (ListAttachedRolePolicies, ListRolePolicies)
//	                     + ListPolicies ceil(P/100) + P x GetPolicyVersion
//	iam-credreport:      ListUsers ceil(U/100) + U x (ListAccessKeys, GetAccessKeyLastUsed for one key,
//	                     ListMFADevices, GetLoginProfile)
//	ec2-sg, ec2-sg-rules: r x (DescribeSecurityGroups + SG x DescribeSecurityGroups(GroupIds=[id]))
//	ec2-snapshots:       r x ceil(S/100)
//	ec2-snapshot-public: r x S x DescribeSnapshotAttribute
//	s3-list:             ListBuckets + B x GetBucketLocation
//	s3-bucket-<op>:      B (the same as the bound: S3 has no bulk read)
//	kms-key-<op>:        r x K;  cloudfront-dist-<op>: D
//	anything else:       the bound (a per-resource strategy lists the same way)
func familyModel(b Bound, r int, p fakeaws.SyntheticParams) int {
	c := func(n int) int { return ceilDiv(n, 100) }
	switch {
	case b.Family == "iam-authz":
		return c(p.Users) + 3*p.Users + c(p.Roles) + 2*p.Roles + c(p.Policies) + p.Policies
	case b.Family == "iam-credreport":
		return c(p.Users) + 4*p.Users
	case b.Family == "ec2-sg" || b.Family == "ec2-sg-rules":
		return r * (1 + p.SecurityGroupsPerRegion)
	case b.Family == "ec2-snapshots":
		return r * c(p.SnapshotsPerRegion)
	case b.Family == "ec2-snapshot-public":
		return r * p.SnapshotsPerRegion
	case b.Family == "s3-list":
		return 1 + p.Buckets
	case strings.HasPrefix(b.Family, "s3-bucket-"):
		return p.Buckets
	case strings.HasPrefix(b.Family, "kms-key-"):
		return r * p.KeysPerRegion
	case strings.HasPrefix(b.Family, "cloudfront-dist-"):
		return p.Distributions
	}
	return b.Calls
}

// WriteTable prints the per-service table.
func WriteTable(w io.Writer, costs []ServiceCost) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "service\tcalls\tlower bound\tcalls/bound\tper-resource model\tmodel/calls\t")
	var calls, bound, model int
	for _, s := range costs {
		model += s.Model
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%d\t%.1fx\t\n", s.Service, s.Calls, s.Bound, s.Ratio(), s.Model, float64(s.Model)/float64(max(1, s.Calls)))
		calls += s.Calls
		bound += s.Bound
	}
	fmt.Fprintf(tw, "TOTAL\t%d\t%d\t%.2f\t%d\t%.1fx\t\n", calls, bound, float64(calls)/float64(max(1, bound)), model, float64(model)/float64(max(1, calls)))
	tw.Flush()
}

// WriteOps prints every operation with its calls, family bound and formula.
func WriteOps(w io.Writer, costs []ServiceCost) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tcalls\tfamily\tbound\tper-resource\tformula")
	for _, s := range costs {
		for _, o := range s.Ops {
			fmt.Fprintf(tw, "%s.%s\t%d\t%s\t%d\t%d\t%s\n", s.Service, o.Operation, o.Calls, o.Bound.Family, o.Bound.Calls, o.Bound.Model, o.Bound.Formula)
		}
	}
	tw.Flush()
}

func mk(family string, calls int, formula string) Bound {
	return Bound{Family: family, Calls: calls, Formula: formula}
}
