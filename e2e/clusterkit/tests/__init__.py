"""Unit tests of clusterkit's pure parts (run by ctest as clusterkit.unit, label unit):

    python3 -m unittest discover -s e2e/clusterkit/tests -t e2e

No cluster, no toolchain; openssl is used by the PKI test when present."""
