// Tests for issue 6 (credentials); filled in by the part that owns it.

#include <gtest/gtest.h>
