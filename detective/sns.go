package detective

import (
	"errors"

	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

func isSNSNotFound(err error) bool {
	var nf *snstypes.NotFoundException
	return errors.As(err, &nf)
}
