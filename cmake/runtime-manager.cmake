# runtime-manager: see the root CMakeLists.txt (issue 7).
