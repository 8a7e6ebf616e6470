package fakeaws

import "testing"

func TestIncidentDemoSeeds(t *testing.T) {
	a := Demo()
	if n := len(a.CloudFormation.Region("us-east-1").Stacks); n != 5 {
		t.Errorf("us-east-1 stacks = %d, want 5", n)
	}
	if n := len(a.EventBridge.Region("eu-west-1").Rules); n != 3 {
		t.Errorf("eu-west-1 rules = %d, want 3", n)
	}
	if a.IAM.userLocked("ci-deploy") == nil {
		t.Error("no ci-deploy user")
	}
}
