"""What `down` removes from the machine: only our chains and the rules that jump into them,
found in `iptables -S` output; and the sysctls go back to the values recorded before."""

import json
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from clusterkit import host_network as hn

RULES = """-P INPUT ACCEPT
-P FORWARD ACCEPT
-N DOCKER-USER
-N KUBE-FIREWALL
-N KUBE-ROUTER-FORWARD
-N CNI-FORWARD
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m comment --comment "kube-router netpol" -j KUBE-ROUTER-FORWARD
-A FORWARD -j DOCKER-USER
-A FORWARD -j CNI-FORWARD
-A KUBE-FIREWALL -m mark --mark 0x8000/0x8000 -j DROP
"""


class Chains(unittest.TestCase):
    def test_only_our_chains(self):
        self.assertEqual(hn.ours(hn.chains_in(RULES)), ["KUBE-FIREWALL", "KUBE-ROUTER-FORWARD", "CNI-FORWARD"])

    def test_jumps_into_our_chains_but_not_others(self):
        jumps = hn.jumps_into(RULES, hn.ours(hn.chains_in(RULES)))
        self.assertIn(["INPUT", "-j", "KUBE-FIREWALL"], jumps)
        self.assertIn(["FORWARD", "-j", "CNI-FORWARD"], jumps)
        self.assertFalse(any("DOCKER-USER" in rule for rule in jumps))
        self.assertFalse(any(rule[0] == "KUBE-FIREWALL" and "DROP" in rule for rule in jumps))

    def test_a_rule_ending_in_j_is_not_a_jump(self):
        self.assertEqual(hn.jumps_into("-A INPUT -j\n", ["KUBE-X"]), [])


class Sysctls(unittest.TestCase):
    def test_records_once_and_restores_the_first_values(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc = Path(tmp)
            values = {"net.ipv4.ip_forward": "0", "net.bridge.bridge-nf-call-iptables": "0",
                      "net.bridge.bridge-nf-call-ip6tables": "0", "vm.overcommit_memory": "0",
                      "kernel.panic": "1", "kernel.panic_on_oops": "0",
                      "net.ipv4.conf.all.route_localnet": "0"}
            for name, value in values.items():
                path = proc / name.replace(".", "/")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(value + "\n")
            record = proc / "record.json"
            with mock.patch.object(hn, "sysctl_path", lambda n: proc / n.replace(".", "/")):
                hn.record_and_set_sysctls(record)
                self.assertEqual(hn.read_sysctls(["net.ipv4.ip_forward"]), {"net.ipv4.ip_forward": "1"})
                (proc / "vm/overcommit_memory").write_text("1\n")  # the kubelet's change
                hn.record_and_set_sysctls(record)  # a second up must not record changed values
                self.assertEqual(json.loads(record.read_text())["net.ipv4.ip_forward"], "0")
                hn.restore_sysctls(record)
                self.assertEqual(hn.read_sysctls(list(values)), values)


if __name__ == "__main__":
    unittest.main()
