#!/usr/bin/env python3
"""The YAML differential test's driver (run it through tests/yamldiff/run).

Converts each case with `-o yaml` and `-o json`, decodes the YAML stream with kubectl's Go YAML
(the cached yamldiff-go program), PyYAML (safe_load_all, YAML 1.1) and yaml-cpp (yamlcpp-decode),
and requires every decode to equal the JSON List's items exactly: same types (a bool is not a
number, a string is not a date), same strings, same keys. Cases: every golden directory, every
corpus file that converts, and generated stacks whose values and keys hold each dangerous
character and word.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

# Conversion retries with a stand-in image for build-only services, as the corpus sweep does.
MAX_IMAGE_ROUNDS = 16
NEEDS_IMAGE = re.compile(r"--image ([^=\s]+)=REF")
# A string this long is a key past go-yaml's and PyYAML's 1,024-character simple-key limit.
LONG_TEXT = 1500

# Characters that have broken YAML consumers: line breaks other than \n (U+2028, U+2029, U+0085,
# \r), every C0 control, DEL, C1 controls, the BOM, non-characters, no-break space, an astral
# character and (outside the BMP) the largest code point.
DANGEROUS_CHARS = (
    [chr(c) for c in range(0x00, 0x20)]
    + ["\x7f", "\x80", "\x84", "\x85", "\x9b", "\x9f", "\xa0", "\u2028", "\u2029", "\ufeff",
       "\ufffe", "\uffff", "\ufffd", "\ud7ff", "\ue000", "\U0001f600", "\U0010ffff", "é", "中"])

# Words and numbers that YAML 1.1 (go-yaml v2, PyYAML) or 1.2 resolve to something else than a
# string, indicators, document markers, and white-space shapes.
DANGEROUS_WORDS = [
    "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF", "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~",
    "0755", "0o755", "0x1F", "0b101", "1_000", "+1", "-1", "1:20", "190:20:30", "-1:20",
    "1.5", "1e3", "1e+100", "1.0e+100", ".5", "+.5", ".inf", "-.inf", "+.Inf", ".nan", ".NaN",
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "=", "<<",
    "", " ", "  ", "\t", " lead", "trail ", "#x", "a #b", "a#b", "a: b", "a:", ":a", "- x", "-",
    "---", "...", "--- x", "%TAG", "%YAML 1.1", "@x", "`x", "!x", "!!str", "&a", "*a", "|", ">",
    "|-", "{a", "[a", "}", "]", ",", "?", "? x", "'q'", '"dq"', "\\", "a\\nb", "x'y", 'x"y',
    "multi\nline\n", "no final break\nx", "two final\n\n", "\nleading break", "a\n\nb\n",
    "trailing space \n", "last line spaces\n  ", "tab\tinside\n", "x\n\tindented tab\n",
    "\tfirst line tab\nx\n", "x\n \n  spaces-only line\n", "\u00a0nbsp first\nx\n",
    "x\n  privileged: true\n", "ok\u2028privileged: true", "ok\u2029hostNetwork: true",
    "ok\x85runAsUser: 0", "ok\r\nprivileged: true", "ok\rprivileged: true",
    "a\u2028b\nc\n", "key: value\n- item\n", "x" * LONG_TEXT, "k" * 1020 + ": v",
]


def yaml_double_quoted(text):
    """The text as a YAML double-quoted scalar with \\x/\\u/\\U escapes (never a surrogate
    pair), so that the compose input itself is plain ASCII and valid for our loader."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code <= 0x7E:
            out.append(ch)
        elif code <= 0xFF:
            out.append("\\x%02X" % code)
        elif code <= 0xFFFF:
            out.append("\\u%04X" % code)
        else:
            out.append("\\U%08X" % code)
    out.append('"')
    return "".join(out)


