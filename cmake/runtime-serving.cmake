# runtime-serving: see the root CMakeLists.txt (issue 7).
