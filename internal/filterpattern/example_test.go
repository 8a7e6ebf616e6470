package filterpattern_test

import (
	"fmt"

	"github.com/secpillar/secpillar/internal/filterpattern"
)

// Patterns are compared by meaning: this one is written differently from
// the CIS text but covers every event of CIS 4.7; the second misses one.
func ExampleCovers() {
	req, _ := filterpattern.CISRequirement("4.7")
	c, _ := filterpattern.Covers("{($.eventName=ScheduleKeyDeletion)||($.eventName=\"DisableKey\")}", req)
	fmt.Println(c.Covered)
	c, _ = filterpattern.Covers(`{ $.eventSource = kms.amazonaws.com && $.eventName = DisableKey }`, req)
	fmt.Println(c.Covered, c.Missed)
	// Output:
	// true
	// false [kms:ScheduleKeyDeletion]
}

func ExampleParse() {
	p, err := filterpattern.Parse(`{ ($.eventName = CreateVpc) || $.eventName = "DeleteVpc" && $.errorCode NOT EXISTS }`)
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	// Output:
	// { ($.eventName = "CreateVpc") || (($.eventName = "DeleteVpc") && ($.errorCode NOT EXISTS)) }
}
