package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parvis/parvis/internal/model"
)

// Form carries what a person typed and the messages to show beside each
// field, so that a refused form re-displays with their input.
type Form struct {
	Values url.Values
	Errors map[string]string // field → catalogue key
	// General is a catalogue key shown above the form (not tied to a field).
	General string
}

// newForm reads the submitted form (parsed already by the caller).
func newForm(r *http.Request) *Form {
	return &Form{Values: r.PostForm, Errors: map[string]string{}}
}

// emptyForm is a blank form for a GET.
func emptyForm() *Form { return &Form{Values: url.Values{}, Errors: map[string]string{}} }

// Value returns a field's submitted value.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Int returns a field's value as a number (0 when it is not one), for
// messages that take a count.
func (f *Form) Int(name string) int {
	n, _ := strconv.Atoi(f.Value(name))
	return n
}

// Error returns the catalogue key of the field's error, or "".
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// HasErrors reports whether anything is wrong.
func (f *Form) HasErrors() bool { return f != nil && (len(f.Errors) > 0 || f.General != "") }

// Set records a field's error.
func (f *Form) Set(field, key string) { f.Errors[field] = key }

// Absorb copies a use case's validation errors into the form and reports
// whether err was one.
func (f *Form) Absorb(err error) bool {
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			if _, seen := f.Errors[fe.Field]; !seen {
				f.Errors[fe.Field] = fe.Code
			}
		}
		return true
	}
	var fe *model.FieldError
	if errors.As(err, &fe) {
		f.Errors[fe.Field] = fe.Code
		return true
	}
	return false
}

// errNULByte is a request carrying a NUL byte in a text value: no text
// field has a use for one, PostgreSQL refuses it in text columns (which
// would answer 500) and SQLite would store it. Refused with 400 before any
// handler runs, on every engine alike.
var errNULByte = fmt.Errorf("%w: NUL byte in a text value", model.ErrInvalid)

// maxFormBody bounds URL-encoded bodies read by formGuard (no page form
// comes near it; files travel as multipart, parsed by their handlers).
const maxFormBody = 2 << 20

// formGuard refuses NUL bytes in the path, the query and URL-encoded form
// bodies, which it parses here once for every handler. Multipart forms are
// parsed by their handlers with their own size limits; they call
// refuseNUL right after.
func (h *Handler) formGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.ContainsRune(r.URL.Path, 0) || strings.Contains(r.URL.RawQuery, "%00") || strings.ContainsRune(r.URL.RawQuery, 0) {
			h.fail(w, r, errNULByte)
			return
		}
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if ct == "application/x-www-form-urlencoded" {
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
				if err := r.ParseForm(); err != nil {
					h.fail(w, r, model.ErrInvalid)
					return
				}
				if err := refuseNUL(r); err != nil {
					h.fail(w, r, err)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuseNUL checks every parsed form value and name (query, body,
// multipart text fields and file names).
func refuseNUL(r *http.Request) error {
	check := func(vs map[string][]string) error {
		for k, list := range vs {
			if strings.ContainsRune(k, 0) {
				return errNULByte
			}
			for _, v := range list {
				if strings.ContainsRune(v, 0) {
					return errNULByte
				}
			}
		}
		return nil
	}
	if err := check(r.Form); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		if err := check(r.MultipartForm.Value); err != nil {
			return err
		}
		for _, files := range r.MultipartForm.File {
			for _, f := range files {
				if strings.ContainsRune(f.Filename, 0) {
					return errNULByte
				}
			}
		}
	}
	return nil
}
