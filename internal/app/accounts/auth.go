package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/reqinfo"
	"github.com/parvis/parvis/internal/store"
)

// Lifetimes of the links sent by e-mail (docs/ACCOUNTS.md).
const (
	VerifyLifetime      = 48 * time.Hour
	ResetLifetime       = time.Hour
	ChangeEmailLifetime = 48 * time.Hour
)

// Login throttling (docs/ACCOUNTS.md). Failures are counted per address and
// per client IP in the database, so every process sees the same counts.
const (
	ThrottleWindow      = 15 * time.Minute
	AccountFailureLimit = 5
	IPFailureLimit      = 20
	// The first block lasts firstBlock; each further failure doubles it, up
	// to maxBlock.
	firstBlock = time.Minute
	maxBlock   = 30 * time.Minute
)

// At most mailLimit account e-mails (verification, reset, notices) go to one
// address per mailWindow: the forms answer the same whatever happens, so
// without this anyone could flood a stranger's inbox through them.
const (
	mailLimit  = 5
	mailWindow = time.Hour
)

// ErrBadCredentials is a wrong address or password; it never says which.
var ErrBadCredentials = fmt.Errorf("%w: wrong e-mail or password", model.ErrUnauthorized)

// ErrEmailTaken is a confirmed e-mail change to an address another account
// took in the meantime.
var ErrEmailTaken = fmt.Errorf("%w: e-mail address taken", model.ErrConflict)

// ThrottledError refuses an attempt until Wait has passed.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string { return fmt.Sprintf("too many attempts, wait %s", e.Wait) }

// Unwrap lets callers test errors.Is(err, model.ErrRateLimited).
func (e *ThrottledError) Unwrap() error { return model.ErrRateLimited }

// Minutes is the wait rounded up to whole minutes, for messages.
func (e *ThrottledError) Minutes() int {
	return int((e.Wait + time.Minute - 1) / time.Minute)
}

// Reasons a link from an e-mail cannot be used.
const (
	TokenInvalid = "invalid"
	TokenExpired = "expired"
	TokenUsed    = "used"
)

// TokenError is a link that cannot be used, with the reason to tell.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return "link " + e.Reason }

// Unwrap maps the reason to a sentinel.
func (e *TokenError) Unwrap() error {
	if e.Reason == TokenExpired {
		return model.ErrExpired
	}
	return model.ErrNotFound
}

// linkMail is the data of an e-mail carrying a link.
type linkMail struct {
	Name  string
	Link  string
	Hours int
	Email string // the address concerned, for notices
	Base  string // the instance's URL
}

func accountKey(email string) string { return "acct:" + email }
func ipKey(ip string) string         { return "ip:" + reqinfo.RateBucket(ip) } // IPv6: per /64
func mailKey(email string) string    { return "mail:" + email }

func loginRules(email, ip string) []core.ThrottleRule {
	return []core.ThrottleRule{{Key: accountKey(email), Limit: AccountFailureLimit}, {Key: ipKey(ip), Limit: IPFailureLimit}}
}

// reservation is one password check counted against its throttle rules
// before it runs.
type reservation struct {
	rules []core.ThrottleRule
	// blocked tells, per rule, that counting this attempt started a block
	// (undone with the count when the attempt turns out not to be a failure).
	blocked []bool
	// wait is the longest block counting this attempt started.
	wait time.Duration
}

// reserveAttempt counts one attempt against every rule, in one transaction
// that locks the rules' rows, before the (slow) password check. Counting
// after the check let 60 parallel guesses all be checked against a limit of
// 5 (issue 15): each read the count before any had written it. Now the
// attempt that reaches a limit starts the block at once, and the attempts
// behind it wait for its row and see the block. A key already blocked
// answers the wait and counts nothing (the attempt does not lengthen it).
func (s *Service) reserveAttempt(ctx context.Context, now time.Time, rules []core.ThrottleRule) (res reservation, blockedFor time.Duration, err error) {
	res = reservation{rules: rules, blocked: make([]bool, len(rules))}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// Rows are always locked in the rules' order (account, then IP),
		// so two attempts cannot wait on each other.
		states := make([]store.ThrottleState, len(rules))
		for i, r := range rules {
			st, err := tx.LockThrottle(ctx, r.Key, now)
			if err != nil {
				return err
			}
			if st.BlockedUntil != nil && st.BlockedUntil.After(now) {
				blockedFor = max(blockedFor, st.BlockedUntil.Sub(now))
			}
			states[i] = st
		}
		if blockedFor > 0 {
			return nil
		}
		for i, r := range rules {
			st := core.Freshen(states[i], ThrottleWindow, now)
			st.Failures++
			if st.Failures >= r.Limit {
				d := min(firstBlock<<min(st.Failures-r.Limit, 10), maxBlock)
				until := now.Add(d)
				st.BlockedUntil = &until
				res.blocked[i] = true
				res.wait = max(res.wait, d)
			}
			if err := tx.PutThrottle(ctx, r.Key, st); err != nil {
				return err
			}
		}
		return nil
	})
	return res, blockedFor, err
}

