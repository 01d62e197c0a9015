// Package markdown turns what staff write (Markdown) into HTML that is safe
// to show to everyone: goldmark renders it, without raw HTML, and bluemonday
// then keeps only an allow-list of elements and attributes. Images may only
// come from our own /media/; every image must carry a text alternative.
package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MediaPrefix is where images must come from.
const MediaPrefix = "/media/"

// Image is an image referenced by the Markdown source.
type Image struct {
	Src string
	Alt string
	// Local is true when Src is one of our media (MediaPrefix); other images
	// are removed from the HTML.
	Local bool
}

// Result is a rendering.
type Result struct {
	HTML   string
	Images []Image
}

// Problems returns what must be fixed before publication, as (code, image
// source) pairs: "alt_missing" for an image without a text alternative,
// "image_external" for an image not uploaded to our media.
func (r Result) Problems() []Problem {
	var out []Problem
	for _, im := range r.Images {
		if !im.Local {
			out = append(out, Problem{Code: "image_external", Src: im.Src})
		}
		if strings.TrimSpace(im.Alt) == "" {
			out = append(out, Problem{Code: "alt_missing", Src: im.Src})
		}
	}
	return out
}

// Problem is one reason the text cannot be published as is.
type Problem struct {
	Code string
	Src  string
}

// ImageSize is what a page needs to load one of our images well: its
// intrinsic size (so the text does not jump when it arrives) and its resized
// copies for srcset.
type ImageSize struct {
	Width, Height int
	Srcset        string // "/media/a-480.jpg 480w, /media/a.jpg 1600w"; may be empty
}

// ImageSizes answers the size of a local image by its source; false when
// it is unknown (the image is then shown without size or srcset).
type ImageSizes func(src string) (ImageSize, bool)

var imageSizesKey = parser.NewContextKey()

// Renderer converts Markdown to sanitized HTML. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

var mediaSrc = regexp.MustCompile(`^/media/[A-Za-z0-9][A-Za-z0-9._/-]*$`)

// New builds a Renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
		),
		// No html.WithUnsafe: raw HTML in the source is dropped by goldmark
		// before bluemonday even sees it. No Typographer: it would turn
		// quotes into English “curly” ones; French « » and ’ are kept as typed.
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 100))),
	)
	return &Renderer{md: md, policy: policy()}
}

// policy is bluemonday's UGC idea, narrowed: no scripts, styles, event
// handlers, classes or ids; links only to http(s), mailto and relative URLs;
// images only from /media/.
func policy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs() // http, https, mailto and relative; parseable URLs only
	// rel="nofollow noopener" is set on external links by the transformer;
	// our own links stay followable.
	p.RequireNoFollowOnLinks(false)
	p.AllowElements("p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
		"pre", "code", "em", "strong", "del", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow noopener$`)).OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("src").Matching(mediaSrc).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img")
	p.AllowAttrs("srcset").Matching(srcsetRE).OnElements("img")
	p.AllowAttrs("sizes").Matching(regexp.MustCompile(`^` + regexp.QuoteMeta(bodyImageSizes) + `$`)).OnElements("img")
	return p
}

// srcsetRE accepts only our media as candidates of a srcset.
var srcsetRE = regexp.MustCompile(`^/media/[A-Za-z0-9][A-Za-z0-9._/-]* [0-9]+w(, /media/[A-Za-z0-9][A-Za-z0-9._/-]* [0-9]+w)*$`)

// bodyImageSizes: an image in the text takes the width of the text column
// (48rem at most), the whole screen on a phone.
const bodyImageSizes = "(max-width: 48rem) 100vw, 48rem"

var (
	defaultOnce sync.Once
	defaultR    *Renderer
)

// Render converts src with a shared Renderer.
func Render(src string) (Result, error) {
	defaultOnce.Do(func() { defaultR = New() })
	return defaultR.Render(src)
}

// RenderWithImages converts src with a shared Renderer, giving each of our
// images the size and srcset that sizes knows for it.
func RenderWithImages(src string, sizes ImageSizes) (Result, error) {
	defaultOnce.Do(func() { defaultR = New() })
	return defaultR.render(src, sizes)
}

// Render converts src to sanitized HTML and lists its images.
func (r *Renderer) Render(src string) (Result, error) {
	return r.render(src, nil)
}

func (r *Renderer) render(src string, sizes ImageSizes) (Result, error) {
	source := []byte(src)
	if err := checkLimits(source); err != nil {
		return Result{}, err
	}
	ctx := parser.NewContext()
	if sizes != nil {
		ctx.Set(imageSizesKey, sizes)
	}
	doc := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	var res Result
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if im, ok := n.(*ast.Image); ok {
			dest := string(im.Destination)
			res.Images = append(res.Images, Image{Src: dest, Alt: plainText(im, source), Local: mediaSrc.MatchString(dest)})
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return res, err
	}
	var b bytes.Buffer
	if err := r.md.Renderer().Render(&b, source, doc); err != nil {
		return res, fmt.Errorf("render markdown: %w", err)
	}
	res.HTML = strings.TrimSpace(r.policy.Sanitize(b.String()))
	return res, nil
}

// plainText is the text content of n (an image's alt text).
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(source))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// transformer adjusts the tree: headings start at h2 (the page title is the
// h1), external links get rel="nofollow noopener", images load lazily, with
// their size and srcset when the caller knows them.
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Heading:
			v.Level = min(v.Level+1, 6)
		case *ast.Link:
			if external(string(v.Destination)) {
				v.SetAttributeString("rel", []byte("nofollow noopener"))
			}
		case *ast.AutoLink:
			if v.AutoLinkType == ast.AutoLinkURL {
				v.SetAttributeString("rel", []byte("nofollow noopener"))
			}
		case *ast.Image:
			v.SetAttributeString("loading", []byte("lazy"))
			dest := string(v.Destination)
			if sizes, ok := pc.Get(imageSizesKey).(ImageSizes); ok && mediaSrc.MatchString(dest) {
				if size, ok := sizes(dest); ok {
					v.SetAttributeString("width", []byte(strconv.Itoa(size.Width)))
					v.SetAttributeString("height", []byte(strconv.Itoa(size.Height)))
					if size.Srcset != "" {
						v.SetAttributeString("srcset", []byte(size.Srcset))
						v.SetAttributeString("sizes", []byte(bodyImageSizes))
					}
				}
			}
		}
		return ast.WalkContinue, nil
	})
}

// external reports whether a link leaves the site.
func external(dest string) bool {
	d := strings.ToLower(strings.TrimSpace(dest))
	return strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "//")
}

// Rendered is a source and its rendering, made before the transaction that
// saves it so that Markdown is never parsed while writers wait; the
// transaction uses it only if the source is still Src.
type Rendered struct {
	Src    string
	Result Result
}
