package e2e

import (
	"net/http"
	"strings"
)

func newRequest(method, url, form string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}
