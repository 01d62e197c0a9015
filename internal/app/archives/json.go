package archives

import (
	"encoding/json"
	"io"
)

// writeElement writes v as the next element of a JSON array being written.
func writeElement(w io.Writer, v any, first bool) error {
	sep := ",\n  "
	if first {
		sep = "\n  "
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, sep); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
