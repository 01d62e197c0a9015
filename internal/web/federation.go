package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/safehttp"
)

// ActivityPub's HTTP surface (docs/FEDERATION.md): discovery (WebFinger,
// host-meta, NodeInfo), actor and object documents on content negotiation,
// collections, inboxes, and the staff page.

// federationRoutes registers the top-level federation routes.
func (h *Handler) federationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/webfinger", h.webfinger)
	mux.HandleFunc("GET /.well-known/host-meta", h.hostMeta)
	mux.HandleFunc("GET /.well-known/nodeinfo", h.nodeinfoLinks)
	mux.HandleFunc("GET /nodeinfo/2.1", h.nodeinfo("2.1"))
	mux.HandleFunc("GET /nodeinfo/2.0", h.nodeinfo("2.0"))
	mux.HandleFunc("POST /inbox", h.apInbox(func(*http.Request) (fediverse.InboxTarget, error) { return fediverse.InboxTarget{Shared: true}, nil }))
	mux.HandleFunc("GET /actor", h.apDoc(func(r *http.Request) (any, error) { return h.app.Fediverse.InstanceActorDoc(r.Context()) }))
	mux.HandleFunc("POST /actor/inbox", h.apInbox(func(*http.Request) (fediverse.InboxTarget, error) { return fediverse.InboxTarget{Shared: true}, nil }))
	mux.HandleFunc("GET /users/{id}", h.apDoc(func(r *http.Request) (any, error) {
		return h.app.Fediverse.PersonActorDoc(r.Context(), r.PathValue("id"))
	}))
	mux.HandleFunc("GET /users/{id}/outbox", h.apDoc(func(r *http.Request) (any, error) {
		return federation.NewCollection(h.app.Fediverse.PersonActorURI(r.PathValue("id"))+"/outbox", 0, ""), nil
	}))
	mux.HandleFunc("GET /users/{id}/followers", h.apDoc(func(r *http.Request) (any, error) {
		return federation.NewCollection(h.app.Fediverse.PersonActorURI(r.PathValue("id"))+"/followers", 0, ""), nil
	}))
	mux.HandleFunc("POST /users/{id}/inbox", h.apInbox(func(r *http.Request) (fediverse.InboxTarget, error) {
		if _, err := h.app.Fediverse.PersonActor(r.Context(), r.PathValue("id")); err != nil {
			return fediverse.InboxTarget{}, err
		}
		return fediverse.InboxTarget{AccountID: r.PathValue("id")}, nil
	}))
	mux.Handle("GET /admin/{org}/federation", h.staff(policy.FederationManage, h.federationPage))
	mux.Handle("POST /admin/{org}/federation/blocks", h.staff(policy.FederationManage, h.blockDomain))
	mux.Handle("POST /admin/{org}/federation/blocks/delete", h.staff(policy.FederationManage, h.unblockDomain))
	mux.Handle("POST /admin/{org}/federation/sanctions", h.staff(policy.FederationManage, h.sanctionRemote))
	mux.Handle("POST /admin/{org}/federation/sanctions/{id}/lift", h.staff(policy.FederationManage, h.liftRemoteSanction))
}

// federationSiteRoutes registers the ActivityPub routes under /{org}/ that
// answer whatever the Accept header (collections, inboxes) on the public
// site mux, and returns the mux of documents served instead of HTML when
// the client asks for ActivityPub JSON.
func (h *Handler) federationSiteRoutes(site *http.ServeMux) *http.ServeMux {
	shared := func(*http.Request) (fediverse.InboxTarget, error) { return fediverse.InboxTarget{Shared: true}, nil }
	site.HandleFunc("POST /{org}/inbox", h.apInbox(shared))
	site.HandleFunc("POST /{org}/themes/{slug}/inbox", h.apInbox(shared))
	site.HandleFunc("GET /{org}/outbox", h.apDoc(h.outbox))
	site.HandleFunc("GET /{org}/themes/{slug}/outbox", h.apDoc(h.outbox))
	site.HandleFunc("GET /{org}/followers", h.apDoc(h.followers))
	site.HandleFunc("GET /{org}/themes/{slug}/followers", h.apDoc(h.followers))
	site.Handle("GET /{org}/commentaires/{id}", h.orgPage(h.commentRedirect))
	ap := http.NewServeMux()
	ap.HandleFunc("GET /{org}/{$}", h.apDoc(h.orgActor))
	ap.HandleFunc("GET /{org}/themes/{slug}", h.apDoc(h.topicActor))
	ap.HandleFunc("GET /{org}/p/{slug}", h.apDoc(h.publicationDoc))
	ap.HandleFunc("GET /{org}/commentaires/{id}", h.apDoc(h.commentDoc))
	return ap
}

