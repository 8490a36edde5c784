# informer: the reflector's list/watch loop over an ApiClient into the indexed object store, with
# event handlers, "has synced" and resync (issue 7 item 3; ../shared/docs/kube-runtime.md
# §1.7, §2.1, §2.6).
add_library(cop_runtime_informer STATIC
  operator/cache/informer.cc
  operator/cache/reflector.cc
)
target_link_libraries(cop_runtime_informer PUBLIC cop_runtime_store cop_runtime_watch
  cop_runtime_rest Threads::Threads)

if(COP_BUILD_TESTS)
  cop_runtime_unit_tests(runtime_unit_tests_informer TIMEOUT 60 LIBS cop_runtime_informer SOURCES
    tests/unit/informer/reflector_test.cc
    tests/unit/informer/informer_test.cc
  )
endif()
