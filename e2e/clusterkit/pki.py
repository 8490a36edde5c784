"""The cluster's PKI, made with the openssl CLI, and the kubeconfig files built on it.

One private CA per cluster plus a separate front-proxy CA, serving certificates for the
API and etcd, one client certificate per identity, and the service-account signing key.
ECDSA P-256 keys: instant to generate. The certificates are a table (LEAVES): a new
component with its own identity (a kubelet, say) is a new row."""

import base64
import os
import secrets
import subprocess
from dataclasses import dataclass
from typing import Sequence

from .errors import Fail
from .settings import CERT_DAYS, CLUSTER_NAME, SERVICE_IP

OPENSSL_CNF = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
"""

# The front-proxy CA signs only the apiserver's client cert towards aggregated APIs;
# kubeadm keeps it apart from the main CA so no ordinary client cert can assert
# identities through request headers.
CAS = ("ca", "front-proxy-ca")

LOOPBACK = ("IP:127.0.0.1", "DNS:localhost")


@dataclass(frozen=True)
class Leaf:
    """One certificate: files NAME.key/NAME.crt, its subject, extendedKeyUsage, SANs."""
    name: str
    subject: str
    usage: str
    sans: Sequence[str] = ()
    signer: str = "ca"


LEAVES = (
    Leaf("kube-apiserver", "/CN=kube-apiserver", "serverAuth",
         LOOPBACK + (f"IP:{SERVICE_IP}", "DNS:kubernetes", "DNS:kubernetes.default",
                     "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local")),
    # etcd uses one cert to serve clients and to talk to (and be) its own peer.
    Leaf("etcd", "/CN=etcd", "serverAuth, clientAuth", LOOPBACK),
    Leaf("apiserver-etcd-client", "/CN=kube-apiserver-etcd-client", "clientAuth"),
    # Identities: admin is cluster-admin through system:masters; kcm and the scheduler
    # use the users the bootstrap RBAC policy already binds; kwok gets its own ClusterRole.
    Leaf("admin", "/O=system:masters/CN=admin", "clientAuth"),
    Leaf("kube-controller-manager", "/CN=system:kube-controller-manager", "clientAuth"),
    Leaf("kube-scheduler", "/CN=system:kube-scheduler", "clientAuth"),
    Leaf("kwok", "/CN=kwok-controller", "clientAuth"),
    Leaf("front-proxy-client", "/CN=front-proxy-client", "clientAuth", signer="front-proxy-ca"),
)


def openssl(what, *args, stdin=None):
    try:
        r = subprocess.run(["openssl", *args], input=stdin, capture_output=True)
    except FileNotFoundError:
        raise Fail("the openssl command is missing: install it (Debian: apt-get install openssl)")
    if r.returncode != 0:
        err = r.stderr.decode(errors="replace").strip().splitlines()
        raise Fail(f"openssl failed while making {what}: {err[-1] if err else 'no message'}")
    return r.stdout


def leaf_extensions(leaf):
    """The x509v3 section for a leaf: never a CA, the key usages TLS needs."""
    ext = ["basicConstraints = critical, CA:FALSE",
           "keyUsage = critical, digitalSignature, keyEncipherment",
           f"extendedKeyUsage = {leaf.usage}",
           "authorityKeyIdentifier = keyid"]
    if leaf.sans:
        ext.append("subjectAltName = " + ", ".join(leaf.sans))
    return "[leaf]\n" + "\n".join(ext) + "\n"


def make_pki(d, leaves=LEAVES):
    """Create the folder `d` (a pathlib.Path, must not exist) with every key and cert."""
    d.mkdir(mode=0o700)
    cnf = d / "openssl.cnf"
    cnf.write_text(OPENSSL_CNF)

    def key(name):
        openssl(f"{name}.key", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", str(d / f"{name}.key"))

    for name in CAS:
        key(name)
        openssl(f"{name}.crt", "req", "-config", str(cnf), "-x509", "-new", "-key", str(d / f"{name}.key"),
                "-sha256", "-days", str(CERT_DAYS), "-subj", f"/CN={CLUSTER_NAME}-{name}",
                "-extensions", "ca", "-out", str(d / f"{name}.crt"))

    for leaf in leaves:
        key(leaf.name)
        csr = openssl(f"{leaf.name}.csr", "req", "-config", str(cnf), "-new", "-key", str(d / f"{leaf.name}.key"),
                      "-subj", leaf.subject)
        extfile = d / f"{leaf.name}.ext"
        extfile.write_text(leaf_extensions(leaf))
        openssl(f"{leaf.name}.crt", "x509", "-req", "-CA", str(d / f"{leaf.signer}.crt"),
                "-CAkey", str(d / f"{leaf.signer}.key"),
                "-set_serial", "0x" + secrets.token_hex(16), "-sha256", "-days", str(CERT_DAYS),
                "-extfile", str(extfile), "-extensions", "leaf", "-out", str(d / f"{leaf.name}.crt"),
                stdin=csr)
        extfile.unlink()

    openssl("sa.key", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
            "-out", str(d / "sa.key"))
    openssl("sa.pub", "pkey", "-in", str(d / "sa.key"), "-pubout", "-out", str(d / "sa.pub"))
    for f in d.glob("*.key"):
        os.chmod(f, 0o600)
    cnf.unlink()


def kubeconfig_text(pki_dir, port, user):
    """Certificates are embedded so the file works on its own (any client, any cwd)."""
    def b64(name):
        return base64.b64encode((pki_dir / name).read_bytes()).decode()
    return f"""\
apiVersion: v1
kind: Config
clusters:
- name: {CLUSTER_NAME}
  cluster:
    server: https://127.0.0.1:{port}
    certificate-authority-data: {b64("ca.crt")}
users:
- name: {user}
  user:
    client-certificate-data: {b64(user + ".crt")}
    client-key-data: {b64(user + ".key")}
contexts:
- name: {CLUSTER_NAME}
  context:
    cluster: {CLUSTER_NAME}
    user: {user}
current-context: {CLUSTER_NAME}
"""
