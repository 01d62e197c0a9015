package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// csvExport is the one writer of every CSV download (journal, subscribers,
// participants): the format French spreadsheets open without questions
// (UTF-8 byte order mark, semicolons), never cached, and every cell defused
// so that nothing a resident or an agent typed runs as a formula.
type csvExport struct{ w *csv.Writer }

// newCSVExport sends the download's headers; filename has no quotes.
func newCSVExport(w http.ResponseWriter, filename string) *csvExport {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, "\ufeff") // spreadsheet software then reads UTF-8
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return &csvExport{w: cw}
}

// Row writes one line, each cell defused.
func (c *csvExport) Row(cells ...string) {
	out := make([]string, len(cells))
	for i, s := range cells {
		out[i] = csvCell(s)
	}
	_ = c.w.Write(out)
}

// Close flushes and reports the first write error.
func (c *csvExport) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// formulaStarts are the first characters that make spreadsheet software
// evaluate a cell (OWASP "CSV injection"), including the full-width forms
// some locales accept.
const formulaStarts = "=+-@\t\r\n＝＋－＠"

// csvCell defuses formulas: a cell starting with one of formulaStarts gets a
// leading apostrophe, which spreadsheets show as text and do not evaluate.
func csvCell(s string) string {
	if r, _ := utf8.DecodeRuneInString(s); s != "" && strings.ContainsRune(formulaStarts, r) {
		return "'" + s
	}
	return s
}
