// Tests for issue 6 (paths); filled in by the part that owns it.

#include <gtest/gtest.h>
