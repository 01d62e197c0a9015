package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The demo's illustrations are drawn here rather than shipped as files: the
// binary stays small and the repository holds no photographs whose rights
// would need tracking. Each is a flat drawing (16:9, like most photos the
// communication team uploads), large enough for the resized copies.

// demoImage is an illustration of a demo publication and its text
// alternative.
type demoImage struct {
	name, alt string
	draw      func() image.Image
}

var demoImages = map[string]demoImage{
	"loire": {"bords-de-loire.png", "Dessin : les bords de Loire au matin, un banc de sable et les coteaux boisés sous le soleil.", drawLoire},
	"market": {"marche-place-du-port.png", "Dessin : les étals du marché sous leurs bâches rayées rouges et blanches, place du Port.",
		drawMarket},
}

const imgW, imgH = 1200, 675

// encodePNG encodes a drawing.
func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// mix blends a towards b by t (0..1).
func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

// drawLoire: a sky at dawn, the sun, wooded hills, the river with its
// sandbank.
func drawLoire() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, imgW, imgH))
	skyTop, skyLow := color.RGBA{120, 170, 220, 255}, color.RGBA{250, 215, 170, 255}
	hillFar, hillNear := color.RGBA{96, 140, 110, 255}, color.RGBA{46, 100, 62, 255}
	water, light := color.RGBA{70, 120, 170, 255}, color.RGBA{160, 200, 230, 255}
	sand := color.RGBA{226, 200, 150, 255}
	for x := range imgW {
		fx := float64(x)
		far := 300 + 40*math.Sin(fx/170) + 20*math.Sin(fx/53)
		near := 380 + 50*math.Sin(fx/230+1) + 15*math.Sin(fx/41)
		bank := 520 + 25*math.Sin(fx/300)
		for y := range imgH {
			fy := float64(y)
			var c color.RGBA
			switch {
			case fy < far:
				c = mix(skyTop, skyLow, fy/far)
				if d := math.Hypot(fx-880, fy-210); d < 70 {
					c = color.RGBA{255, 236, 180, 255}
				}
			case fy < near:
				c = hillFar
			case fy < 440:
				c = hillNear
			case fy > bank && fy < bank+40 && fx > 250 && fx < 900:
				c = sand
			default:
				c = water
				if (y/9)%5 == 0 && (x/60+y/9)%3 == 0 {
					c = light
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// drawMarket: a row of stalls under striped awnings, crates of
// vegetables, the paving of the square.
func drawMarket() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, imgW, imgH))
	sky := color.RGBA{185, 215, 240, 255}
	red, white := color.RGBA{196, 40, 48, 255}, color.RGBA{250, 248, 240, 255}
	wood, shade := color.RGBA{150, 100, 60, 255}, color.RGBA{90, 70, 60, 255}
	paving, joint := color.RGBA{200, 195, 185, 255}, color.RGBA{170, 165, 155, 255}
	produce := []color.RGBA{{230, 120, 30, 255}, {80, 150, 50, 255}, {200, 40, 40, 255}, {240, 200, 40, 255}}
	for x := range imgW {
		stall := x / 300 // four stalls
		sx := x % 300
		for y := range imgH {
			var c color.RGBA
			switch {
			case y < 140:
				c = sky
			case y < 215+(15-abs(sx%30-15))/2 && sx > 6 && sx < 294: // the awning, scalloped edge
				c = white
				if (sx/30)%2 == 0 {
					c = red
				}
				if y < 150 {
					c = mix(c, shade, .3) // the fold at the top
				}
			case y < 240:
				c = sky
			case y < 420 && (sx < 18 || sx > 282):
				c = wood // poles
			case y < 380:
				c = shade
			case y < 470 && sx > 20 && sx < 280:
				// crates, each full of one kind of produce
				c = produce[(stall+sx/65)%len(produce)]
				if y < 400 && ((sx/13)+(y/13))%2 == 0 {
					c = mix(c, white, .25)
				}
				if y > 440 {
					c = wood
				}
			case y < 470:
				c = shade
			default:
				c = paving
				if y%45 < 3 || (x+(y/45)*40)%90 < 3 {
					c = joint
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// drawLogo: the commune's coat of arms, simplified: a blue shield, a gold
// sun over two silver waves (the Loire).
func drawLogo() image.Image {
	const w, h = 200, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	blue, gold, silver := color.RGBA{0, 0, 145, 255}, color.RGBA{240, 190, 40, 255}, color.RGBA{245, 245, 250, 255}
	for x := range w {
		fx := float64(x)
		for y := range h {
			fy := float64(y)
			// The shield: straight sides, then a curve to the point.
			inside := fx >= 8 && fx <= w-8 && fy >= 8
			if fy > 140 {
				inside = inside && math.Abs(fx-w/2) < (w/2-8)*math.Sqrt(max(0, 1-math.Pow((fy-140)/92, 2)))
			}
			if !inside {
				continue
			}
			c := blue
			if math.Hypot(fx-w/2, fy-80) < 34 {
				c = gold
			}
			for _, base := range []float64{150, 180} {
				if d := fy - (base + 8*math.Sin(fx/14)); d >= 0 && d < 10 {
					c = silver
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
