// yamldiff-go reads a YAML stream on stdin and prints, as one JSON array, each document
// decoded the way kubectl decodes it: the stream is split into documents at "---" lines
// (k8s.io/apimachinery's YAMLReader rule) and each document goes through sigs.k8s.io/yaml's
// YAMLToJSON (go-yaml, YAML 1.1 resolution). Empty documents are skipped, as kubectl does.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

const separator = "---"

// splitDocuments follows apimachinery's YAMLReader: a line that starts with "---" and has
// nothing after it but spaces or a comment ends the document.
func splitDocuments(stream []byte) [][]byte {
	var documents [][]byte
	var current bytes.Buffer
	reader := bufio.NewReader(bytes.NewReader(stream))
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			if bytes.HasPrefix(line, []byte(separator)) {
				rest := strings.TrimSpace(string(line[len(separator):]))
				if rest == "" || strings.HasPrefix(rest, "#") {
					documents = append(documents, append([]byte(nil), current.Bytes()...))
					current.Reset()
					continue
				}
			}
			current.Write(line)
		}
		if err == io.EOF {
			break
		}
	}
	return append(documents, current.Bytes())
}

func main() {
	stream, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamldiff-go:", err)
		os.Exit(2)
	}
	decoded := []json.RawMessage{}
	for i, document := range splitDocuments(stream) {
		converted, err := yaml.YAMLToJSON(document)
		if err != nil {
			fmt.Fprintf(os.Stderr, "yamldiff-go: document %d: %v\n", i, err)
			os.Exit(1)
		}
		if string(bytes.TrimSpace(converted)) == "null" {
			continue
		}
		decoded = append(decoded, converted)
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamldiff-go:", err)
		os.Exit(2)
	}
	os.Stdout.Write(append(out, '\n'))
}
