package dev.prioritynotify.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.user.ExternalAccounts;
import dev.prioritynotify.user.User;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The authorization code flow (OpenID Connect Core 1.0 §3.1) with PKCE S256 (RFC 7636), for a
 * confidential client. {@link #begin} records a pending sign-in and says where to send the
 * browser; {@link #finish} takes the provider's answer back, exchanges the code, validates the ID
 * token (signature over the provider's keys, {@code iss}, {@code aud}, {@code exp}/{@code iat} within
 * a minute of skew, {@code nonce}) and signs the person in as the user of their {@code sub}.
 */
public final class OidcSignIn {
    /** The issuer name of these users in {@code users.sub}: {@code oidc:<sub>}. */
    static final String ISSUER_NAME = "oidc";
    /** How long a sign-in may take at the provider (typing a password, a second factor). */
    static final Duration PENDING_FOR = Duration.ofMinutes(10);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Config.Auth.Oidc settings;
    private final ProviderDiscovery discovery;
    private final PendingLoginRepository pending;
    private final Accounts accounts;
    private final InstantSource clock;

    /** Where a person the provider vouched for becomes a user (the user feature's ExternalAccounts). */
    @FunctionalInterface
    public interface Accounts {
        User signIn(ExternalAccounts.Identity identity);
    }

    /** What the provider sent the browser back with to {@code /auth/callback}; any of it may be missing. */
    record Answer(
            Optional<String> state, Optional<String> code, Optional<String> error, Optional<String> errorDescription) {}

    /** A finished sign-in: who, and where the browser goes now. */
    record SignedIn(User user, String next) {}

    public OidcSignIn(
            Config.Auth.Oidc settings,
            ProviderDiscovery discovery,
            PendingLoginRepository pending,
            Accounts accounts,
            InstantSource clock) {
        this.settings = settings;
        this.discovery = discovery;
        this.pending = pending;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Starts a sign-in for this browser: the provider's authorization URL to send it to. */
    URI begin(String next, String browser) throws SignInFailure {
        Provider provider = provider();
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        Instant now = clock.instant();
        pending.insert(
                hash(state.getValue()),
                new PendingLogin(hash(browser), nonce.getValue(), verifier.getValue(), next, now.plus(PENDING_FOR)),
                now);
        return new AuthenticationRequest.Builder(
                        ResponseType.CODE,
                        new Scope(settings.scopes().toArray(String[]::new)),
                        new ClientID(settings.clientId()),
                        URI.create(settings.redirectUri()))
                .endpointURI(provider.metadata().getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Finishes the sign-in the provider answered, in the browser that started it. */
    SignedIn finish(Answer answer, Optional<String> browser) throws SignInFailure {
        String state = answer.state()
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new SignInFailure(400, "The answer from the identity provider has no state."));
        // Taken (deleted) before anything else is checked: whatever happens next, this state is used up.
        PendingLogin login = pending.take(hash(state))
                .orElseThrow(() -> new SignInFailure(
                        400, "This sign-in is unknown or was already used (a reload, or a replayed link)."));
        if (!login.expiresAt().isAfter(clock.instant())) {
            throw new SignInFailure(
                    400, "This sign-in took longer than " + PENDING_FOR.toMinutes() + " minutes and expired.");
        }
        boolean sameBrowser = browser.map(b -> MessageDigest.isEqual(
                        hash(b).getBytes(StandardCharsets.US_ASCII),
                        login.browserHash().getBytes(StandardCharsets.US_ASCII)))
                .orElse(false);
        if (!sameBrowser) {
            // Login CSRF: someone else's code and state, sent to this browser to sign it in as them.
            throw new SignInFailure(400, "This sign-in was started in another browser.");
        }
        if (answer.error().isPresent()) {
            String error = answer.error().get();
            throw new SignInFailure(
                    error.equals("access_denied") ? 403 : 400,
                    "The identity provider did not sign you in: " + error
                            + answer.errorDescription().map(d -> " (" + d + ")").orElse("") + ".");
        }
        String code = answer.code()
                .filter(c -> !c.isBlank())
                .orElseThrow(() -> new SignInFailure(400, "The answer from the identity provider has no code."));
        Provider provider = provider();
        JWT idToken = exchange(provider, code, login);
        IDTokenClaimsSet claims;
        try {
            claims = provider.validator().validate(idToken, new Nonce(login.nonce()));
        } catch (BadJOSEException e) {
            throw new SignInFailure(400, "The identity provider's ID token was refused: " + e.getMessage() + ".", e);
        } catch (KeySourceException e) {
            throw new SignInFailure(
                    503, "The identity provider's signing keys could not be fetched: " + e.getMessage() + ".", e);
        } catch (JOSEException e) {
            throw new SignInFailure(400, "The identity provider's ID token was refused: " + e.getMessage() + ".", e);
        }
        return new SignedIn(accounts.signIn(identity(claims)), login.next());
    }

    /** The code for the ID token at the provider's token endpoint, with this client's secret and the PKCE verifier. */
    private JWT exchange(Provider provider, String code, PendingLogin login) throws SignInFailure {
        ClientID client = new ClientID(settings.clientId());
        Secret secret = new Secret(settings.clientSecret().value());
        ClientAuthentication authentication =
                provider.clientAuth().equals(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                        ? new ClientSecretPost(client, secret)
                        : new ClientSecretBasic(client, secret);
        HTTPRequest request = new TokenRequest(
                        provider.metadata().getTokenEndpointURI(),
                        authentication,
                        new AuthorizationCodeGrant(
                                new AuthorizationCode(code),
                                URI.create(settings.redirectUri()),
                                new CodeVerifier(login.codeVerifier())))
                .toHTTPRequest();
        request.setConnectTimeout(ProviderDiscovery.CONNECT_TIMEOUT_MS);
        request.setReadTimeout(ProviderDiscovery.READ_TIMEOUT_MS);
        TokenResponse response;
        try {
            HTTPResponse http = request.send();
            response = OIDCTokenResponseParser.parse(http);
        } catch (IOException e) {
            throw new SignInFailure(
                    503, "The identity provider's token endpoint is unreachable: " + e.getMessage() + ".", e);
        } catch (ParseException e) {
            throw new SignInFailure(
                    502, "The identity provider's token endpoint answered something else than tokens.", e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            throw new SignInFailure(
                    400,
                    "The identity provider refused the sign-in code (" + error.getCode()
                            + Optional.ofNullable(error.getDescription())
                                    .map(d -> ": " + d)
                                    .orElse("") + ").");
        }
        if (!(response.toSuccessResponse() instanceof OIDCTokenResponse tokens)
                || tokens.getOIDCTokens().getIDToken() == null) {
            throw new SignInFailure(400, "The identity provider's answer holds no ID token.");
        }
        return tokens.getOIDCTokens().getIDToken();
    }

    private ExternalAccounts.Identity identity(IDTokenClaimsSet claims) {
        String subject = claims.getSubject().getValue();
        Optional<String> email = text(claims.getClaim("email"));
        String name = Stream.of(text(claims.getClaim("name")), text(claims.getClaim("preferred_username")), email)
                .flatMap(Optional::stream)
                .findFirst()
                .orElse(subject);
        Optional<Boolean> admin = settings.adminGroup()
                .map(group -> groups(claims.getClaim(settings.groupsClaim())).contains(group));
        return new ExternalAccounts.Identity(ISSUER_NAME, subject, email, name, admin);
    }

    /** The groups claim as providers send it: a JSON array of names (Authentik, Keycloak), or one name. */
    private static List<String> groups(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return claim instanceof String one ? List.of(one) : List.of();
    }

    private static Optional<String> text(Object claim) {
        return claim instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    /**
     * Where to send a browser signed out here so that it is signed out at the provider too
     * (OpenID Connect RP-Initiated Logout 1.0): only for a user of the provider, and only when
     * the provider advertises an {@code end_session_endpoint}.
     */
    Optional<URI> signOutAt(User user, String postLogoutRedirect) {
        if (!user.sub().startsWith(ISSUER_NAME + ":")) {
            return Optional.empty();
        }
        return discovery
                .current()
                .map(p -> p.metadata().getEndSessionEndpointURI())
                .map(endpoint -> new LogoutRequest(
                                endpoint,
                                null,
                                null,
                                new ClientID(settings.clientId()),
                                URI.create(postLogoutRedirect),
                                null,
                                null)
                        .toURI());
    }

    /** Forgets pending sign-ins past their expiry (hourly). */
    public int pruneExpired() {
        return pending.deleteExpired(clock.instant());
    }

    private Provider provider() throws SignInFailure {
        return discovery
                .current()
                .orElseThrow(() -> new SignInFailure(
                        503,
                        "The identity provider (" + discovery.issuer() + ") is unreachable, so signing in with it"
                                + " is not possible right now. Try again in a minute."));
    }

    static String hash(String value) {
        try {
            return B64.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
