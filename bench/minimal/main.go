// Command minimal serves one file's bytes from memory for every request: the
// ceiling a Go HTTP server reaches on this machine for a page of that size,
// against which Parvis's pages are compared in the same run.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8098", "listen address")
	file := flag.String("file", "", "file whose bytes to serve")
	contentType := flag.String("type", "text/html; charset=utf-8", "Content-Type")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(*addr, Handler(body, *contentType)))
}

// Handler writes body for every request.
func Handler(body []byte, contentType string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}
