package identity

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// now is the clock of every test account.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const testAccount = "111122223333"

func newAccount() *fakeaws.Account {
	acct := fakeaws.New(testAccount)
	acct.Now = func() time.Time { return now }
	acct.IAM.ReportReadyAfter = -1 // reports complete at once unless a test says otherwise
	return acct
}

// respond answers every call of one operation with out and err.
func respond(acct *fakeaws.Account, service, op string, out any, err error) {
	acct.Inject(fakeaws.Fault{Service: service, Operation: op, Respond: func(context.Context, any) (any, error) { return out, err }})
}

func days(n int) time.Time { return now.AddDate(0, 0, -n) }

func ptr[T any](v T) *T { return &v }

// demoAccount is the demo account on the test clock, with reports that
// complete at once and ListAccounts answered (the report helper fakes it
// in its own file).
func demoAccount() *fakeaws.Account {
	acct := fakeaws.Demo()
	acct.Now = func() time.Time { return now }
	acct.IAM.ReportReadyAfter = -1
	return acct
}

// statuses renders findings as "name=STATUS", name being the last path
// element of the resource ID ("account" for account-level findings).
func statuses(fs []secpillar.Finding) []string {
	var out []string
	for _, f := range fs {
		name := f.Resource.ID[strings.LastIndex(f.Resource.ID, "/")+1:]
		if f.Resource.Type == secpillar.AccountResourceType {
			name = "account"
		}
		out = append(out, name+"="+string(f.Status))
	}
	sort.Strings(out)
	return out
}

// badReport answers GetCredentialReport with content, as IAM might send it.
func badReport(acct *fakeaws.Account, out *iam.GetCredentialReportOutput) {
	respond(acct, "IAM", "GetCredentialReport", out, nil)
}
