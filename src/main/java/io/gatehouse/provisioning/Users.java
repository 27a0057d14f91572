package io.gatehouse.provisioning;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.ProblemException;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.idp.Provisioning;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The users API: the org's users as sign-ins provisioned them; role and team changed by hand. */
@Service
public class Users {
    public static final int MAX_ROLE = 200;
    /** The fields of a user that only sign-ins write: named in a PATCH, they are refused, not ignored. */
    static final List<String> READ_ONLY_FIELDS = List.of("id", "org", "identity_provider", "subject", "email",
            "email_verified", "given_name", "family_name", "name", "username", "groups", "groups_overage", "custom",
            "created_at", "updated_at", "last_sign_in_at");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final UserStore store;
    private final Orgs orgs;
    private final ProviderDirectory directory;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    Users(UserStore store, Orgs orgs, ProviderDirectory directory, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.orgs = orgs;
        this.directory = directory;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** One page; {@code lastId} is set when there may be more. */
    public record Page(List<User> items, Optional<String> lastId) {
    }

    public Page list(Caller caller, OrgId org, Optional<String> idpAlias, Optional<String> email,
                     Optional<String> afterId, int limit) {
        caller.require(org, Permission.READ);
        orgs.require(org);
        Optional<String> idpId = Optional.empty();
        if (idpAlias.isPresent()) {
            IdpAlias alias = IdpAlias.parse(idpAlias.get()).orElseThrow(() -> ProblemException.validation("idp",
                    "invalid_format", "must be an identity-provider alias"));
            Optional<ProviderView> idp = directory.find(org, alias);
            if (idp.isEmpty()) {
                // a filter that matches nothing is an empty page, as for the other filters
                return new Page(List.of(), Optional.empty());
            }
            idpId = Optional.of(idp.get().idp().id());
        }
        List<User> found = store.list(org, new UserStore.Filter(idpId, email.map(String::strip)), afterId, limit + 1);
        if (found.size() > limit) {
            return new Page(found.subList(0, limit), Optional.of(found.get(limit - 1).id()));
        }
        return new Page(found, Optional.empty());
    }

    public User get(Caller caller, OrgId org, String id) {
        caller.require(org, Permission.READ);
        return store.find(org, id).orElseThrow(() -> ProblemException.notFound("User " + id));
    }

    /** The identity provider that signed the user in (the API shows its alias). */
    public IdentityProvider identityProvider(Caller caller, User user) {
        caller.require(user.org(), Permission.READ);
        return directory.byId(user.org(), user.idpId()).map(ProviderView::idp)
                .orElseThrow(() -> ProblemException.notFound("Identity provider " + user.idpId()));
    }

    /**
     * Sets role and/or team (JSON null clears one). Only for users of an IdP with role management
     * {@code manual}: under {@code idp} the next sign-in would silently undo the change.
     */
    public User patch(Caller caller, OrgId org, String id, ObjectNode body) {
        caller.require(org, Permission.MANAGE_ORG);
        JsonFields f = JsonFields.of(body);
        Optional<String> role = f.string("role", MAX_ROLE).map(String::strip);
        Optional<String> team = f.string("team", MAX_ROLE).map(String::strip);
        for (String name : READ_ONLY_FIELDS) {
            if (f.raw(name).isPresent()) {
                f.error(name, "read_only", "comes from the identity provider; only role and team can be changed");
            }
        }
        f.refuseUnknownFields();
        f.throwIfInvalid();
        boolean setsRole = body.has("role");
        boolean setsTeam = body.has("team");
        return tx.execute(s -> {
            User current = store.lock(org, id).orElseThrow(() -> ProblemException.notFound("User " + id));
            IdentityProvider idp = identityProvider(caller, current);
            Provisioning.RoleManagement management = idp.provisioning().roleManagement();
            if ((setsRole || setsTeam) && management == Provisioning.RoleManagement.IDP) {
                throw new ProblemException(ErrorCode.ROLE_MANAGED_BY_IDP, "Identity provider " + idp.alias()
                        + " manages its users' role and team (provisioning.role_management is idp), so a change here"
                        + " would be undone at the next sign-in; set role_management to manual to manage them here");
            }
            Optional<String> newRole = setsRole ? role.filter(r -> !r.isEmpty()) : current.role();
            Optional<String> newTeam = setsTeam ? team.filter(t -> !t.isEmpty()) : current.team();
            if (newRole.equals(current.role()) && newTeam.equals(current.team())) {
                return current;
            }
            User updated = current.withRoleAndTeam(newRole, newTeam, clock.instant().truncatedTo(ChronoUnit.MICROS));
            store.update(updated);
            ObjectNode details = JSON.createObjectNode();
            details.put("identity_provider", idp.alias().value());
            putChange(details, "role", current.role(), updated.role());
            putChange(details, "team", current.team(), updated.team());
            audit.configurationChanged(org, "user.updated", caller.actor(), updated.id(), details);
            return updated;
        });
    }

    private static void putChange(ObjectNode details, String field, Optional<String> before, Optional<String> after) {
        if (!before.equals(after)) {
            ObjectNode change = details.putObject(field);
            before.ifPresentOrElse(v -> change.put("from", v), () -> change.putNull("from"));
            after.ifPresentOrElse(v -> change.put("to", v), () -> change.putNull("to"));
        }
    }
}
