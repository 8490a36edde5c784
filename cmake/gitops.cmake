# The ComposeStack API's artefacts for GitOps tools (issue 8; ../shared/docs/operator-conventions.md
# §1, §2, §7): the Argo CD health check (gitops/argocd/composestack-health.lua) run by Debian's
# lua5.4 over fixture objects, kstatus (sigs.k8s.io/cli-utils, as Flux, Helm 4 and kpt use it)
# over the same objects, and the CRD (crds/) on a real kube-apiserver.
if(COP_BUILD_TESTS)
  add_test(NAME gitops.argocd-health COMMAND ${CMAKE_SOURCE_DIR}/tests/gitops/argocd-health/run)
  set_tests_properties(gitops.argocd-health PROPERTIES LABELS unit TIMEOUT 60)

  # Builds the Go reporter once (tests/kstatus/build caches it outside the tree; the first
  # build downloads cli-utils' modules, hence the timeout).
  add_test(NAME gitops.kstatus COMMAND ${CMAKE_SOURCE_DIR}/tests/kstatus/check)
  set_tests_properties(gitops.kstatus PROPERTIES LABELS unit TIMEOUT 600)

  add_test(NAME e2e.crd COMMAND ${CMAKE_SOURCE_DIR}/e2e/tests/crd)
  set_tests_properties(e2e.crd PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 600)
endif()
