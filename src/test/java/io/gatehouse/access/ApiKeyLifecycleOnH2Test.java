package io.gatehouse.access;

import io.gatehouse.testkit.OnH2;

@OnH2
class ApiKeyLifecycleOnH2Test extends ApiKeyLifecycleTests {
}
