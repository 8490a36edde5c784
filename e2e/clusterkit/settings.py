"""The cluster's fixed shape, shared by the PKI, the component flags and the bootstrap
objects. Changing a value here changes every cluster `up` makes."""

from pathlib import Path

# e2e/: the entry script (`cluster`, re-run as the watchdog) and build-toolchain live here.
E2E_DIR = Path(__file__).resolve().parent.parent
ENTRY_SCRIPT = E2E_DIR / "cluster"

DEFAULT_NODES = 2
CLUSTER_NAME = "compose-operator-e2e"
SERVICE_CIDR = "10.96.0.0/16"        # kept apart from the pod range to avoid confusion
SERVICE_IP = "10.96.0.1"             # first IP of SERVICE_CIDR: the `kubernetes` Service
POD_CIDR_PREFIX = "10.244"           # node i gets 10.244.i.0/24; kwok hands out pod IPs
NODE_IP_PREFIX = "192.0.2"           # TEST-NET-1: fake node addresses that route nowhere
NODE_ALLOCATABLE = {"cpu": "32", "memory": "256Gi", "pods": "110"}  # kwok's sample node
NODE_LEASE_SECONDS = 40              # kwok renews node leases, so nodes stay Ready
STORAGE_CLASS = "kwok-volume"        # the name kwok's volume stages select on
SA_ISSUER = "https://kubernetes.default.svc.cluster.local"
CERT_DAYS = 3650

# Readiness budgets (seconds), generous for a loaded 2-core machine.
ETCD_READY_S = 30
APISERVER_READY_S = 90
COMPONENT_READY_S = 60
CLUSTER_USABLE_S = 90                 # nodes Ready and untainted, default SA present
