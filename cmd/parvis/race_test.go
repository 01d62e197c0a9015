//go:build race

package main

// raceBuild: the tests run under the race detector, so a binary they build
// uses it too and reuses the race-built packages already in the build cache.
const raceBuild = true
