# runtime-controller: see the root CMakeLists.txt (issue 7).
