package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

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