// refund takes back the reserved attempt from the rules from index `from`
// on (the right password, or a check that could not run): one failure
// less, and the block it started lifted.
func (s *Service) refund(ctx context.Context, res reservation, from int, now time.Time) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := from; i < len(res.rules); i++ {
			st, err := tx.LockThrottle(ctx, res.rules[i].Key, now)
			if err != nil {
				return err
			}
			st.Failures = max(st.Failures-1, 0)
			if res.blocked[i] {
				st.BlockedUntil = nil
			}
			if err := tx.PutThrottle(ctx, res.rules[i].Key, st); err != nil {
				return err
			}
		}
		return nil
	})
}

// ErrPasswordsBusy means too many passwords are being checked at this
// moment on this process (their memory is bounded): try again in a few
// seconds. The attempt is not counted.
var ErrPasswordsBusy = fmt.Errorf("%w: too many password checks at once", model.ErrRateLimited)

// checkReserved checks password (against hash, or a dummy one when hash is
// "") after reserving the attempt. It returns nil for the right password
// (the caller then refunds or clears the rules), ErrPasswordsBusy, a
// ThrottledError for a failure that started a block, or errMismatch.
func (s *Service) checkReserved(ctx context.Context, now time.Time, rules []core.ThrottleRule, hash, password string) (reservation, error) {
	res, wait, err := s.reserveAttempt(ctx, now, rules)
	if err != nil {
		return res, err
	}
	if wait > 0 {
		return res, &ThrottledError{Wait: wait}
	}
	if hash == "" {
		err = s.Passwords.DummyVerify(password)
		if err == nil {
			err = passwords.ErrMismatch
		}
	} else {
		err = s.Passwords.Verify(hash, password)
	}
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, passwords.ErrBusy):
		if rerr := s.refund(ctx, res, 0, now); rerr != nil {
			return res, rerr
		}
		return res, ErrPasswordsBusy
	case !errors.Is(err, passwords.ErrMismatch):
		return res, fmt.Errorf("verify password: %w", err)
	case res.wait > 0:
		return res, &ThrottledError{Wait: res.wait}
	}
	return res, errMismatch
}

// errMismatch is a wrong password counted by checkReserved.
var errMismatch = errors.New("wrong password")

// MailAllowed counts one account e-mail to addr and reports whether it may
// go out.
func (s *Service) MailAllowed(ctx context.Context, tx *store.Tx, addr string) (bool, error) {
	now := s.Now()
	st, err := core.CountEvent(ctx, tx, mailKey(addr), mailWindow, now)
	if err != nil {
		return false, err
	}
	if err := tx.PutThrottle(ctx, mailKey(addr), st); err != nil {
		return false, err
	}
	if st.Failures > mailLimit {
		s.Logger.Warn("account e-mail limit reached; message not sent", "limit", mailLimit, "window", mailWindow)
		return false, nil
	}
	return true, nil
}

// issueToken invalidates the account's previous links of that purpose, stores
// a new one and returns the link to e-mail.
func (s *Service) issueToken(ctx context.Context, tx *store.Tx, accountID string, purpose model.TokenPurpose,
	payload string, life time.Duration, path string) (string, error) {
	now := s.Now()
	if err := tx.InvalidateTokens(ctx, accountID, purpose, now); err != nil {
		return "", err
	}
	secret, hash := core.NewSecret()
	err := tx.CreateToken(ctx, model.Token{Hash: hash, AccountID: accountID, Purpose: purpose, Payload: payload,
		ExpiresAt: now.Add(life), CreatedAt: now})
	if err != nil {
		return "", err
	}
	return s.BaseURL + path + secret, nil
}

