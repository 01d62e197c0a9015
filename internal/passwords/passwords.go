// Package passwords hashes passwords with argon2id and refuses weak ones.
package passwords

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinLength is the shortest password accepted, in characters.
const MinLength = 12

// MaxLength bounds the work an attacker can make us do per attempt.
const MaxLength = 256

//go:embed common.txt
var commonList string

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// OWASP is OWASP's recommended argon2id configuration (m=19 MiB, t=2, p=1).
var OWASP = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Hasher hashes and verifies passwords and knows the common-password list.
type Hasher struct {
	params Params
	common map[string]struct{}
	gate   *memGate
}

// DefaultMemoryBudget bounds the memory all concurrent argon2id runs of a
// process may take, in KiB: 256 MiB is 13 runs at OWASP's 19 MiB, enough to
// keep two cores busy, where 100 unbounded concurrent logins took a server
// from 54 MB to 1.99 GB (issue 15).
const DefaultMemoryBudget = 256 * 1024

// busyWait is how long a hash waits for memory before giving up with
// ErrBusy: a short burst of logins rides through, a flood is refused.
const busyWait = 3 * time.Second

// ErrBusy means too many passwords are being hashed at this moment; the
// caller answers "try again in a few seconds" rather than queueing.
var ErrBusy = errors.New("too many password checks at once")

// New returns a Hasher with p and DefaultMemoryBudget; tests may use
// cheaper parameters.
func New(p Params) *Hasher { return NewWithBudget(p, DefaultMemoryBudget) }

// NewWithBudget returns a Hasher whose concurrent runs take at most budget
// KiB of argon2id memory together (one run always fits, whatever its cost).
func NewWithBudget(p Params, budget uint32) *Hasher {
	h := &Hasher{params: p, common: map[string]struct{}{}, gate: newMemGate(int64(budget))}
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			h.common[strings.ToLower(w)] = struct{}{}
		}
	}
	return h
}

// Weakness codes, catalogue keys for the form messages.
const (
	TooShort = "password.too_short"
	TooLong  = "password.too_long"
	Common   = "password.common"
)

// Check returns "" for an acceptable password, else a weakness code.
func (h *Hasher) Check(password string, personal ...string) string {
	n := utf8.RuneCountInString(password)
	if n < MinLength {
		return TooShort
	}
	if len(password) > MaxLength {
		return TooLong
	}
	lower := strings.ToLower(password)
	if _, ok := h.common[lower]; ok {
		return Common
	}
	// One character repeated, or the person's own e-mail or name.
	if strings.Count(lower, lower[:1]) == len(lower) {
		return Common
	}
	for _, p := range personal {
		if p = strings.ToLower(strings.TrimSpace(p)); len(p) >= 4 && strings.Contains(lower, p) {
			return Common
		}
	}
	return ""
}

// Hash returns an encoded argon2id hash in the PHC string format.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	release, err := h.gate.acquire(int64(h.params.Memory))
	if err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, 32)
	release()
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.params.Memory, h.params.Time,
		h.params.Threads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrMismatch is returned for a wrong password.
var ErrMismatch = errors.New("password mismatch")

// Verify checks password against an encoded hash in constant time.
func (h *Hasher) Verify(encoded, password string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("unknown password hash format")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return fmt.Errorf("password hash parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return err
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return err
	}
	release, err := h.gate.acquire(int64(p.Memory))
	if err != nil {
		return err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	release()
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// DummyVerify spends the same time as a real verification, so that a login
// for an unknown address takes as long as one for a known address.
// It takes its share of the memory budget like a real one (ErrBusy too).
func (h *Hasher) DummyVerify(password string) error {
	release, err := h.gate.acquire(int64(h.params.Memory))
	if err != nil {
		return err
	}
	_ = argon2.IDKey([]byte(password), []byte("parvis-dummy-salt"), h.params.Time, h.params.Memory, h.params.Threads, 32)
	release()
	return nil
}

// memGate is a weighted semaphore over argon2id memory (KiB).
type memGate struct {
	mu      sync.Mutex
	size    int64
	free    int64
	peak    int64         // most memory ever taken at once (tests check the bound)
	changed chan struct{} // closed and replaced at each release
}

func newMemGate(size int64) *memGate {
	return &memGate{size: size, free: size, changed: make(chan struct{})}
}

// acquire takes n KiB, waiting at most busyWait for them.
func (g *memGate) acquire(n int64) (release func(), err error) {
	n = min(n, g.size) // a run bigger than the budget runs alone
	var timer *time.Timer
	for {
		g.mu.Lock()
		if g.free >= n {
			g.free -= n
			g.peak = max(g.peak, g.size-g.free)
			g.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			return func() { g.release(n) }, nil
		}
		changed := g.changed
		g.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(busyWait)
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, ErrBusy
		}
	}
}

func (g *memGate) release(n int64) {
	g.mu.Lock()
	g.free += n
	close(g.changed)
	g.changed = make(chan struct{})
	g.mu.Unlock()
}

// InUse is the argon2id memory (KiB) taken by the runs going on now.
func (h *Hasher) InUse() int64 {
	h.gate.mu.Lock()
	defer h.gate.mu.Unlock()
	return h.gate.size - h.gate.free
}

// Peak is the most argon2id memory (KiB) this Hasher's runs took at once.
func (h *Hasher) Peak() int64 {
	h.gate.mu.Lock()
	defer h.gate.mu.Unlock()
	return h.gate.peak
}