def hostile_fields(q):
    """Compose service fields that carry the quoted value `q` into every kind of output string:
    pod env values, labels (kept or moved to annotations), annotations, args, probe commands,
    ConfigMap data, and keys."""
    return {
        "env": "    environment:\n      VALUE: %s\n" % q,
        "label": "    labels:\n      example.com/value: %s\n" % q,
        "annotation": "    annotations:\n      example.com/value: %s\n" % q,
        "command": "    command: [\"echo\", %s]\n" % q,
        "healthcheck": "    healthcheck:\n      test: [\"CMD\", \"echo\", %s]\n" % q,
        "config": "    configs: [{source: conf, target: /etc/conf}]\n",
        "label-key": "    labels:\n      %s: v\n" % q,
        "annotation-key": "    annotations:\n      %s: v\n" % q,
        "env-key": "    environment:\n      %s: v\n" % q,
        "image": "    image: %s\n" % q,
    }


def hostile_stack(q, fields):
    texts = hostile_fields(q)
    body = "services:\n  app:\n"
    if "image" not in fields:
        body += "    image: nginx:1.25\n"
    for name in fields:
        body += texts[name]
    if "config" in fields:
        body += "configs:\n  conf:\n    content: %s\n" % q
    return body


class Failure(Exception):
    pass


def convert(binary, cwd, args, images, output):
    """Runs convert; returns (exit code, stdout). Adds to `images` the --image options that
    build-only services need, so that a second run with the same list needs no retries."""
    for _ in range(MAX_IMAGE_ROUNDS):
        result = subprocess.run([binary, "convert"] + args + images + ["-o", output], cwd=cwd,
                                capture_output=True)
        match = NEEDS_IMAGE.search(result.stderr.decode("utf-8", "replace"))
        if result.returncode == 0 or not match:
            break
        images += ["--image", match.group(1) + "=registry.invalid/" + match.group(1) + ":diff"]
    return result.returncode, result.stdout


def pointer_escape(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def compare(expected, actual, pointer, counts):
    """Strict equality; raises Failure naming the JSON pointer of the first difference."""
    where = pointer or "/"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise Failure("%s: expected a mapping, got %r" % (where, actual))
        for key in actual:
            if not isinstance(key, str):
                raise Failure("%s: key %r decoded as %s, not a string" %
                              (where, key, type(key).__name__))
        if set(expected) != set(actual):
            missing = sorted(set(expected) - set(actual))
            extra = sorted(set(actual) - set(expected))
            raise Failure("%s: keys differ: missing %r, extra %r" % (where, missing[:5], extra[:5]))
        for key in expected:
            counts["strings"] += 1  # the key
            compare(expected[key], actual[key], pointer + "/" + pointer_escape(key), counts)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise Failure("%s: expected a sequence of %d items, got %r" %
                          (where, len(expected), type(actual).__name__))
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, "%s/%d" % (pointer, i), counts)
        return
    if isinstance(expected, str):
        counts["strings"] += 1
        if not isinstance(actual, str) or actual != expected:
            raise Failure("%s: expected the string %r, got %r" % (where, expected, actual))
        return
    if isinstance(expected, bool) or expected is None or isinstance(actual, bool):
        if type(actual) is not type(expected) or actual != expected:
            raise Failure("%s: expected %r, got %r" % (where, expected, actual))
        return
    # Numbers: JSON does not tell 2 from 2.0 (Go writes 2.0 as 2), so compare values.
    if not isinstance(actual, (int, float)) or actual != expected:
        raise Failure("%s: expected the number %r, got %r" % (where, expected, actual))


def decode_with(program, stream):
    result = subprocess.run([program], input=stream, capture_output=True)
    if result.returncode != 0:
        raise Failure("cannot decode: " + result.stderr.decode("utf-8", "replace").strip())
    return json.loads(result.stdout)


def decode_pyyaml(stream):
    try:
        return [d for d in yaml.safe_load_all(stream.decode("utf-8")) if d is not None]
    except yaml.YAMLError as error:
        raise Failure("cannot decode: %s" % str(error).replace("\n", " "))


