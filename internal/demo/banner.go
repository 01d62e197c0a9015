package demo

import (
	"context"
	"image"
	"image/color"
	"math"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
)

// The commune's look: a Loire blue for links and buttons, a deeper one for
// the header band (both above 4.5:1 with white text), and a banner drawn
// here like the other pictures: the river, the far bank with the town's
// roofs and church spire.
const (
	demoBrandColour  = "#1f5f7a"
	demoHeaderColour = "#163f52"
	bannerW, bannerH = 1600, 480
)

// seedLook sets the colours and banner through the appearance page's use
// case, as the commune's administrator.
func seedLook(ctx context.Context, a *app.App, org model.Organisation) error {
	admin, err := a.Store.AccountByEmail(ctx, "admin@bellerive.example")
	if err != nil {
		return err
	}
	data, err := encodePNG(drawBanner())
	if err != nil {
		return err
	}
	_, err = a.Organisations.UpdateOrgLook(ctx, admin.ID, org.ID, organisations.LookInput{
		BrandColour: demoBrandColour, HeaderColour: demoHeaderColour, BannerData: data})
	return err
}

// drawBanner: a summer sky, the town on the far bank (roofs, the church and
// its spire), the Loire with light on the water, the near bank's grass.
func drawBanner() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, bannerW, bannerH))
	skyTop, skyLow := color.RGBA{90, 150, 210, 255}, color.RGBA{214, 232, 245, 255}
	roof, wall := color.RGBA{80, 86, 100, 255}, color.RGBA{236, 226, 204, 255}
	trees := color.RGBA{58, 110, 70, 255}
	water, glint := color.RGBA{60, 112, 150, 255}, color.RGBA{180, 214, 236, 255}
	grass := color.RGBA{96, 150, 70, 255}
	const horizon, river, bank = 250.0, 300.0, 430.0
	for x := range bannerW {
		fx := float64(x)
		// The town: houses 48 px wide of varying heights, each under a
		// pitched roof; the church near the middle.
		const houseW = 48.0
		i := math.Floor(fx / houseW)
		wallTop := horizon - 34 - 22*math.Abs(math.Sin(i*2.7))
		roofTop := wallTop - 20 + 20*math.Abs(fx-(i+0.5)*houseW)/(houseW/2)
		inTown := fx > 300 && fx < 1300 && math.Mod(fx, houseW) > 3
		spire := math.Abs(fx - 820)
		for y := range bannerH {
			fy := float64(y)
			var c color.RGBA
			switch {
			case fy < horizon:
				c = mix(skyTop, skyLow, fy/horizon)
				switch {
				case spire < 14 && fy > horizon-190+spire*6:
					c = roof // the spire, narrowing to its top
				case spire < 40 && fy > horizon-95:
					c = wall // the church's nave
				case inTown && fy > wallTop:
					c = wall
				case inTown && fy > roofTop:
					c = roof
				case !inTown && fy > horizon-30-12*math.Sin(fx/60):
					c = trees
				}
			case fy < river:
				c = trees
			case fy < bank+8*math.Sin(fx/150):
				c = water
				if (y/7)%4 == 0 && (x/50+y/7)%3 == 0 {
					c = glint
				}
			default:
				c = mix(grass, trees, (fy-bank)/(bannerH-bank))
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}
