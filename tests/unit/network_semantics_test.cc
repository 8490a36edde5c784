// Tests for issue 6 (network_semantics); filled in by the part that owns it.

#include <gtest/gtest.h>
