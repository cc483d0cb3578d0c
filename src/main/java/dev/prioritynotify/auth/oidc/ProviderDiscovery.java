package dev.prioritynotify.auth.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.prioritynotify.config.Config;
import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the provider from its issuer ({@code <issuer>/.well-known/openid-configuration}). The first
 * attempt is made at start-up; when the provider is down then, the server starts all the same and
 * attempts are repeated in the background, 1 s after the failure and twice as long after each
 * further one, up to a minute apart, until one succeeds. Until then sign-in with the provider
 * answers that it is unreachable.
 */
public final class ProviderDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderDiscovery.class);
    /** Timeouts of every call to the provider (discovery, token, keys): a hung provider must not hold a request long. */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    static final int READ_TIMEOUT_MS = 10_000;
    /** Allowed difference between the provider's clock and ours for exp/iat (issue 10: a small skew). */
    static final int MAX_CLOCK_SKEW_SECONDS = 60;

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(1);
    /** Symmetric and "none" algorithms are never accepted for ID tokens: the client secret is not a signing key here. */
    private static final Set<String> ASYMMETRIC_FAMILIES = Set.of("RS", "PS", "ES", "Ed");

    private final Config.Auth.Oidc settings;
    private final AtomicReference<Provider> provider = new AtomicReference<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("oidc-discovery").daemon(true).factory());

    public ProviderDiscovery(Config.Auth.Oidc settings) {
        this.settings = settings;
    }

    /** Tries once now; on failure, goes on trying in the background. Never throws. */
    public void start() {
        attempt(FIRST_RETRY);
    }

    /** The provider, once discovery has succeeded. */
    Optional<Provider> current() {
        return Optional.ofNullable(provider.get());
    }

    String issuer() {
        return settings.issuer();
    }

    private void attempt(Duration nextDelay) {
        try {
            provider.set(discover());
            log.info("OIDC provider {} discovered", settings.issuer());
        } catch (GeneralException | IOException | RuntimeException e) {
            // The reason goes to the log only: a page shown to anyone must not describe the network.
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn(
                    "OIDC provider {} unreachable ({}); sign-in with it is unavailable, next attempt in {} s",
                    settings.issuer(),
                    reason,
                    nextDelay.toSeconds());
            Duration after =
                    nextDelay.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : nextDelay.multipliedBy(2);
            try {
                @SuppressWarnings("FutureReturnValueIgnored") // the attempt reports its own failure
                var unused = retries.schedule(() -> attempt(after), nextDelay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // The server is stopping: no more attempts.
            }
        }
    }

    private Provider discover() throws GeneralException, IOException {
        OIDCProviderMetadata metadata =
                OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
        if (metadata.getJWKSetURI() == null) {
            throw new GeneralException("the provider's metadata names no jwks_uri");
        }
        JWKSource<SecurityContext> keys;
        try {
            // Cached for 5 minutes, refreshed ahead of expiry, and refetched at once (rate-limited)
            // when a token names a key id the cached set does not hold: a rotated key is picked up.
            keys = JWKSourceBuilder.<SecurityContext>create(
                            metadata.getJWKSetURI().toURL(),
                            new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, 512 * 1024))
                    .build();
        } catch (MalformedURLException e) {
            throw new GeneralException("the provider's jwks_uri is not a URL: " + e.getMessage(), e);
        }
        List<JWSAlgorithm> advertised =
                Optional.ofNullable(metadata.getIDTokenJWSAlgs()).orElse(List.of());
        Set<JWSAlgorithm> algorithms = advertised.stream()
                .filter(a ->
                        ASYMMETRIC_FAMILIES.stream().anyMatch(f -> a.getName().startsWith(f)))
                .collect(java.util.stream.Collectors.toSet());
        if (algorithms.isEmpty()) {
            algorithms = Set.of(JWSAlgorithm.RS256); // OIDC Discovery 1.0 §3: RS256 must be supported
        }
        IDTokenValidator validator = new IDTokenValidator(
                metadata.getIssuer(),
                new ClientID(settings.clientId()),
                new JWSVerificationKeySelector<>(algorithms, keys),
                null);
        validator.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        return new Provider(metadata, clientAuthentication(metadata), validator);
    }

    /**
     * {@code client_secret_basic} unless the provider advertises only {@code client_secret_post};
     * OIDC Discovery 1.0 §3 makes basic the default when it advertises nothing.
     */
    private static ClientAuthenticationMethod clientAuthentication(OIDCProviderMetadata metadata) {
        List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
        if (methods == null
                || methods.isEmpty()
                || methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                || !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
        }
        return ClientAuthenticationMethod.CLIENT_SECRET_POST;
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
