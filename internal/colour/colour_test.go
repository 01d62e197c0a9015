package colour

import (
	"math"
	"testing"
)

func TestContrastKnownRatios(t *testing.T) {
	black, _ := Parse("#000")
	grey, _ := Parse("#777777")
	for _, c := range []struct {
		a, b RGB
		want float64
	}{
		{black, White, 21},
		{White, black, 21},
		{grey, White, 4.48},
		{White, White, 1},
		{RGB{0, 0, 0x91}, White, 14.91}, // Parvis blue
	} {
		if got := Contrast(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", c.a.Hex(), c.b.Hex(), got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"#1D5C3A": "#1d5c3a", "abc": "#aabbcc", " #000091 ": "#000091"} {
		c, ok := Parse(in)
		if !ok || c.Hex() != want {
			t.Errorf("Parse(%q) = %s, %v; want %s", in, c.Hex(), ok, want)
		}
	}
	for _, bad := range []string{"", "#12", "#12345", "#gggggg", "red", "#1234567"} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestDarkenToReachesTheRatioNearby(t *testing.T) {
	grey, _ := Parse("#777777")
	got := DarkenTo(grey, MinText, White, LightBg)
	if r := MinContrast(got, White, LightBg); r < MinText {
		t.Fatalf("DarkenTo(#777) = %s, ratio %.2f", got.Hex(), r)
	}
	// Nearest: one step lighter would fail.
	lighter := RGB{got.R + 2, got.G + 2, got.B + 2}
	if MinContrast(lighter, White, LightBg) >= MinText {
		t.Errorf("DarkenTo(#777) = %s is not the nearest: %s complies too", got.Hex(), lighter.Hex())
	}
	if got.R != got.G || got.G != got.B {
		t.Errorf("a grey stays grey: %s", got.Hex())
	}
	// A light orange keeps its hue: red channel stays the largest.
	orange, _ := Parse("#ff9900")
	o := DarkenTo(orange, MinText, White)
	if MinContrast(o, White) < MinText || !(o.R > o.G && o.G > o.B) {
		t.Errorf("DarkenTo(#ff9900) = %s (ratio %.2f)", o.Hex(), Contrast(o, White))
	}
	// A compliant colour is kept as it is.
	blue := RGB{0, 0, 0x91}
	if DarkenTo(blue, MinText, White) != blue {
		t.Error("a compliant colour changed")
	}
}
