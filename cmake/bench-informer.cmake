# bench-informer: the informer memory benchmark of issue 7 (../shared/docs/kube-runtime.md §8):
# resident memory idle and with 10,000 ConfigMaps of 1 KiB cached, against a real cluster.
# bench/informer-memory starts the cluster and runs it; nothing here runs it under ctest.
if(COP_BUILD_BENCH)
  add_executable(informer_memory bench/informer_memory.cc)
  target_link_libraries(informer_memory PRIVATE cop_runtime_informer cop_runtime_rest_client)
endif()
