#include "hoist/manifest/manifest.hpp"

#include <gtest/gtest.h>
