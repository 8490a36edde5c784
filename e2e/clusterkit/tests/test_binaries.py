"""Finding the toolchain (refusing half-built caches) and reading component logs."""

import os
import tempfile
import unittest
from pathlib import Path

from clusterkit.binaries import KWOK_STAGES, find_binaries, kwok_config_text
from clusterkit.errors import Fail
from clusterkit.logfiles import last_error_line, lines_containing

NAMES = ["etcd", "kube-apiserver", "kubectl"]


class Toolchain(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.top = Path(self.tmp.name) / "k8s-1.36"
        self.bin = self.top / "bin"
        self.bin.mkdir(parents=True)
        for name in NAMES:
            (self.bin / name).write_text("#!/bin/sh\n")
            os.chmod(self.bin / name, 0o755)
        for stage in KWOK_STAGES:
            (self.top / "stages" / stage).parent.mkdir(parents=True, exist_ok=True)
            (self.top / "stages" / stage).write_text(f"kind: Stage\nname: {stage}\n\n")
        (self.top / ".complete").write_text("")

    def tearDown(self):
        self.tmp.cleanup()

    def test_complete_toolchain(self):
        self.assertEqual(find_binaries(str(self.bin), NAMES, environ={}), (self.bin.resolve(), self.top.resolve() / "stages"))

    def test_environment_when_no_flag(self):
        self.assertEqual(find_binaries(None, NAMES, environ={"E2E_BIN_DIR": str(self.bin)})[0], self.bin.resolve())

    def test_flag_beats_environment(self):
        with self.assertRaisesRegex(Fail, "lacks"):
            find_binaries(str(self.top), NAMES, environ={"E2E_BIN_DIR": str(self.bin)})

    def test_missing_or_not_executable_binaries_are_listed(self):
        (self.bin / "etcd").unlink()
        os.chmod(self.bin / "kubectl", 0o644)
        with self.assertRaisesRegex(Fail, "lacks etcd, kubectl: point E2E_BIN_DIR at the bin/ folder"):
            find_binaries(str(self.bin), NAMES, environ={})

    def test_half_built_without_complete_marker(self):
        (self.top / ".complete").unlink()
        with self.assertRaisesRegex(Fail, "half-built toolchain.*run e2e/build-toolchain again"):
            find_binaries(str(self.bin), NAMES, environ={})

    def test_half_built_partial_folder(self):
        partial = Path(self.tmp.name) / "k8s-1.36.partial.123" / "bin"
        partial.mkdir(parents=True)
        with self.assertRaisesRegex(Fail, "half-built toolchain"):
            find_binaries(str(partial), NAMES, environ={})

    def test_missing_stage_file(self):
        (self.top / "stages" / KWOK_STAGES[3]).unlink()
        with self.assertRaisesRegex(Fail, f"kwok stage files missing under .* \\({KWOK_STAGES[3]} ...\\)"):
            find_binaries(str(self.bin), NAMES, environ={})

    def test_stages_dir_override(self):
        other = Path(self.tmp.name) / "stages"
        with self.assertRaisesRegex(Fail, f"missing under {other}"):
            find_binaries(str(self.bin), NAMES, environ={"E2E_STAGES_DIR": str(other)})

    def test_kwok_config_is_one_stream(self):
        text = kwok_config_text(self.top / "stages")
        self.assertEqual(text.count("---\n"), len(KWOK_STAGES))
        self.assertTrue(text.startswith(f"---\nkind: Stage\nname: {KWOK_STAGES[0]}\n---\n"))


class Logs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.log = Path(self.tmp.name) / "c.log"

    def tearDown(self):
        self.tmp.cleanup()

    def test_last_telling_line(self):
        self.log.write_text("start\nE1 error: first\nlisten tcp: bind: address already in use\nshutting down\n\n")
        self.assertEqual(last_error_line(self.log), "listen tcp: bind: address already in use")

    def test_last_line_when_nothing_tells(self):
        self.log.write_text("a\n  b  \n\n")
        self.assertEqual(last_error_line(self.log), "b")

    def test_long_lines_are_cut(self):
        self.log.write_text("Fatal " + "x" * 1000 + "\n")
        self.assertEqual(len(last_error_line(self.log)), 300)

    def test_no_or_empty_log(self):
        self.assertEqual(last_error_line(self.log), "(no log)")
        self.log.write_text("\n")
        self.assertEqual(last_error_line(self.log), "(empty log)")

    def test_lines_containing(self):
        self.log.write_text("a bind: address already in use\nb\n c address already in use \n")
        self.assertEqual(lines_containing(self.log, "address already in use"),
                         ["a bind: address already in use", "c address already in use"])
        self.assertEqual(lines_containing(Path(self.tmp.name) / "none", "x"), [])


if __name__ == "__main__":
    unittest.main()
