// Tests for issue 6 (names_limits); filled in by the part that owns it.

#include <gtest/gtest.h>