def check_case(label, cwd, args, options, counts, failures):
    """Converts one case both ways and compares each decoder's view; True when it converted."""
    images = []
    code, yaml_out = convert(options.binary, cwd, args, images, "yaml")
    json_code, json_out = convert(options.binary, cwd, args, images, "json")
    if code != 0 or json_code != 0:
        if code != json_code:
            failures.append("%s: -o yaml exits %d but -o json exits %d" % (label, code, json_code))
        return False
    items = json.loads(json_out)["items"]
    counts["streams"] += 1
    counts["documents"] += len(items)
    decoders = [("sigs.k8s.io/yaml", lambda s: decode_with(options.go, s)),
                ("PyYAML", decode_pyyaml),
                ("yaml-cpp", lambda s: decode_with(options.cpp, s))]
    for name, decode in decoders:
        try:
            documents = decode(yaml_out)
            if len(documents) != len(items):
                raise Failure("%d documents, but the JSON List has %d items" %
                              (len(documents), len(items)))
            for i, (item, document) in enumerate(zip(items, documents)):
                compare(item, document, "/items/%d" % i, counts)
        except Failure as failure:
            failures.append("%s: %s: %s" % (label, name, failure))
    return True


def golden_cases(root):
    golden = os.path.join(root, "tests", "golden")
    for name in sorted(os.listdir(golden)):
        directory = os.path.join(golden, name)
        if not os.path.isdir(directory):
            continue
        args = []
        args_file = os.path.join(directory, "args")
        if os.path.exists(args_file):
            with open(args_file) as f:
                args = [line.rstrip("\n") for line in f if line.strip()]
        while "-o" in args:  # the output format is chosen per run
            i = args.index("-o")
            del args[i:i + 2]
        if "-f" not in args:
            args = ["-f", "compose.yaml"] + args
        yield "tests/golden/" + name, directory, args


def corpus_cases(root, corpus):
    with open(os.path.join(root, "tests", "corpus", "expectations.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 2 and not line.startswith("#") and fields[1] == "ok":
                yield "../shared/corpus/" + fields[0], corpus, ["-f", fields[0]]


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--binary", "--go", "--cpp", "--root", "--corpus"):
        parser.add_argument(flag, required=True)
    options = parser.parse_args()
    counts = {"streams": 0, "documents": 0, "strings": 0}
    failures = []

    golden = 0
    for label, cwd, args in golden_cases(options.root):
        if not check_case(label, cwd, args, options, counts, failures):
            failures.append("%s: the golden case does not convert" % label)
        golden += 1

    corpus = 0
    for label, cwd, args in corpus_cases(options.root, options.corpus):
        if not check_case(label, cwd, args, options, counts, failures):
            failures.append("%s: listed as converting, but does not" % label)
        corpus += 1

    hostile = 0
    refused = 0
    with tempfile.TemporaryDirectory() as work:
        values = DANGEROUS_CHARS + ["a%sb" % c for c in DANGEROUS_CHARS] + DANGEROUS_WORDS
        # Keys (and the image) are validated by convert, so most hostile ones are refused;
        # they are tried apart from the values, which every field accepts.
        key_fields = ["label-key", "annotation-key", "env-key", "image"]
        value_fields = [f for f in hostile_fields('""') if f not in key_fields]
        for index, value in enumerate(values):
            q = yaml_double_quoted(value)
            for group, group_fields in enumerate((value_fields, key_fields)):
                # The group at once; when the stack is refused (a value that some field may
                # not hold), each field on its own, so that the others are still checked.
                attempts = [group_fields] + [[field] for field in group_fields]
                for attempt, fields in enumerate(attempts):
                    directory = os.path.join(work, "h%d-%d-%d" % (index, group, attempt))
                    os.mkdir(directory)
                    with open(os.path.join(directory, "compose.yaml"), "w") as f:
                        f.write(hostile_stack(q, fields))
                    label = "hostile value %s in %s" % (q[:60], ",".join(fields))
                    converted = check_case(label, directory, ["-f", "compose.yaml", "-p", "h"],
                                           options, counts, failures)
                    hostile += 1
                    refused += 0 if converted else 1
                    if converted and attempt == 0:
                        break

    print("yamldiff: %d golden cases, %d corpus files, %d hostile stacks (%d refused by convert "
          "with an error); %d YAML streams, %d documents, %d strings and keys compared across "
          "sigs.k8s.io/yaml, PyYAML and yaml-cpp" %
          (golden, corpus, hostile, refused, counts["streams"], counts["documents"],
           counts["strings"]), file=sys.stderr)
    if failures:
        for failure in failures[:50]:
            print("yamldiff: FAIL " + failure, file=sys.stderr)
        print("yamldiff: %d differences" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
