package policy

import "slices"

// Escalation is a known IAM privilege-escalation path that a document
// allows: every action in Actions is allowed and none is denied.
type Escalation struct {
	// Name identifies the path, e.g. "iam:PassRole+ec2:RunInstances".
	Name string
	// Actions are the actions the path needs, in the order it uses them.
	Actions []string
}

// escalationPaths are the combinations PrivilegeEscalations looks for. Each
// lets a principal that holds them gain permissions it was not given.
var escalationPaths = [][]string{
	{"iam:CreatePolicyVersion"},
	{"iam:SetDefaultPolicyVersion"},
	{"iam:AttachUserPolicy"},
	{"iam:AttachGroupPolicy"},
	{"iam:AttachRolePolicy"},
	{"iam:PutUserPolicy"},
	{"iam:PutGroupPolicy"},
	{"iam:PutRolePolicy"},
	{"iam:CreateAccessKey"},
	{"iam:CreateLoginProfile"},
	{"iam:UpdateLoginProfile"},
	{"iam:AddUserToGroup"},
	{"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"},
	{"iam:PassRole", "ec2:RunInstances"},
	{"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"},
	{"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"},
	{"iam:PassRole", "cloudformation:CreateStack"},
	{"iam:PassRole", "glue:CreateDevEndpoint"},
	{"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"},
	{"iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"},
	{"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"},
	{"iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"},
	{"lambda:UpdateFunctionCode"},
	{"glue:UpdateDevEndpoint"},
}

// PrivilegeEscalations returns the known privilege-escalation paths the
// document allows, in a fixed order: every action of the path is allowed by
// some Allow statement (on any resource: a path on one role or function is
// still a path) and not denied by an unconditional Deny on every resource.
// Conditions on Allow statements are not evaluated. Name joins the actions
// with "+".
func PrivilegeEscalations(d *Document) []Escalation {
	if d == nil {
		return nil
	}
	allowed := map[string]bool{}
	isAllowed := func(action string) bool {
		if v, ok := allowed[action]; ok {
			return v
		}
		v := slices.ContainsFunc(d.Statements, func(s Statement) bool { return s.Effect == "Allow" && s.MatchesAction(action) && grantsSomeResource(s) }) &&
			!slices.ContainsFunc(d.Statements, func(s Statement) bool { return denyCoversAction(s, action) })
		allowed[action] = v
		return v
	}
	var out []Escalation
	for _, path := range escalationPaths {
		if !allAllowed(path, isAllowed) {
			continue
		}
		name := ""
		for i, a := range path {
			if i > 0 {
				name += "+"
			}
			name += a
		}
		out = append(out, Escalation{Name: name, Actions: slices.Clone(path)})
	}
	return out
}

func allAllowed(actions []string, allowed func(string) bool) bool {
	for _, a := range actions {
		if !allowed(a) {
			return false
		}
	}
	return true
}

// grantsSomeResource reports whether the statement's resource element can
// match anything: not an empty Resource list, not a NotResource of "*".
func grantsSomeResource(s Statement) bool {
	switch {
	case s.Resource != nil:
		return len(s.Resource) > 0
	case s.NotResource != nil:
		return !slices.ContainsFunc(s.NotResource, isStars)
	default:
		return true
	}
}