// apDoc serves an ActivityPub document; errors become bare statuses
// (these clients are servers, not people).
func (h *Handler) apDoc(fn func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		doc, err := fn(r)
		if err != nil {
			h.apError(w, r, err)
			return
		}
		writeAP(w, http.StatusOK, federation.ContentType, doc)
	}
}

func writeAP(w http.ResponseWriter, status int, contentType string, doc any) {
	b, err := federation.Marshal(doc)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType+"; charset=utf-8")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (h *Handler) apError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, model.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, model.ErrInvalid), errors.Is(err, federation.ErrMalformed):
		status = http.StatusBadRequest
	case errors.Is(err, model.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, model.ErrUnauthorized):
		status = http.StatusUnauthorized
	case errors.Is(err, model.ErrRateLimited):
		status = http.StatusTooManyRequests
	case errors.Is(err, context.Canceled):
		// The peer hung up: nobody is left to answer, and it is no fault
		// of ours (a load run makes hundreds of these).
		h.log.Debug("federation request cancelled by the client", "path", r.URL.Path, "request_id", requestID(r))
		return
	case errors.Is(err, model.ErrBusy) || errors.Is(err, context.DeadlineExceeded):
		// The database did not serve this request in time (a queue behind
		// a rush). Senders retry a 5xx later; a 500 would read as our bug.
		h.log.Warn("federation request gave up waiting for the database", "path", r.URL.Path, "error", err, "request_id", requestID(r))
		w.Header().Set("Retry-After", "10")
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusInternalServerError && h.databaseDown(r.Context()) {
		h.log.Warn("database unavailable", "path", r.URL.Path, "error", err, "request_id", requestID(r))
		w.Header().Set("Retry-After", "30")
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusInternalServerError {
		h.log.Error("federation request failed", "path", r.URL.Path, "error", err, "request_id", requestID(r))
	}
	w.Header().Set("Vary", "Accept")
	http.Error(w, http.StatusText(status), status)
}

func (h *Handler) orgActor(r *http.Request) (any, error) {
	org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	return h.app.Fediverse.OrgActorDoc(r.Context(), org)
}

