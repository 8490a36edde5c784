"""The PKI table, the leaf extensions, the kubeconfig text, and (with openssl) a real
PKI whose certificates chain to the right CA."""

import base64
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from clusterkit import pki
from clusterkit.bootstrap import KWOK_USER


class KubeconfigText(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        for name, data in (("ca.crt", b"CA\n"), ("kwok.crt", b"CERT\n"), ("kwok.key", b"KEY\n")):
            (self.dir / name).write_bytes(data)

    def tearDown(self):
        self.tmp.cleanup()

    def test_embeds_the_files_and_names_the_user(self):
        text = pki.kubeconfig_text(self.dir, 23456, "kwok")
        b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
        self.assertIn("    server: https://127.0.0.1:23456\n", text)
        self.assertIn(f"    certificate-authority-data: {b64(b'CA' + bytes([10]))}\n", text)
        self.assertIn(f"    client-certificate-data: {b64(b'CERT' + bytes([10]))}\n", text)
        self.assertIn(f"    client-key-data: {b64(b'KEY' + bytes([10]))}\n", text)
        self.assertIn("users:\n- name: kwok\n", text)
        self.assertTrue(text.startswith("apiVersion: v1\nkind: Config\n"))
        self.assertTrue(text.endswith("current-context: compose-operator-e2e\n"))

    def test_no_path_of_this_machine_inside(self):
        # The file must work from any directory and be copied anywhere.
        self.assertNotIn(str(self.dir), pki.kubeconfig_text(self.dir, 1, "kwok"))

    def test_missing_certificate_is_an_error(self):
        with self.assertRaises(OSError):
            pki.kubeconfig_text(self.dir, 1, "admin")


class Table(unittest.TestCase):
    def test_leaf_names_are_unique(self):
        names = [leaf.name for leaf in pki.LEAVES]
        self.assertEqual(len(names), len(set(names)))

    def test_apiserver_serves_the_kubernetes_service_names(self):
        sans = next(leaf.sans for leaf in pki.LEAVES if leaf.name == "kube-apiserver")
        for san in ("IP:127.0.0.1", "IP:10.96.0.1", "DNS:kubernetes.default.svc.cluster.local"):
            self.assertIn(san, sans)

    def test_admin_is_a_master_and_kwok_is_not(self):
        subjects = {leaf.name: leaf.subject for leaf in pki.LEAVES}
        self.assertIn("/O=system:masters/", subjects["admin"])
        self.assertNotIn("system:masters", subjects["kwok"])
        self.assertEqual(subjects["kwok"], f"/CN={KWOK_USER}")

    def test_front_proxy_client_signed_by_its_own_ca(self):
        signers = {leaf.name: leaf.signer for leaf in pki.LEAVES}
        self.assertEqual(signers.pop("front-proxy-client"), "front-proxy-ca")
        self.assertEqual(set(signers.values()), {"ca"})

    def test_leaf_extensions(self):
        text = pki.leaf_extensions(pki.Leaf("x", "/CN=x", "clientAuth"))
        self.assertIn("basicConstraints = critical, CA:FALSE", text)
        self.assertIn("extendedKeyUsage = clientAuth", text)
        self.assertNotIn("subjectAltName", text)
        text = pki.leaf_extensions(pki.Leaf("x", "/CN=x", "serverAuth", ("IP:127.0.0.1", "DNS:a")))
        self.assertIn("subjectAltName = IP:127.0.0.1, DNS:a\n", text)
        self.assertTrue(text.startswith("[leaf]\n"))


@unittest.skipUnless(shutil.which("openssl"), "needs the openssl command")
class RealPki(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name) / "pki"
        pki.make_pki(cls.dir)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def openssl(self, *args):
        return subprocess.run(["openssl", *args], capture_output=True, text=True, check=True).stdout

    def test_every_leaf_chains_to_its_signer(self):
        for leaf in pki.LEAVES:
            out = self.openssl("verify", "-CAfile", str(self.dir / f"{leaf.signer}.crt"),
                               str(self.dir / f"{leaf.name}.crt"))
            self.assertIn(": OK", out, leaf.name)

    def test_front_proxy_client_does_not_chain_to_the_main_ca(self):
        r = subprocess.run(["openssl", "verify", "-CAfile", str(self.dir / "ca.crt"),
                            str(self.dir / "front-proxy-client.crt")], capture_output=True)
        self.assertNotEqual(r.returncode, 0)

    def test_subjects(self):
        out = self.openssl("x509", "-in", str(self.dir / "admin.crt"), "-noout", "-subject")
        self.assertIn("O = system:masters", out)
        self.assertIn("CN = admin", out)

    def test_keys_private_and_scratch_files_gone(self):
        for key in self.dir.glob("*.key"):
            self.assertEqual(key.stat().st_mode & 0o777, 0o600, key.name)
        left = {p.suffix for p in self.dir.iterdir()}
        self.assertEqual(left, {".crt", ".key", ".pub"})
        self.assertEqual(self.dir.stat().st_mode & 0o777, 0o700)


if __name__ == "__main__":
    unittest.main()
