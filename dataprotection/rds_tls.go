package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/secpillar/secpillar"
)

// ControlRDSTLSEnforced is the ID of the control that checks that the
// parameter group forces TLS.
const ControlRDSTLSEnforced = "dataprotection.rds-tls-enforced"

// RDSTLSEnforcedAPI is the part of the RDS API that CheckRDSTLSEnforced
// calls. *rds.Client satisfies it.
type RDSTLSEnforcedAPI interface {
	RDSDatabasesAPI
	DescribeDBParameters(ctx context.Context, in *rds.DescribeDBParametersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBParametersOutput, error)
	DescribeDBClusterParameters(ctx context.Context, in *rds.DescribeDBClusterParametersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClusterParametersOutput, error)
}

var _ RDSTLSEnforcedAPI = (*rds.Client)(nil)

// RDSTLSEnforcedRemediationAPI is what RemediateRDSTLSEnforced calls.
// *rds.Client satisfies it.
type RDSTLSEnforcedRemediationAPI interface {
	RDSTLSEnforcedAPI
	ModifyDBParameterGroup(ctx context.Context, in *rds.ModifyDBParameterGroupInput, optFns ...func(*rds.Options)) (*rds.ModifyDBParameterGroupOutput, error)
	ModifyDBClusterParameterGroup(ctx context.Context, in *rds.ModifyDBClusterParameterGroupInput, optFns ...func(*rds.Options)) (*rds.ModifyDBClusterParameterGroupOutput, error)
}

var _ RDSTLSEnforcedRemediationAPI = (*rds.Client)(nil)

// tlsParameter returns the parameter that forces TLS for an engine, with
// the values that mean "on", or "" when the engine has none (Oracle and
// Db2 use option groups; other engines are not covered).
func tlsParameter(engine string) (name string, on []string) {
	switch {
	case engine == "postgres" || engine == "aurora-postgresql" || strings.HasPrefix(engine, "sqlserver"):
		return "rds.force_ssl", []string{"1"}
	case engine == "mysql" || engine == "mariadb" || engine == "aurora-mysql" || engine == "aurora":
		return "require_secure_transport", []string{"1", "ON"}
	}
	return "", nil
}

// tlsGroup returns the parameter group that holds the TLS parameter of d
// and whether it is a cluster group: Aurora clusters and Multi-AZ DB
// clusters keep it in the cluster parameter group, instances in their
// instance group.
func tlsGroup(d rdsDB) (string, bool, error) {
	if len(d.paramGroups) == 0 {
		return "", false, fmt.Errorf("dataprotection: DB %s %s: the answer names no parameter group", d.kind(), d.Identifier)
	}
	return d.paramGroups[0], d.Cluster, nil
}

func readParameter(ctx context.Context, api RDSTLSEnforcedAPI, group string, cluster bool, name string) (string, bool, error) {
	var value string
	var found bool
	visit := func(ps []rdstypes.Parameter) {
		for _, p := range ps {
			if aws.ToString(p.ParameterName) == name {
				value, found = aws.ToString(p.ParameterValue), p.ParameterValue != nil
			}
		}
	}
	if cluster {
		p := rds.NewDescribeDBClusterParametersPaginator(api, &rds.DescribeDBClusterParametersInput{DBClusterParameterGroupName: aws.String(group)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", false, fmt.Errorf("dataprotection: read cluster parameter group %s: %w", group, err)
			}
			visit(page.Parameters)
		}
	} else {
		p := rds.NewDescribeDBParametersPaginator(api, &rds.DescribeDBParametersInput{DBParameterGroupName: aws.String(group)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", false, fmt.Errorf("dataprotection: read parameter group %s: %w", group, err)
			}
			visit(page.Parameters)
		}
	}
	return value, found, nil
}

func isDefaultGroup(name string) bool { return strings.HasPrefix(name, "default.") }

