//go:build race

package e2e

// raceDetector is true under -race, which slows every request five to ten
// times: load-shaped tests then use smaller numbers with the same property.
const raceDetector = true
