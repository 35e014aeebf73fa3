// CATCH_CONFIG_EXTERNAL_INTERFACES gives this file the listener base class.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include "harness/test_env.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <stdexcept>

namespace ccs::it {
namespace {

bool g_test_failed = false;

class FailureListener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    TestEventListenerBase::testCaseStarting(info);
    g_test_failed = false;
  }
  bool assertionEnded(Catch::AssertionStats const& stats) override {
    if (!stats.assertionResult.isOk()) g_test_failed = true;
    return TestEventListenerBase::assertionEnded(stats);
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(FailureListener)

std::string RequireEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(std::string("environment variable ") + name +
                             " is not set (ctest sets it; when running a test binary "
                             "by hand, export CCSD, CCSCTL and CCS_TEST_RANK)");
  }
  return v;
}

bool CurrentTestFailed() { return g_test_failed; }

}  // namespace ccs::it
