package incident_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const acctID = "111122223333"

func newAccount(t *testing.T) (*fakeaws.Account, aws.Config) {
	t.Helper()
	acct := fakeaws.New(acctID)
	return acct, acct.Config()
}

func control(t *testing.T, id string) secpillar.Control {
	t.Helper()
	for _, c := range incidentControls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return secpillar.Control{}
}

// statuses maps resource ID to status.
func statuses(fs []secpillar.Finding) map[string]secpillar.Status {
	m := map[string]secpillar.Status{}
	for _, f := range fs {
		m[f.Resource.ID] = f.Status
	}
	return m
}

// writes counts calls of the given operations.
func writes(acct *fakeaws.Account, service string, ops ...string) int {
	n := 0
	for _, op := range ops {
		n += acct.CallCount(service, op)
	}
	return n
}

var bg = context.Background()
