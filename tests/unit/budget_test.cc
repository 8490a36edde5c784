// Tests for issue 6 (budget); filled in by the part that owns it.

#include <gtest/gtest.h>
