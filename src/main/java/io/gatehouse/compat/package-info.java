/**
 * The five seed products' "create identity provider" operations, each served in its own request,
 * response and error shape and translated onto the native registry: no second model, and every
 * rule (validation, quotas, uniqueness, secrets) stays in {@code io.gatehouse.idp}.
 */
package io.gatehouse.compat;
