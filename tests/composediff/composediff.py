#!/usr/bin/env python3
"""The loader differential test (tests/composediff/run; part of scripts/test).

Loads every compose project of three sets with our loader (compose-model-dump, which prints the
typed model) and with the reference loader (composediff-ref: compose-go, exactly as `docker
compose` loads), and compares the two normalised models field by field:

  corpus/<path>   every .yaml/.yml file under ../shared/corpus, alone, run from its directory
  golden/<name>   every tests/golden/<name>/, with the loading flags of its `args`
  spec/<name>     every tests/spec/cases/<name>/: one rule of the Compose Specification each,
                  stated in a `# Rule:` comment at the top of its compose file

A spec case may hold `args` (one flag or value a line, as `docker compose` would take them;
default: none, so discovery picks the files) and `environment` (KEY=VALUE lines: the process
environment of the run). Every disagreement fails the test unless tests/spec/known-differences.md
lists it (`- match: CASE-GLOB FIELD-GLOB` lines under an entry that gives the rule); an entry
that matches nothing is stale and fails too.
"""

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

LOAD_FLAGS = {"-f", "--file", "--env-file", "--profile", "-p", "--project-name"}
WORKERS = 2  # the test machine's cores are shared


def golden_args(case_dir):
    """The loading flags of a golden case (the golden test adds -f compose.yaml when absent)."""
    words = []
    path = os.path.join(case_dir, "args")
    if os.path.exists(path):
        with open(path) as f:
            words = [line.rstrip("\n") for line in f if line.strip()]
    out = []
    i = 0
    while i < len(words):
        if words[i] in LOAD_FLAGS and i + 1 < len(words):
            out += [words[i], words[i + 1]]
            i += 2
        elif "=" in words[i] and words[i].split("=", 1)[0] in LOAD_FLAGS:
            out += words[i].split("=", 1)
            i += 1
        else:
            i += 2 if words[i].startswith("-") else 1
    if "-f" not in out and "--file" not in out:
        out = ["-f", "compose.yaml"] + out
    return out


def spec_case(case_dir):
    args, env = [], {}
    path = os.path.join(case_dir, "args")
    if os.path.exists(path):
        with open(path) as f:
            args = [line.rstrip("\n") for line in f if line.strip()]
    path = os.path.join(case_dir, "environment")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line and not line.startswith("#"):
                    key, _, value = line.partition("=")
                    env[key] = value
    return args, env


def collect_cases(root, corpus):
    cases = []  # (id, cwd, args, env)
    for dirpath, _, files in os.walk(corpus):
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                rel = os.path.relpath(os.path.join(dirpath, name), corpus)
                cases.append(("corpus/" + rel, dirpath, ["-f", name], {}))
    golden = os.path.join(root, "tests", "golden")
    for name in sorted(os.listdir(golden)):
        case_dir = os.path.join(golden, name)
        if os.path.isdir(case_dir):
            cases.append(("golden/" + name, case_dir, golden_args(case_dir), {}))
    spec = os.path.join(root, "tests", "spec", "cases")
    problems = []
    for name in sorted(os.listdir(spec)):
        case_dir = os.path.join(spec, name)
        if not os.path.isdir(case_dir):
            continue
        mains = [os.path.join(case_dir, f) for f in sorted(os.listdir(case_dir))
                 if f.endswith((".yaml", ".yml"))]
        if not any(open(m).readline().startswith("# Rule:") for m in mains):
            problems.append(f"spec/{name}: its compose file must start with a '# Rule:' comment")
        args, env = spec_case(case_dir)
        cases.append(("spec/" + name, case_dir, args, env))
    return sorted(cases), problems


def run(binary, cwd, args, env):
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
                "PWD": cwd}
    full_env.update(env)
    proc = subprocess.run([binary] + args, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()}", "crash": True}
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return {"error": f"unreadable output ({e}): {proc.stdout[:200]}", "crash": True}


