package testserver

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
)

// File is a file to upload with PostMultipart.
type File struct {
	Field, Name string
	Data        []byte
}

// PostMultipart submits a multipart/form-data form (a form with file inputs).
func (c *Client) PostMultipart(path string, form url.Values, files ...File) Response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.Field, f.Name)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := w.Write(f.Data); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}