// checkToken finds a usable token from the secret in a link.
func (s *Service) checkToken(ctx context.Context, q *store.Queries, secret string, purpose model.TokenPurpose) (model.Token, error) {
	if secret == "" || len(secret) > 100 {
		return model.Token{}, &TokenError{TokenInvalid}
	}
	t, err := q.TokenByHash(ctx, core.HashSecret(secret), purpose)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return t, &TokenError{TokenInvalid}
	case err != nil:
		return t, err
	case t.UsedAt != nil:
		return t, &TokenError{TokenUsed}
	case !s.Now().Before(t.ExpiresAt):
		return t, &TokenError{TokenExpired}
	}
	return t, nil
}

// useToken checks and consumes a token in tx; of two parallel clicks, one
// wins and the other finds the link used.
func (s *Service) useToken(ctx context.Context, tx *store.Tx, secret string, purpose model.TokenPurpose) (model.Token, error) {
	t, err := s.checkToken(ctx, tx.Queries, secret, purpose)
	if err != nil {
		return t, err
	}
	if err := tx.UseToken(ctx, t.Hash, s.Now()); errors.Is(err, model.ErrNotFound) {
		return t, &TokenError{TokenUsed}
	} else if err != nil {
		return t, err
	}
	return t, nil
}

// SignUp is what the sign-up form asks.
type SignUp struct {
	Email       string
	DisplayName string
	Password    string
	Locale      string // the language the person was reading
}

// errSignupRace ends a transaction that lost a race to create the same
// address: the winner sent the e-mail.
var errSignupRace = errors.New("sign-up raced")

// SignUp creates an unverified account and e-mails a verification link. For
// an address that already has an account it e-mails its owner a notice
// instead, and answers the same, so that the form does not tell who has an
// account.
func (s *Service) SignUp(ctx context.Context, in SignUp) error {
	v := &model.ValidationError{}
	email, name := s.checkNewAccount(in.Email, in.DisplayName, in.Password, v)
	if err := v.Err(); err != nil {
		return err
	}
	// Hash first, whatever happens next, so that both answers cost the same.
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		existing, err := tx.AccountByEmail(ctx, email)
		if err == nil {
			if ok, err := s.MailAllowed(ctx, tx, email); err != nil || !ok {
				return err
			}
			return s.SendMail(ctx, tx, email, core.AccountLang(existing, in.Locale), "account_signup_exists",
				linkMail{Name: existing.DisplayName, Link: s.BaseURL + "/password/forgot", Base: s.BaseURL})
		}
		if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		acct := model.Account{ID: core.NewID(), Email: email, DisplayName: name, PasswordHash: hash,
			Locale: core.AccountLang(model.Account{}, in.Locale), CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateAccount(ctx, acct); errors.Is(err, model.ErrConflict) {
			return errSignupRace
		} else if err != nil {
			return err
		}
		if _, err := s.MailAllowed(ctx, tx, email); err != nil {
			return err
		}
		link, err := s.issueToken(ctx, tx, acct.ID, model.TokenVerifyEmail, "", VerifyLifetime, "/verify/")
		if err != nil {
			return err
		}
		return s.SendMail(ctx, tx, email, acct.Locale, "account_verify",
			linkMail{Name: name, Link: link, Hours: int(VerifyLifetime.Hours()), Base: s.BaseURL})
	})
	if errors.Is(err, errSignupRace) {
		return nil
	}
	return err
}

// ResendVerification e-mails a new verification link to an unverified
// account's address. It does nothing, silently, for an unknown or verified
// address, so the answer tells nothing.
func (s *Service) ResendVerification(ctx context.Context, email, lang string) error {
	return s.mailAccountLink(ctx, email, lang, func(acct model.Account) bool { return !acct.Verified() },
		model.TokenVerifyEmail, VerifyLifetime, "/verify/", "account_verify")
}

// mailAccountLink e-mails a fresh link of that purpose to the account with
// that address when wanted(account); for an unknown address it does nothing,
// and answers the same.
func (s *Service) mailAccountLink(ctx context.Context, email, lang string, wanted func(model.Account) bool,
	purpose model.TokenPurpose, life time.Duration, path, template string) error {
	email = mail.NormalizeEmail(email)
	if !mail.ValidEmail(email) {
		v := &model.ValidationError{}
		v.Add("email", "account.error.email")
		return v
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		acct, err := tx.AccountByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		if err != nil || !wanted(acct) {
			return err
		}
		if ok, err := s.MailAllowed(ctx, tx, email); err != nil || !ok {
			return err
		}
		link, err := s.issueToken(ctx, tx, acct.ID, purpose, "", life, path)
		if err != nil {
			return err
		}
		return s.SendMail(ctx, tx, email, core.AccountLang(acct, lang), template,
			linkMail{Name: acct.DisplayName, Link: link, Hours: int(life.Hours()), Base: s.BaseURL})
	})
}