def compare(ours, ref, path, diffs):
    """Counts the leaves compared; appends (path, ours, ref) for each that differs."""
    if isinstance(ours, dict) and isinstance(ref, dict):
        count = 0
        for key in sorted(set(ours) | set(ref)):
            count += compare(ours.get(key), ref.get(key), f"{path}.{key}" if path else key, diffs)
        return count
    if isinstance(ours, list) and isinstance(ref, list) and len(ours) == len(ref):
        return sum(compare(a, b, f"{path}[{i}]", diffs) for i, (a, b) in enumerate(zip(ours, ref)))
    if ours != ref:
        diffs.append((path, ours, ref))
    return 1


def read_known(path):
    """Entries of known-differences.md: (title, [(case_glob, field_glob)])."""
    entries, current = [], None
    with open(path) as f:
        for line in f:
            if line.startswith("## "):
                current = (line[3:].strip(), [])
                entries.append(current)
            match = re.match(r"^- match: `?(\S+?)`? `?(\S+?)`?\s*$", line)
            if match and current is not None:
                current[1].append((match.group(1), match.group(2)))
    return entries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", required=True)
    parser.add_argument("--ref", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--only", help="run the cases whose id matches this glob")
    parser.add_argument("--verbose", action="store_true", help="print every disagreement")
    options = parser.parse_args()
    started = time.monotonic()
    cases, problems = collect_cases(options.root, options.corpus)
    if options.only:
        cases = [c for c in cases if fnmatch.fnmatch(c[0], options.only)]

    def both(case):
        case_id, cwd, args, env = case
        return case_id, run(options.ours, cwd, args, env), run(options.ref, cwd, args, env)

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(both, cases))

    fields = services = 0
    disagreements = []  # (case, path, ours, ref)
    for case_id, ours, ref in results:
        for side, model in (("ours", ours), ("reference", ref)):
            if model.get("crash"):
                problems.append(f"{case_id}: {side} failed: {model['error']}")
        if "error" in ours or "error" in ref:
            fields += 1
            if ("error" in ours) != ("error" in ref):
                disagreements.append((case_id, "error", ours.get("error"), ref.get("error")))
            continue
        services += len(ref.get("services", {}))
        diffs = []
        fields += compare(ours, ref, "", diffs)
        disagreements += [(case_id, p, a, b) for p, a, b in diffs]

    known_path = os.path.join(options.root, "tests", "spec", "known-differences.md")
    known = read_known(known_path)
    used = {title: 0 for title, _ in known}
    unlisted = []
    for d in disagreements:
        entry = next((title for title, matches in known
                      if any(fnmatch.fnmatch(d[0], c) and fnmatch.fnmatch(d[1], p)
                             for c, p in matches)), None)
        if entry is None:
            unlisted.append(d)
        else:
            used[entry] += 1
    if not options.only:
        problems += [f"known-differences.md: '{title}' matches no disagreement (stale)"
                     for title, count in used.items() if count == 0]

    show = disagreements if options.verbose else unlisted
    for case_id, path, ours, ref in show:
        print(f"{case_id}: {path}: ours {json.dumps(ours)} / docker compose {json.dumps(ref)}")
    for problem in problems:
        print(f"composediff: {problem}")
    counts = {"corpus": 0, "golden": 0, "spec": 0}
    for case_id, _, _, _ in cases:
        counts[case_id.split("/", 1)[0]] += 1
    print(f"loader differential test: {len(cases)} projects ({counts['corpus']} corpus files, "
          f"{counts['golden']} golden cases, {counts['spec']} spec cases), {services} services, "
          f"{fields} fields compared; {len(disagreements)} disagreements, "
          f"{len(disagreements) - len(unlisted)} listed in known-differences.md "
          f"({len(known)} entries), {len(unlisted)} unlisted; {time.monotonic() - started:.1f} s")
    return 1 if unlisted or problems else 0


if __name__ == "__main__":
    sys.exit(main())
