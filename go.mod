module github.com/parvis/parvis

go 1.26
