package io.gatehouse.provisioning;

import io.gatehouse.mapping.NormalizedProfile;
import java.util.Optional;

/**
 * What a sign-in would make of an identity, with nothing stored: the mapped profile, the user an
 * application would then receive ({@code known}: one already provisioned, brought up to date; else a
 * new one), or why the sign-in would be refused. For test sign-ins, which provision nobody.
 */
public record ProvisioningPreview(NormalizedProfile profile, Optional<User> user, boolean known,
                                  Optional<ProvisioningResult.Refused> refusal) {
}
