# runtime-logging: see the root CMakeLists.txt (issue 7).
