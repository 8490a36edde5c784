// Tests for issue 6 (messages); filled in by the part that owns it.

#include <gtest/gtest.h>
