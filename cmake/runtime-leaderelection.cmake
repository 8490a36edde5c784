# runtime-leaderelection: see the root CMakeLists.txt (issue 7).
