# runtime-rest: see the root CMakeLists.txt (issue 7).
