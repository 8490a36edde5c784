"""clusterkit: the pieces of e2e/cluster, the throw-away control plane of the e2e tests.

e2e/cluster is only the entry point; it calls cli.main(). One concept per module:

    errors      Fail (a one-line error for the user) and log() (stderr, "cluster: ...")
    settings    the cluster's fixed shape: names, CIDRs, node size, readiness timeouts
    processes   /proc reading (identity = PID + start time), spawn, stop, strays
    logfiles    the telling line of a component log
    ports       free loopback ports below the kernel's ephemeral range
    pki         the openssl CA and leaf certificates; kubeconfig text
    state       the state folder and cluster.json as typed records
    lock        the per-cluster flock, with a timeout that names the holder
    binaries    where the toolchain is and what it must hold
    api         HTTPS to the components; waits for "usable"; bootstrap objects
    bootstrap   the objects `up` creates (RBAC for kwok, StorageClass, fake nodes)
    components  the table of components: binary, ports, argv, probe, start wave
    lifecycle   start / wait / stop components; boot and teardown of a cluster
    watchdog    the detached process that tears the cluster down when its owner dies
    cli         argparse and the verbs up, down, status, restart

Only the Python standard library and the openssl CLI are used.
"""