// VerifyEmail consumes a verification link and marks the address verified.
func (s *Service) VerifyEmail(ctx context.Context, secret string) (model.Account, error) {
	var acct model.Account
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := s.useToken(ctx, tx, secret, model.TokenVerifyEmail)
		if err != nil {
			return err
		}
		if err := tx.MarkEmailVerified(ctx, t.AccountID, s.Now()); err != nil {
			return err
		}
		acct, err = tx.AccountByID(ctx, t.AccountID)
		return err
	})
	return acct, err
}

// Login checks an address and password, with throttling per address and per
// client IP. An unknown address costs the same time as a known one and
// counts as a failure too, so neither timing nor blocking tells whether an
// account exists.
func (s *Service) Login(ctx context.Context, email, password, ip string) (model.Account, error) {
	email = mail.NormalizeEmail(email)
	now := s.Now()
	rules := loginRules(email, ip)
	acct, err := s.Store.AccountByEmail(ctx, email)
	hash := acct.PasswordHash
	switch {
	case errors.Is(err, model.ErrNotFound):
		hash = "" // a dummy check, as long as a real one
	case err != nil:
		return model.Account{}, err
	}
	res, err := s.checkReserved(ctx, now, rules, hash, password)
	switch {
	case err == nil:
		// The account's count is cleared; the IP's attempt is refunded
		// but its count left to decay: clearing it would let one address
		// reset it by logging into an account of its own.
		if err := s.Store.ClearThrottle(ctx, accountKey(email)); err != nil {
			return model.Account{}, err
		}
		if err := s.refund(ctx, res, 1, now); err != nil {
			return model.Account{}, err
		}
		return acct, nil
	case errors.Is(err, errMismatch):
		return model.Account{}, ErrBadCredentials
	}
	return model.Account{}, err
}

// ForgotPassword e-mails a reset link to the account with that address, if
// there is one; the answer is the same either way.
func (s *Service) ForgotPassword(ctx context.Context, email, lang string) error {
	return s.mailAccountLink(ctx, email, lang, func(model.Account) bool { return true },
		model.TokenResetPassword, ResetLifetime, "/password/reset/", "account_reset")
}

// CheckResetLink tells whether a reset link can still be used, before the
// form is shown.
func (s *Service) CheckResetLink(ctx context.Context, secret string) error {
	_, err := s.checkToken(ctx, s.Store.Queries, secret, model.TokenResetPassword)
	return err
}

// ResetPassword sets a new password from a reset link. It ends every session
// of the account, clears its login throttle (the owner is never locked out
// for long), and counts as a verification of the address, which the link
// proved. The caller then starts a fresh session.
func (s *Service) ResetPassword(ctx context.Context, secret, password string) (model.Account, error) {
	t, err := s.checkToken(ctx, s.Store.Queries, secret, model.TokenResetPassword)
	if err != nil {
		return model.Account{}, err
	}
	acct, err := s.Store.AccountByID(ctx, t.AccountID)
	if err != nil {
		return model.Account{}, err
	}
	hash, err := s.newPasswordHash(acct, "password", password)
	if err != nil {
		return model.Account{}, err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.useToken(ctx, tx, secret, model.TokenResetPassword); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, acct.ID, hash, now); err != nil {
			return err
		}
		if !acct.Verified() {
			if err := tx.MarkEmailVerified(ctx, acct.ID, now); err != nil {
				return err
			}
			acct.EmailVerifiedAt = &now
		}
		if err := tx.DeleteSessionsOf(ctx, acct.ID, ""); err != nil {
			return err
		}
		if err := tx.ClearThrottle(ctx, accountKey(acct.Email)); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, "", acct.ID, "account.password_reset", acct.ID, ""); err != nil {
			return err
		}
		return s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_password_changed",
			linkMail{Name: acct.DisplayName, Link: s.BaseURL + "/password/forgot", Base: s.BaseURL})
	})
	return acct, err
}

// newPasswordHash checks a new password's strength (reported on field) and
// hashes it.
func (s *Service) newPasswordHash(acct model.Account, field, password string) (string, error) {
	if code := s.Passwords.Check(password, acct.Email, acct.DisplayName); code != "" {
		v := &model.ValidationError{}
		v.Add(field, code)
		return "", v
	}
	return s.hashPassword(password)
}