func (h *Handler) topicActor(r *http.Request) (any, error) {
	org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	t, err := h.app.Publishing.TopicBySlug(r.Context(), org.ID, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	return h.app.Fediverse.TopicActorDoc(r.Context(), org, t)
}

func (h *Handler) publicationDoc(r *http.Request) (any, error) {
	org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	n, err := h.app.Fediverse.PublishedNote(r.Context(), org, r.PathValue("slug"))
	return federation.ObjectDoc(n), err
}

// commentDoc serves a staff answer as a Note attributed to the
// organisation; residents' comments are not ActivityPub objects.
func (h *Handler) commentDoc(r *http.Request) (any, error) {
	org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	c, p, err := h.app.Fediverse.CommentAndPublication(r.Context(), org.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !c.IsStaffAnswer() || c.Status != model.CommentPublished {
		return nil, model.ErrNotFound
	}
	actor := h.app.Fediverse.OrgActorURI(org.Handle)
	n := federation.Note{ID: h.app.Fediverse.CommentURI(org.Handle, c.ID), Type: "Note", AttributedTo: actor,
		Content: "<p>" + strings.ReplaceAll(templateEscape(c.Body), "\n", "<br>") + "</p>", MediaType: "text/html",
		URL:       fmt.Sprintf("%s/%s/p/%s/commentaires#c-%s", h.app.BaseURL, org.Handle, p.Slug, c.ID),
		Published: federation.Stamp(c.CreatedAt), To: []string{federation.Public}}
	switch {
	case c.ParentID != "":
		parent, err := h.app.Fediverse.CommentByID(r.Context(), org.ID, c.ParentID)
		if err == nil && parent.RemoteObject != "" {
			n.InReplyTo = parent.RemoteObject
		} else {
			n.InReplyTo = h.app.Fediverse.CommentURI(org.Handle, c.ParentID)
		}
	default:
		n.InReplyTo = h.app.Fediverse.PublicationURI(org.Handle, p.Slug)
	}
	return federation.ObjectDoc(n), nil
}

// commentRedirect sends a browser from a comment's id to its place in the thread.
func (h *Handler) commentRedirect(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	c, p, err := h.app.Fediverse.CommentAndPublication(r.Context(), org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+org.Handle+"/p/"+p.Slug+"/commentaires#c-"+c.ID, http.StatusFound)
	return nil
}

// actorFromPath resolves /{org}/ or /{org}/themes/{slug} to the actor's id
// and local actor (made on first use).
func (h *Handler) actorFromPath(r *http.Request) (string, model.FedActor, model.Organisation, string, error) {
	ctx := r.Context()
	org, err := h.app.OrganisationByHandle(ctx, r.PathValue("org"))
	if err != nil {
		return "", model.FedActor{}, org, "", err
	}
	if slug := r.PathValue("slug"); slug != "" {
		t, err := h.app.Publishing.TopicBySlug(ctx, org.ID, slug)
		if err != nil {
			return "", model.FedActor{}, org, "", err
		}
		act, err := h.app.Fediverse.LocalActor(ctx, model.ActorTopic, t.ID)
		return h.app.Fediverse.TopicActorURI(org.Handle, slug), act, org, t.ID, err
	}
	act, err := h.app.Fediverse.LocalActor(ctx, model.ActorOrg, org.ID)
	return h.app.Fediverse.OrgActorURI(org.Handle), act, org, "", err
}

// followers answers with the count only: who follows is never published.
func (h *Handler) followers(r *http.Request) (any, error) {
	uri, act, _, _, err := h.actorFromPath(r)
	if err != nil {
		return nil, err
	}
	n, err := h.app.CountFollowers(r.Context(), act.ID)
	if err != nil {
		return nil, err
	}
	return federation.NewCollection(strings.TrimSuffix(uri, "/")+"/followers", n, ""), nil
}

// outbox is a paged OrderedCollection of the actor's publications, newest
// first: Create activities for the organisation, Announces for a topic.
func (h *Handler) outbox(r *http.Request) (any, error) {
	ctx := r.Context()
	uri, _, org, topicID, err := h.actorFromPath(r)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSuffix(uri, "/") + "/outbox"
	total, err := h.app.Publishing.PublishedCount(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	pageStr := r.URL.Query().Get("page")
	if pageStr == "" {
		c := federation.NewCollection(id, total, id+"?page=1")
		return c, nil
	}
	page, err := strconv.Atoi(pageStr)
	if err != nil || page < 1 || page > 10000 {
		return nil, model.ErrNotFound
	}
	const per = 20
	pubs, err := h.app.Publishing.PublicList(ctx, model.PublicFilter{OrgID: org.ID, TopicID: topicID, WithBody: true,
		Kinds: []model.PubKind{model.KindNews, model.KindAlert, model.KindJob, model.KindEvent, model.KindPage},
		Limit: per + 1, Offset: (page - 1) * per})
	if err != nil {
		return nil, err
	}
	next := ""
	if len(pubs) > per {
		pubs, next = pubs[:per], fmt.Sprintf("%s?page=%d", id, page+1)
	}
	prev := ""
	if page > 1 {
		prev = fmt.Sprintf("%s?page=%d", id, page-1)
	}
	items := make([]any, 0, len(pubs))
	orgURI := h.app.Fediverse.OrgActorURI(org.Handle)
	for _, p := range pubs {
		n, err := h.app.Fediverse.PublicationNote(ctx, org, p.ID) // read whole: with topics and image
		if err != nil {
			return nil, err
		}
		act := federation.OutActivity{ID: n.ID + "#create", Type: "Create", Actor: orgURI, Published: n.Published,
			To: n.To, Cc: n.Cc, Object: &n}
		if topicID != "" {
			act = federation.OutActivity{ID: uri + "#announce-" + p.ID, Type: "Announce", Actor: uri,
				Published: n.Published, To: []string{federation.Public}, Cc: []string{uri + "/followers"}, Object: n.ID}
		}
		items = append(items, act)
	}
	return federation.NewPage(fmt.Sprintf("%s?page=%d", id, page), id, next, prev, total, items), nil
}

// ---- Discovery ----------------------------------------------------------

// webfinger answers acct:{org}@host for an organisation,
// acct:{org}.{topic}@host for a topic (one host serves many
// organisations) and acct:{host}@host for the instance actor that signs
// our fetches (app.ParseAcct), or an actor's URL.
func (h *Handler) webfinger(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	res := r.URL.Query().Get("resource")
	var ref fediverse.LocalRef
	ok := false
	switch {
	case strings.HasPrefix(res, "acct:"):
		// The user part never holds an "@"; the host may hold a port.
		user, domain, found := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(res, "acct:"), "@"), "@")
		if found && strings.EqualFold(domain, h.app.Fediverse.FedHost()) {
			ref, ok = h.app.Fediverse.ParseAcct(user)
		}
	default:
		ref, ok = h.app.Fediverse.ParseLocalURI(res)
	}
	if !ok {
		http.Error(w, "unknown resource", http.StatusNotFound)
		return
	}
	var uri, user string
	switch ref.Kind {
	case model.ActorInstance:
		uri, user = h.app.Fediverse.InstanceActorURI(), h.app.Fediverse.InstanceUsername()
	case model.ActorOrg, model.ActorTopic:
		org, err := h.app.OrganisationByHandle(ctx, ref.Handle)
		if err != nil {
			http.Error(w, "unknown resource", http.StatusNotFound)
			return
		}
		uri, user = h.app.Fediverse.OrgActorURI(org.Handle), org.Handle
		if ref.Kind == model.ActorTopic {
			t, err := h.app.Publishing.TopicBySlug(ctx, org.ID, ref.Slug)
			if err != nil {
				http.Error(w, "unknown resource", http.StatusNotFound)
				return
			}
			uri, user = h.app.Fediverse.TopicActorURI(org.Handle, t.Slug), org.Handle+"."+t.Slug
		}
	default:
		http.Error(w, "unknown resource", http.StatusNotFound)
		return
	}
	links := []federation.WebFingerLink{{Rel: "self", Type: federation.ContentType, Href: uri}}
	if ref.Kind != model.ActorInstance {
		links = append(links, federation.WebFingerLink{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: uri})
	}
	writeAP(w, http.StatusOK, "application/jrd+json", federation.WebFinger{
		Subject: "acct:" + user + "@" + h.app.Fediverse.FedHost(), Aliases: []string{uri}, Links: links})
}

func (h *Handler) hostMeta(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="%s/.well-known/webfinger?resource={uri}"/>
</XRD>
`, templateEscape(h.app.BaseURL))
}

// nodeinfoLinks lists both NodeInfo versions we serve: 2.1, and 2.0 for
// readers that only know it (GoToSocial records a server without a
// software name when it cannot read the 2.1 profile).
func (h *Handler) nodeinfoLinks(w http.ResponseWriter, r *http.Request) {
	links := []map[string]string{}
	for _, v := range []string{"2.1", "2.0"} {
		links = append(links, map[string]string{"rel": "http://nodeinfo.diaspora.software/ns/schema/" + v,
			"href": h.app.BaseURL + "/nodeinfo/" + v})
	}
	writeAP(w, http.StatusOK, "application/json", map[string]any{"links": links})
}

// nodeinfo serves NodeInfo version (2.0 or 2.1) with its profile content
// type. 2.0's schema allows only a name and a version for the software.
func (h *Handler) nodeinfo(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		users, posts, err := h.app.CountLocalAccounts(r.Context())
		if err != nil {
			h.apError(w, r, err)
			return
		}
		orgs, err := h.app.Organisations.List(r.Context())
		if err != nil {
			h.apError(w, r, err)
			return
		}
		sw := federation.NodeSoftware{Name: "parvis", Version: "0.1.0"}
		if version == "2.1" {
			sw.Repository = "https://github.com/parvis/parvis"
		}
		writeAP(w, http.StatusOK, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/`+version+`#"`, federation.NodeInfo{
			Version: version, Software: sw,
			Protocols: []string{"activitypub"}, Services: federation.NodeServices{Inbound: []string{}, Outbound: []string{"atom1.0", "rss2.0"}},
			OpenRegistrations: true, Usage: federation.NodeUsage{Users: federation.NodeUsers{Total: users}, LocalPosts: posts},
			Metadata: map[string]any{"nodeName": "Parvis", "organisations": len(orgs)}})
	}
}

