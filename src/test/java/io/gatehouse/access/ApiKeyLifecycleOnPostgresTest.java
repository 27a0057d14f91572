package io.gatehouse.access;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class ApiKeyLifecycleOnPostgresTest extends ApiKeyLifecycleTests {
}
