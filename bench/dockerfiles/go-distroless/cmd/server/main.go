package main

import (
	"fmt"
	"net/http"
)

var version = "dev"

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "server %s\n", version) })
	_ = http.ListenAndServe(":8080", nil)
}