// ---- Inbox --------------------------------------------------------------

// apInbox verifies and handles a posted activity: body at most 1 MiB, HTTP
// signature over (request-target), host, date and digest, Date within an
// hour, key fetched from keyId (cached, refetched once on failure), signer
// = actor. Refusals are logged once, here or in the use case.
func (h *Handler) apInbox(target func(*http.Request) (fediverse.InboxTarget, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		log := h.log.With("component", "federation", "path", r.URL.Path, "request_id", requestID(r))
		refuse := func(status int, why string, err error) {
			log.Info("inbox refused", "status", status, "why", why, "error", err)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
		}
		tgt, err := target(r)
		if err != nil {
			refuse(http.StatusNotFound, "no such inbox", err)
			return
		}
		body, err := safehttp.ReadLimited(http.MaxBytesReader(w, r.Body, federation.MaxBody+1), federation.MaxBody)
		if err != nil {
			refuse(http.StatusRequestEntityTooLarge, "body too large or unreadable", err)
			return
		}
		params, err := federation.ParseSignature(r.Header)
		if err != nil {
			refuse(http.StatusUnauthorized, "signature", err)
			return
		}
		if err := federation.CheckRequest(r, params, body, h.app.Now()); err != nil {
			refuse(http.StatusUnauthorized, "signature", err)
			return
		}
		act, err := federation.ParseActivity(body)
		if err != nil {
			refuse(http.StatusBadRequest, "malformed", err)
			return
		}
		if b, err := h.app.Fediverse.OperatorBlocked(ctx, federation.Host(act.Actor), federation.Host(params.KeyID)); err != nil {
			h.apError(w, r, err)
			return
		} else if b {
			refuse(http.StatusForbidden, "domain blocked by the operator", errors.New(act.Actor))
			return
		}
		if federation.Host(params.KeyID) != federation.Host(act.Actor) {
			refuse(http.StatusUnauthorized, "key and actor on different hosts", nil)
			return
		}
		signer, err := h.verifySignature(ctx, r, params)
		if err != nil {
			if act.Type == "Delete" && act.ObjectID == act.Actor && federation.IsGone(err) {
				// A deleted account says goodbye with a key that is gone too.
				log.Info("inbox: delete of a gone actor ignored", "actor", act.Actor)
				w.WriteHeader(http.StatusAccepted)
				return
			}
			refuse(http.StatusUnauthorized, "signature not verified", err)
			return
		}
		if signer.URI != act.Actor {
			refuse(http.StatusUnauthorized, "signed by another actor than the activity's", errors.New(signer.URI))
			return
		}
		if err := h.app.Fediverse.HandleActivity(ctx, tgt, signer, act, body); err != nil {
			switch {
			case errors.Is(err, model.ErrInvalid), errors.Is(err, federation.ErrMalformed):
				refuse(http.StatusBadRequest, "invalid", err)
			case errors.Is(err, model.ErrForbidden):
				refuse(http.StatusForbidden, "refused", err)
			case errors.Is(err, model.ErrRateLimited):
				w.Header().Set("Retry-After", "60")
				refuse(http.StatusTooManyRequests, "rate limited", err)
			default:
				h.apError(w, r, err)
			}
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

// verify checks the signature with the cached key, and once more with a
// freshly fetched key if that fails (the remote may have rotated it).
func (h *Handler) verifySignature(ctx context.Context, r *http.Request, p federation.SigParams) (model.RemoteActor, error) {
	ra, key, err := h.app.Fediverse.VerificationKey(ctx, p.KeyID, false)
	if err != nil && !errors.Is(err, federation.ErrBadSignature) {
		return ra, err
	}
	if err == nil && federation.VerifyWith(r, p, key) == nil {
		return ra, nil
	}
	if h.app.Now().Sub(ra.FetchedAt) < minRefetch {
		return ra, federation.ErrBadSignature // fetched moments ago: a refetch would not change it
	}
	ra, key, err = h.app.Fediverse.VerificationKey(ctx, p.KeyID, true)
	if err != nil {
		return ra, err
	}
	return ra, federation.VerifyWith(r, p, key)
}

// minRefetch stops a stream of badly signed requests from making us fetch
// the same key again and again.
const minRefetch = time.Minute

// ---- Staff page ---------------------------------------------------------

func (h *Handler) federationPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderFederationPage(w, r, http.StatusOK, emptyForm())
}

func (h *Handler) renderFederationPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, _ := orgFrom(r.Context())
	ov, err := h.app.Fediverse.FederationOverview(r.Context(), org)
	if err != nil {
		return err
	}
	v := h.view(r, "fed.title", ov)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/federation", v)
	return nil
}

func (h *Handler) federationForm(w http.ResponseWriter, r *http.Request, flash string, do func(f *Form, acct model.Account, org model.Organisation) error) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	f := newForm(r)
	err := do(f, acct, org)
	if f.Absorb(err) {
		return h.renderFederationPage(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, flash)
	redirect(w, r, "/admin/"+org.Handle+"/federation")
	return nil
}

func (h *Handler) blockDomain(w http.ResponseWriter, r *http.Request) error {
	return h.federationForm(w, r, "fed.flash.blocked", func(f *Form, acct model.Account, org model.Organisation) error {
		return h.app.Fediverse.BlockDomain(r.Context(), acct, org.ID, f.Value("domain"))
	})
}

func (h *Handler) unblockDomain(w http.ResponseWriter, r *http.Request) error {
	return h.federationForm(w, r, "fed.flash.unblocked", func(f *Form, acct model.Account, org model.Organisation) error {
		return h.app.Fediverse.UnblockDomain(r.Context(), acct, org.ID, f.Value("domain"))
	})
}

func (h *Handler) sanctionRemote(w http.ResponseWriter, r *http.Request) error {
	return h.federationForm(w, r, "fed.flash.sanctioned", func(f *Form, acct model.Account, org model.Organisation) error {
		return h.app.Fediverse.SanctionRemoteAccount(r.Context(), acct, org, f.Value("account"), f.Value("kind"))
	})
}

func (h *Handler) liftRemoteSanction(w http.ResponseWriter, r *http.Request) error {
	return h.federationForm(w, r, "fed.flash.lifted", func(f *Form, acct model.Account, org model.Organisation) error {
		return h.app.Fediverse.LiftRemoteSanction(r.Context(), acct, org, r.PathValue("id"))
	})
}

// templateEscape escapes text for HTML outside templates.
func templateEscape(s string) string { return html.EscapeString(s) }