// confirmPassword checks the password of a signed-in person before a
// sensitive change. Failures count against the account's login throttle, so
// a borrowed session cannot be used to guess the password.
func (s *Service) confirmPassword(ctx context.Context, acct model.Account, field, password string) error {
	now := s.Now()
	rules := []core.ThrottleRule{{Key: accountKey(acct.Email), Limit: AccountFailureLimit}}
	res, err := s.checkReserved(ctx, now, rules, acct.PasswordHash, password)
	switch {
	case err == nil:
		return s.refund(ctx, res, 0, now)
	case errors.Is(err, errMismatch):
		v := &model.ValidationError{}
		v.Add(field, "account.error.current_password")
		return v
	}
	return err
}

// ChangePassword replaces the password of a signed-in person, who gives the
// current one. Every other session ends; keepSession (the hash of the
// current session) stays.
func (s *Service) ChangePassword(ctx context.Context, acct model.Account, keepSession, current, password string) error {
	if err := s.confirmPassword(ctx, acct, "current_password", current); err != nil {
		return err
	}
	hash, err := s.newPasswordHash(acct, "new_password", password)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, acct.ID, hash, now); err != nil {
			return err
		}
		if err := tx.DeleteSessionsOf(ctx, acct.ID, keepSession); err != nil {
			return err
		}
		// A reset link sent earlier must not undo this change.
		if err := tx.InvalidateTokens(ctx, acct.ID, model.TokenResetPassword, now); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, "", acct.ID, "account.password_change", acct.ID, ""); err != nil {
			return err
		}
		return s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_password_changed",
			linkMail{Name: acct.DisplayName, Link: s.BaseURL + "/password/forgot", Base: s.BaseURL})
	})
}

// RequestEmailChange e-mails a confirmation link to the new address and a
// notice to the current one; the address changes only when the link is
// followed. Whether the new address already has an account is not told here
// (that would reveal it); the link then fails with a clear message.
func (s *Service) RequestEmailChange(ctx context.Context, acct model.Account, newEmail, password string) error {
	newEmail = mail.NormalizeEmail(newEmail)
	v := &model.ValidationError{}
	switch {
	case !mail.ValidEmail(newEmail):
		v.Add("new_email", "account.error.email")
	case newEmail == acct.Email:
		v.Add("new_email", "account.error.email_same")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, acct, "email_password", password); err != nil {
		return err
	}
	lang := core.AccountLang(acct, "")
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if ok, err := s.MailAllowed(ctx, tx, newEmail); err != nil || !ok {
			return err
		}
		link, err := s.issueToken(ctx, tx, acct.ID, model.TokenChangeEmail, newEmail, ChangeEmailLifetime, "/email/confirm/")
		if err != nil {
			return err
		}
		data := linkMail{Name: acct.DisplayName, Link: link, Hours: int(ChangeEmailLifetime.Hours()), Email: newEmail, Base: s.BaseURL}
		if err := s.SendMail(ctx, tx, newEmail, lang, "account_email_change", data); err != nil {
			return err
		}
		data.Link = s.BaseURL + "/password/forgot"
		return s.SendMail(ctx, tx, acct.Email, lang, "account_email_change_notice", data)
	})
}

// ConfirmEmailChange consumes a change link and switches the account to the
// new, now verified, address.
func (s *Service) ConfirmEmailChange(ctx context.Context, secret string) (model.Account, error) {
	var acct model.Account
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := s.useToken(ctx, tx, secret, model.TokenChangeEmail)
		if err != nil {
			return err
		}
		old, err := tx.AccountByID(ctx, t.AccountID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := tx.SetEmail(ctx, t.AccountID, t.Payload, now); errors.Is(err, model.ErrConflict) {
			return ErrEmailTaken
		} else if err != nil {
			return err
		}
		// Links sent to the old address stop working.
		for _, p := range []model.TokenPurpose{model.TokenVerifyEmail, model.TokenResetPassword} {
			if err := tx.InvalidateTokens(ctx, t.AccountID, p, now); err != nil {
				return err
			}
		}
		if err := tx.ClearThrottle(ctx, accountKey(old.Email)); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, "", t.AccountID, "account.email_change", t.AccountID, ""); err != nil {
			return err
		}
		acct, err = tx.AccountByID(ctx, t.AccountID)
		return err
	})
	return acct, err
}

