// Tests for issue 6 (emit_safety); filled in by the part that owns it.

#include <gtest/gtest.h>
