// Package chatserver is a small language model server for tests: a real
// HTTP server on loopback that speaks the OpenAI-compatible chat-completions
// API (POST /v1/chat/completions) the way llama.cpp's server, vLLM and
// Ollama do, with deterministic answers chosen by the test. It checks the
// requests it gets as such a server would, and records them.
package chatserver

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Reply is what the server does for one request.
type Reply struct {
	Status  int    // HTTP status; 0 is 200
	Content string // the assistant message's content
	// Hang: answer nothing until the client gives up (a model slower than
	// the client's timeout).
	Hang bool
	// Finish is the finish_reason; "" is "stop".
	Finish string
}

// Received is one request as the server understood it.
type Received struct {
	Model         string
	System        string // the system message
	User          string // the user message
	Authorization string
	Format        string // response_format.type
}

// Server is a running chat-completions server.
type Server struct {
	URL string
	mu  sync.Mutex
	// answer decides the reply from the user message.
	answer   func(user string) Reply
	received []Received
	hits     chan struct{}
}

// Start serves on 127.0.0.1 until the test ends. answer decides each reply
// from the user message (which holds the comment).
func Start(t testing.TB, answer func(user string) Reply) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), answer: answer, hits: make(chan struct{}, 1024)}
	done := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(s.serve)}
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return s
}

// SetAnswer replaces the reply function.
func (s *Server) SetAnswer(answer func(user string) Reply) {
	s.mu.Lock()
	s.answer = answer
	s.mu.Unlock()
}

// Received returns the requests served so far.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Hits is told of every request the server received, once read.
func (s *Server) Hits() <-chan struct{} { return s.hits }

type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Temperature    *float64 `json:"temperature"`
	MaxTokens      int      `json:"max_tokens"`
	Stream         bool     `json:"stream"`
	ResponseFormat *struct {
		Type       string          `json:"type"`
		JSONSchema json.RawMessage `json:"json_schema"`
	} `json:"response_format"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	var req chatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model == "" || len(req.Messages) == 0 || req.Stream {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	rec := Received{Model: req.Model, Authorization: r.Header.Get("Authorization")}
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			rec.System = m.Content
		case "user":
			rec.User = m.Content
		default:
			http.Error(w, `{"error":{"message":"bad role"}}`, http.StatusBadRequest)
			return
		}
	}
	if req.ResponseFormat != nil {
		rec.Format = req.ResponseFormat.Type
	}
	s.mu.Lock()
	s.received = append(s.received, rec)
	answer := s.answer
	s.mu.Unlock()
	select {
	case s.hits <- struct{}{}:
	default:
	}
	rep := answer(rec.User)
	if rep.Hang {
		<-r.Context().Done() // the client timed out and closed the connection
		return
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.Status)
		_, _ = w.Write([]byte(`{"error":{"message":"server error","type":"server_error"}}`))
		return
	}
	finish := rep.Finish
	if finish == "" {
		finish = "stop"
	}
	out := map[string]any{"id": "chatcmpl-test", "object": "chat.completion", "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": rep.Content}}},
		"usage": map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// Opinion is a well-formed answer of the schema.
func Opinion(decision, category string, confidence float64, reason string) Reply {
	b, _ := json.Marshal(map[string]any{"decision": decision, "category": category, "confidence": confidence, "reason": reason})
	return Reply{Content: string(b)}
}

// Comment extracts the comment from a user message (between <<< and >>>).
func Comment(user string) string {
	_, after, _ := strings.Cut(user, "<<<\n")
	before, _, _ := strings.Cut(after, "\n>>>")
	return before
}