// UpdateProfile saves the display name and language of an account.
func (s *Service) UpdateProfile(ctx context.Context, acct model.Account, displayName, locale string) (model.Account, error) {
	name, ok := cleanDisplayName(displayName)
	v := &model.ValidationError{}
	if !ok {
		v.Add("display_name", "account.error.display_name")
	}
	if !i18n.Supported(locale) {
		v.Add("locale", "account.error.locale")
	}
	if err := v.Err(); err != nil {
		return acct, err
	}
	if err := s.saveProfile(ctx, acct.ID, name, locale); err != nil {
		return acct, err
	}
	acct.DisplayName, acct.Locale = name, locale
	return acct, nil
}

// SetLanguage saves the language an account reads (the language switch).
func (s *Service) SetLanguage(ctx context.Context, acct model.Account, locale string) error {
	if !i18n.Supported(locale) {
		return model.ErrInvalid
	}
	return s.saveProfile(ctx, acct.ID, acct.DisplayName, locale)
}

// saveProfile stores name and language, and the language of the account's
// e-mail subscriptions with them, so mass mail follows the account.
func (s *Service) saveProfile(ctx context.Context, accountID, name, locale string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateAccountProfile(ctx, accountID, name, locale, s.Now()); err != nil {
			return err
		}
		return tx.SetAccountSubscriberLang(ctx, accountID, locale)
	})
}

// Sessions lists an account's live sessions, most recently seen first.
func (s *Service) Sessions(ctx context.Context, accountID string) ([]model.Session, error) {
	return s.Store.SessionsOf(ctx, accountID, s.Now())
}

// SessionRef names a session in pages and forms without showing even the
// hash that the database keys it by.
func SessionRef(idHash string) string { return core.HashSecret(idHash)[:16] }

// EndOtherSessions logs the account out everywhere but keep.
func (s *Service) EndOtherSessions(ctx context.Context, accountID, keep string) error {
	return s.Store.DeleteSessionsOf(ctx, accountID, keep)
}

// EndSessionByRef logs out one of the account's own sessions.
func (s *Service) EndSessionByRef(ctx context.Context, accountID, ref string) error {
	sessions, err := s.Sessions(ctx, accountID)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if SessionRef(sess.IDHash) == ref {
			return s.Store.DeleteSession(ctx, sess.IDHash)
		}
	}
	return model.ErrNotFound
}

// DeleteAccount erases an account after its password is confirmed: its
// sessions, links and staff memberships go with it (foreign keys cascade).
// A confirmation goes to the address, and the audit log keeps the account id
// only, no personal data.
func (s *Service) DeleteAccount(ctx context.Context, acct model.Account, password string) error {
	if err := s.confirmPassword(ctx, acct, "delete_password", password); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_deleted",
			linkMail{Name: acct.DisplayName, Base: s.BaseURL}); err != nil {
			return err
		}
		for _, key := range []string{accountKey(acct.Email), mailKey(acct.Email)} {
			if err := tx.ClearThrottle(ctx, key); err != nil {
				return err
			}
		}
		if err := tx.DeleteAccount(ctx, acct.ID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, "", acct.ID, "account.delete", acct.ID, "")
	})
}

// CleanupExpired deletes expired sessions, links expired for a day and
// login counters quiet for a day. The cleanup job runs it hourly.
func (s *Service) CleanupExpired(ctx context.Context) error {
	now := s.Now()
	sessions, err := s.Store.DeleteExpiredSessions(ctx, now)
	if err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	tokens, err := s.Store.DeleteStaleTokens(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("delete stale tokens: %w", err)
	}
	throttles, err := s.Store.DeleteStaleThrottles(ctx, now.Add(-24*time.Hour), now)
	if err != nil {
		return err
	}
	// Unanswered invitations are kept a week past expiry so that the staff
	// page can still say "expired" to someone who clicks late.
	invitations, err := s.Store.DeleteStaleInvitations(ctx, now.Add(-7*24*time.Hour))
	if err != nil {
		return fmt.Errorf("delete stale invitations: %w", err)
	}
	s.Logger.Info("cleanup", "sessions", sessions, "tokens", tokens, "throttles", throttles, "invitations", invitations)
	return s.Retention.PurgeRetained(ctx)
}

// hashPassword hashes a new password; ErrPasswordsBusy when too many
// hashes run at this moment.
func (s *Service) hashPassword(password string) (string, error) {
	h, err := s.Passwords.Hash(password)
	if errors.Is(err, passwords.ErrBusy) {
		return "", ErrPasswordsBusy
	}
	return h, err
}