// CheckRDSTLSEnforced reports whether the parameter group of every DB
// cluster and every DB instance that is not a cluster member forces TLS:
// rds.force_ssl=1 (PostgreSQL, SQL Server) or require_secure_transport=ON
// (MySQL, MariaDB) (RDS.38, RDS.39). Each parameter group is read once.
// Engines without such a parameter are NOT_APPLICABLE.
func CheckRDSTLSEnforced(ctx context.Context, api RDSTLSEnforcedAPI) ([]secpillar.Finding, error) {
	type key struct {
		group   string
		cluster bool
		param   string
	}
	cache := map[key]string{}
	const c, sev = ControlRDSTLSEnforced, secpillar.SeverityMedium
	return eachDatabase(ctx, api, true, func(d rdsDB) (secpillar.Finding, error) {
		if d.engine == "" {
			return secpillar.Finding{}, fmt.Errorf("dataprotection: %s %s: the answer does not name its engine", d.kind(), d.Identifier)
		}
		name, on := tlsParameter(d.engine)
		if name == "" {
			return notApplicable(c, sev, d.resource(), "The engine "+d.engine+" has no parameter that forces TLS; configure TLS in its option group or client.", map[string]string{"engine": d.engine}), nil
		}
		group, cluster, err := tlsGroup(d)
		if err != nil {
			return secpillar.Finding{}, err
		}
		k := key{group, cluster, name}
		v, ok := cache[k]
		if !ok {
			val, found, err := readParameter(ctx, api, group, cluster, name)
			if err != nil {
				return secpillar.Finding{}, err
			}
			if !found {
				val = "unset"
			}
			cache[k], v = val, val
		}
		ev := map[string]string{"engine": d.engine, "parameter_group": group, "parameter": name, "value": v}
		for _, o := range on {
			if strings.EqualFold(v, o) {
				return pass(c, sev, d.resource(), "The parameter group forces TLS ("+name+"="+v+").", ev), nil
			}
		}
		reason := "The parameter group does not force TLS (" + name + "=" + v + "); set it to " + on[0] + "."
		if isDefaultGroup(group) {
			reason = "The default parameter group " + group + " does not force TLS and cannot be changed; create a custom parameter group with " + name + "=" + on[0] + " and attach it."
		}
		return fail(c, sev, d.resource(), reason, ev), nil
	})
}

// RemediateRDSTLSEnforced sets the TLS parameter in the custom parameter
// group of db (applied immediately; the parameters are dynamic) and
// re-reads. Default parameter groups cannot be changed: it returns an
// error saying to create and attach a custom group. Every database that
// shares the group is affected.
func RemediateRDSTLSEnforced(ctx context.Context, api RDSTLSEnforcedRemediationAPI, db Database, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if err := validDatabase(db); err != nil {
		return secpillar.Remediation{}, err
	}
	d, err := readOne(ctx, api, db)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlRDSTLSEnforced, Resource: d.resource()}
	if d.engine == "" {
		return rem, fmt.Errorf("dataprotection: %s %s: the answer does not name its engine", d.kind(), db.Identifier)
	}
	name, on := tlsParameter(d.engine)
	if name == "" {
		return rem, fmt.Errorf("dataprotection: engine %s of %s has no parameter that forces TLS", d.engine, db.Identifier)
	}
	group, cluster, err := tlsGroup(d)
	if err != nil {
		return rem, err
	}
	v, _, err := readParameter(ctx, api, group, cluster, name)
	if err != nil {
		return rem, err
	}
	for _, o := range on {
		if strings.EqualFold(v, o) {
			rem.Outcome = secpillar.OutcomeCompliant
			return rem, nil
		}
	}
	if isDefaultGroup(group) {
		return rem, fmt.Errorf("dataprotection: %s uses the default parameter group %s, which cannot be changed: create a custom parameter group with %s=%s and attach it (attaching needs a reboot)", db.Identifier, group, name, on[0])
	}
	action := "rds:ModifyDBParameterGroup"
	if cluster {
		action = "rds:ModifyDBClusterParameterGroup"
	}
	before := v
	if before == "" {
		before = "unset"
	}
	rem.Changes = []secpillar.Change{{Resource: d.resource(), Action: action, Field: group + ":" + name, Before: before, After: on[0]}}
	rem.Undo = "Set " + name + " back to " + before + " in parameter group " + group + "."
	rem.Notes = []string{"Every database using parameter group " + group + " now refuses connections without TLS."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	param := rdstypes.Parameter{ParameterName: aws.String(name), ParameterValue: aws.String(on[0]), ApplyMethod: rdstypes.ApplyMethodImmediate}
	if cluster {
		_, err = api.ModifyDBClusterParameterGroup(ctx, &rds.ModifyDBClusterParameterGroupInput{DBClusterParameterGroupName: aws.String(group), Parameters: []rdstypes.Parameter{param}})
	} else {
		_, err = api.ModifyDBParameterGroup(ctx, &rds.ModifyDBParameterGroupInput{DBParameterGroupName: aws.String(group), Parameters: []rdstypes.Parameter{param}})
	}
	if err != nil {
		return rem, fmt.Errorf("dataprotection: set %s in parameter group %s: %w", name, group, err)
	}
	got, _, err := readParameter(ctx, api, group, cluster, name)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(strings.EqualFold(got, on[0]))
	return rem, nil
}
