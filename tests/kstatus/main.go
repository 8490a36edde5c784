// kstatus-report: prints what kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute, the
// library Flux, Helm 4 and kpt wait with) makes of one ComposeStack object.
//
// Usage: kstatus-report FILE.json   (or - for stdin)
//
// The input is one object as `kubectl get -o json` prints it. The output is one line,
// "<Status>: <message>", e.g. "Current: Resource is Ready" (just "<Status>" when kstatus gives
// no message). Exit 0 when the status was computed, 1 when it could not be (bad JSON, or
// Compute's error), 2 on a usage error.
package main

import (
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kstatus-report FILE.json|-")
		os.Exit(2)
	}
	var data []byte
	var err error
	if os.Args[1] == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(os.Args[1])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kstatus-report: %v\n", err)
		os.Exit(1)
	}
	// Unstructured's own decoder keeps integers as int64, as the apiserver's clients do
	// (encoding/json would make metadata.generation a float64, which kstatus refuses).
	object := &unstructured.Unstructured{}
	if err := object.UnmarshalJSON(data); err != nil {
		fmt.Fprintf(os.Stderr, "kstatus-report: %s: not a Kubernetes object: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	result, err := status.Compute(object)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kstatus-report: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if result.Message == "" {
		fmt.Println(result.Status)
		return
	}
	fmt.Printf("%s: %s\n", result.Status, result.Message)
}
