package credreport

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

const rootRow = "<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-05-01T10:00:00+00:00,not_supported,not_supported,TRUE,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"

const aliceRow = "alice,arn:aws:iam::111122223333:user/alice,2025-01-01T00:00:00+00:00,True,no_information,2025-01-01T00:00:00+00:00,N/A,false,true,2025-01-02T00:00:00+00:00,2026-05-30T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"

func mustTime(s string) Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return Time{Time: t.UTC()}
}

func TestParse(t *testing.T) {
	rep, err := Parse([]byte(header + "\n" + rootRow + "\n" + aliceRow + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	na := Time{Sentinel: NotApplicable}
	noKey := Key{LastRotated: na, LastUsed: na}
	noCert := Cert{LastRotated: na}
	want := &Report{
		Root: &Entry{
			User: RootUser, ARN: "arn:aws:iam::111122223333:root", UserCreationTime: mustTime("2020-01-01T00:00:00Z"),
			PasswordEnabled: Bool{Sentinel: NotSupported}, PasswordLastUsed: mustTime("2026-05-01T10:00:00Z"),
			PasswordLastChanged: Time{Sentinel: NotSupported}, PasswordNextRotation: Time{Sentinel: NotSupported},
			MFAActive: true, AccessKeys: [2]Key{noKey, noKey}, Certs: [2]Cert{noCert, noCert},
		},
		Users: []Entry{{
			User: "alice", ARN: "arn:aws:iam::111122223333:user/alice", UserCreationTime: mustTime("2025-01-01T00:00:00Z"),
			PasswordEnabled: Bool{Value: true}, PasswordLastUsed: Time{Sentinel: NoInformation},
			PasswordLastChanged: mustTime("2025-01-01T00:00:00Z"), PasswordNextRotation: na,
			AccessKeys: [2]Key{{Active: true, LastRotated: mustTime("2025-01-02T00:00:00Z"), LastUsed: mustTime("2026-05-30T08:00:00Z"), LastUsedRegion: "us-east-1", LastUsedService: "s3"}, noKey},
			Certs:      [2]Cert{noCert, noCert},
		}},
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if !rep.Root.HasPassword() || !rep.Users[0].HasPassword() || !rep.Users[0].AccessKeys[0].Exists() || rep.Users[0].AccessKeys[1].Exists() {
		t.Error("helpers disagree with the rows")
	}
}

func TestParseToleratesExtraAndReorderedColumns(t *testing.T) {
	cols := strings.Split(header, ",")
	vals := strings.Split(aliceRow, ",")
	// Reverse the order and add an unknown column.
	var h, v []string
	for i := len(cols) - 1; i >= 0; i-- {
		h, v = append(h, cols[i]), append(v, vals[i])
	}
	h, v = append(h, "future_column"), append(v, "whatever")
	rep, err := Parse([]byte(strings.Join(h, ",") + "\n" + strings.Join(v, ",") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Users) != 1 || rep.Users[0].User != "alice" || !rep.Users[0].AccessKeys[0].Active || rep.Root != nil {
		t.Errorf("report = %+v", rep)
	}
}

func TestParseErrors(t *testing.T) {
	drop := func(col string) string {
		cols := strings.Split(header, ",")
		vals := strings.Split(aliceRow, ",")
		var h, v []string
		for i := range cols {
			if cols[i] != col {
				h, v = append(h, cols[i]), append(v, vals[i])
			}
		}
		return strings.Join(h, ",") + "\n" + strings.Join(v, ",") + "\n"
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "credreport: parse: the report is empty"},
		{"missing column", drop("mfa_active"), `credreport: parse header: required column "mfa_active" is missing`},
		{"duplicate column", header + ",user\n", `credreport: parse header: column "user" appears twice`},
		{"unknown boolean", header + "\n" + strings.Replace(aliceRow, ",True,", ",maybe,", 1) + "\n", `credreport: parse line 2: column password_enabled: unknown token "maybe" (want true or false)`},
		{"unknown time", header + "\n" + strings.Replace(aliceRow, "no_information", "yesterday", 1) + "\n", `credreport: parse line 2: column password_last_used: unknown token "yesterday" (want a time, N/A, no_information or not_supported)`},
		{"sentinel in mfa_active", header + "\n" + strings.Replace(aliceRow, ",N/A,false,true,", ",N/A,N/A,true,", 1) + "\n", `credreport: parse line 2: column mfa_active: unknown token "N/A" (want true or false)`},
		{"two root rows", header + "\n" + rootRow + "\n" + rootRow + "\n", "credreport: parse line 3: a second <root_account> row"},
		{"short row", header + "\nalice,arn\n", "credreport: parse: record on line 2: wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatal("want error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(header + "\n" + rootRow + "\n" + aliceRow + "\n"))
	f.Add([]byte(header + "\n"))
	f.Add([]byte("user,arn\n<root_account>,x\n"))
	f.Add([]byte(header + "\n" + strings.ReplaceAll(aliceRow, "N/A", "n/a") + "\n"))
	f.Add([]byte("\ufeff" + header + "\r\n" + aliceRow + "\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Parse(data)
		if err != nil {
			if rep != nil {
				t.Fatal("a report with an error")
			}
			return
		}
		for _, u := range rep.Users {
			if u.User == "" || u.ARN == "" || u.IsRoot() {
				t.Fatalf("bad user row accepted: %+v", u)
			}
		}
		if rep.Root != nil && !rep.Root.IsRoot() {
			t.Fatal("root row is not root")
		}
	})
}
