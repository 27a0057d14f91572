package io.gatehouse.idp;

import io.gatehouse.testkit.OnH2;

@OnH2
class ProviderLifecycleOnH2Test extends ProviderLifecycleTests {
}
