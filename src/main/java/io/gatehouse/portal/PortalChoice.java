package io.gatehouse.portal;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.WireEnum;
import java.util.Optional;

/** What a setup link's portal sets up: the product, its protocol, and the alias of the one provider. */
public record PortalChoice(IdpAlias alias, SetupProduct product, Protocol protocol) {

    public PortalChoice {
        if (!product.supports(protocol)) {
            throw new IllegalArgumentException(product.wireName() + " over " + protocol.wireName());
        }
    }

    static Optional<PortalChoice> parse(String alias, String product, String protocol) {
        Optional<IdpAlias> a = IdpAlias.parse(alias == null ? "" : alias);
        Optional<SetupProduct> p = WireEnum.parse(SetupProduct.class, product == null ? "" : product);
        Optional<Protocol> pr = WireEnum.parse(Protocol.class, protocol == null ? "" : protocol);
        if (a.isEmpty() || p.isEmpty() || pr.isEmpty() || !p.get().supports(pr.get())) {
            return Optional.empty();
        }
        return Optional.of(new PortalChoice(a.get(), p.get(), pr.get()));
    }
}
