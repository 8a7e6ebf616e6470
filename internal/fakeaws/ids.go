package fakeaws

import "fmt"

// hex17 renders n as the 17 hexadecimal digits of an EC2-style ID.
func hex17(n int) string { return fmt.Sprintf("%017x", n) }
