// Package colour checks an organisation's brand colours against WCAG 2.x
// contrast: relative luminance, contrast ratio, and the nearest shade of a
// colour (same hue and saturation, another lightness) that reaches a ratio.
// Pure functions, no I/O.
package colour

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MinText is the WCAG AA minimum contrast for normal-size text.
const MinText = 4.5

// RGB is a colour of the sRGB space, 8 bits a channel.
type RGB struct{ R, G, B uint8 }

// White, and the light background Parvis pages use (--alt, #f6f6f6).
var (
	White   = RGB{255, 255, 255}
	LightBg = RGB{0xf6, 0xf6, 0xf6}
)

// Parse reads "#rrggbb" or "#rgb" (the # optional, any case).
func Parse(s string) (RGB, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return RGB{}, false
	}
	n, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return RGB{}, false
	}
	return RGB{uint8(n >> 16), uint8(n >> 8), uint8(n)}, true
}

// Hex writes c as "#rrggbb".
func (c RGB) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Luminance is WCAG 2.x relative luminance, 0 (black) to 1 (white).
func (c RGB) Luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is the WCAG contrast ratio of two colours, 1 to 21, whichever
// is the text and whichever the background.
func Contrast(a, b RGB) float64 {
	la, lb := a.Luminance(), b.Luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// MinContrast is the lowest ratio of c against each of others.
func MinContrast(c RGB, others ...RGB) float64 {
	low := 21.0
	for _, o := range others {
		low = min(low, Contrast(c, o))
	}
	return low
}

// DarkenTo returns the lightest shade of c (same hue and saturation, lower
// lightness) whose contrast with each of bgs reaches ratio: the nearest
// compliant shade of a colour too light for white text or a light page.
// c itself when it complies already; black at worst.
func DarkenTo(c RGB, ratio float64, bgs ...RGB) RGB {
	if MinContrast(c, bgs...) >= ratio {
		return c
	}
	h, s, l := c.hsl()
	lo, hi := 0.0, l // lo complies (black does against light backgrounds), hi does not
	best := fromHSL(h, s, lo)
	for range 30 {
		mid := (lo + hi) / 2
		if cand := fromHSL(h, s, mid); MinContrast(cand, bgs...) >= ratio {
			lo, best = mid, cand
		} else {
			hi = mid
		}
	}
	return best
}

// Mix returns a blend of c towards o: t=0 is c, t=1 is o.
func Mix(c, o RGB, t float64) RGB {
	f := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	return RGB{f(c.R, o.R), f(c.G, o.G), f(c.B, o.B)}
}

func (c RGB) hsl() (h, s, l float64) {
	r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	hi, lo := max(r, g, b), min(r, g, b)
	l = (hi + lo) / 2
	if hi == lo {
		return 0, 0, l
	}
	d := hi - lo
	if l > 0.5 {
		s = d / (2 - hi - lo)
	} else {
		s = d / (hi + lo)
	}
	switch hi {
	case r:
		h = (g - b) / d
		if g < b {
			h += 6
		}
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	return h / 6, s, l
}

func fromHSL(h, s, l float64) RGB {
	if s == 0 {
		v := uint8(math.Round(l * 255))
		return RGB{v, v, v}
	}
	var q float64
	if l < 0.5 {
		q = l * (1 + s)
	} else {
		q = l + s - l*s
	}
	p := 2*l - q
	ch := func(t float64) uint8 {
		if t < 0 {
			t++
		}
		if t > 1 {
			t--
		}
		var v float64
		switch {
		case t < 1.0/6:
			v = p + (q-p)*6*t
		case t < 0.5:
			v = q
		case t < 2.0/3:
			v = p + (q-p)*(2.0/3-t)*6
		default:
			v = p
		}
		return uint8(math.Round(v * 255))
	}
	return RGB{ch(h + 1.0/3), ch(h), ch(h - 1.0/3)}
}

// Darker returns c with its lightness multiplied by f (0 to 1), hue and
// saturation kept: the hover shade of a button.
func Darker(c RGB, f float64) RGB {
	h, s, l := c.hsl()
	return fromHSL(h, s, l*f)
}
