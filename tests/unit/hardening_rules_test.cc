// Tests for issue 6 (hardening_rules); filled in by the part that owns it.

#include <gtest/gtest.h>
