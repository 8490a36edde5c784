# runtime-informer: see the root CMakeLists.txt (issue 7).
