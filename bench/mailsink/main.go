// Command mailsink is an SMTP server (github.com/emersion/go-smtp) that
// discards what it receives and counts messages: the far end of the e-mail
// benchmarks. GET http://HTTPADDR/ answers the count so far.
//
//	go run ./bench/mailsink --addr 127.0.0.1:2525 --http 127.0.0.1:2580
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

var count atomic.Int64

type backend struct{}

func (backend) NewSession(*smtp.Conn) (smtp.Session, error) { return session{}, nil }

type session struct{}

func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (session) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err // an unterminated DATA is not a message
	}
	count.Add(1)
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "SMTP listen address")
	httpAddr := flag.String("http", "127.0.0.1:2580", "count endpoint")
	flag.Parse()
	s := smtp.NewServer(backend{})
	s.Addr = *addr
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	s.MaxMessageBytes = 10 << 20
	s.ErrorLog = log.New(io.Discard, "", 0)
	go func() {
		log.Fatal(http.ListenAndServe(*httpAddr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintln(w, count.Load())
		})))
	}()
	log.Printf("mailsink on %s, count on http://%s/", *addr, *httpAddr)
	log.Fatal(s.ListenAndServe())
}
