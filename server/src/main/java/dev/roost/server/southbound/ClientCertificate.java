package dev.roost.server.southbound;

import dev.roost.server.common.DeviceId;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The device names of a TLS client certificate that the handshake verified against
 * {@code roost.tls.client-ca}: its subject's common names and its DNS subject alternative names
 * (docs/protocol.md §2, "Client certificates"). A certificate names a device when one of them is
 * the device's id in decimal.
 *
 * @param subject the subject, for messages and the device's event log
 * @param names   the candidate device ids
 */
record ClientCertificate(String subject, Set<String> names) {
    private static final int SAN_DNS = 2;

    ClientCertificate {
        names = Set.copyOf(names);
    }

    /** The leaf of the peer's chain; empty when the connection is plain or the client presented none. */
    static Optional<ClientCertificate> of(Optional<Certificate[]> chain) {
        return chain.filter(certificates -> certificates.length > 0)
                .map(certificates -> certificates[0])
                .filter(X509Certificate.class::isInstance)
                .map(leaf -> of((X509Certificate) leaf));
    }

    static ClientCertificate of(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        X500Principal subject = certificate.getSubjectX500Principal();
        try {
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // A subject the JDK printed but cannot parse names no device; its SANs still may.
        }
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() == 2 && Integer.valueOf(SAN_DNS).equals(alternative.get(0))) {
                        names.add(String.valueOf(alternative.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Unparseable SANs name no device; the common name still may.
        }
        return new ClientCertificate(subject.getName(X500Principal.RFC2253), names);
    }

    boolean names(DeviceId device) {
        return names.contains(device.toString());
    }
}
