package dev.prioritynotify.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the process, validated once and immutable. Feature settings are grouped in
 * nested records so that each part of the application receives only what it needs.
 * {@code docs/configuration.md} lists each variable with its default.
 */
public record Config(
        Path dataDir,
        DatabaseConfig database,
        Server server,
        Optional<Secret> secretKey,
        Logging logging,
        Stream stream,
        Retention retention,
        Push push,
        Auth auth,
        Integrations integrations) {

    public record Server(
            String host,
            int port,
            Optional<String> baseUrl,
            long maxRequestSize,
            List<String> corsOrigins,
            List<String> allowedHosts) {}

    /** Where and how the server listens, read alone (the {@code healthcheck} command needs only this). */
    public static Server server(Settings s) {
        return new Server(
                s.string("HOST", "0.0.0.0"),
                s.integer("PORT", 8000, 0, 65535),
                s.get("BASE_URL").map(Config::validateBaseUrl),
                s.size("MAX_REQUEST_SIZE", 256 * 1024),
                s.list("CORS_ORIGINS"),
                s.list("ALLOWED_HOSTS"));
    }

    public enum LogFormat {
        AUTO,
        JSON,
        TEXT
    }

    public record Logging(String level, LogFormat format) {}

    /** SSE: heartbeat comment interval, per-client buffer before a slow client is dropped, event log age. */
    public record Stream(Duration heartbeat, int clientBuffer, Duration eventRetention, Duration retryHint) {}

    public enum RetentionMode {
        DELETE,
        ARCHIVE
    }

    /** {@code days == 0} keeps notifications forever. */
    public record Retention(int days, RetentionMode mode) {}

    public enum PayloadMode {
        FULL,
        MINIMAL
    }

    public enum CryptoProvider {
        AUTO,
        JDK
    }

    /**
     * Web Push, in small groups of named values rather than one long positional record, where two
     * adjacent settings of one type could be swapped and still compile. Where a group still holds
     * two of one type, {@link Config#from} reads each into a local named after its variable, and
     * {@code ConfigTest} pins every variable to its own field.
     */
    public record Push(
            Vapid vapid,
            Endpoints endpoints,
            Payload payload,
            SubscribeLimits subscribeLimits,
            CryptoProvider cryptoProvider,
            Duration requestTimeout,
            Delivery delivery) {

        /**
         * The keys stay raw here: a malformed key must not stop the server, only disable push with
         * a line naming the variable, so the push package parses them. The token validity, by
         * contrast, is a plain operator error and stops start-up.
         */
        public record Vapid(
                Optional<String> publicKey,
                Optional<Secret> privateKey,
                Optional<String> subject,
                boolean autogenerate,
                Duration tokenValidity) {
            public Vapid {
                if (tokenValidity.compareTo(Duration.ofHours(24)) > 0
                        || tokenValidity.compareTo(Duration.ofMinutes(10)) < 0) {
                    throw new ConfigException(
                            "VAPID_TOKEN_VALIDITY", "must be between 10m and 24h (RFC 8292 caps it at 24 hours)");
                }
            }
        }

        /** Which push service endpoints a device may register: hosts beyond the known services, and http. */
        public record Endpoints(List<String> allowedHosts, boolean allowInsecure) {
            public Endpoints {
                allowedHosts = List.copyOf(allowedHosts);
            }
        }

        /** What each push carries: the body or not, its TTL per priority (wire name), icon and badge. */
        public record Payload(PayloadMode mode, Map<String, Duration> ttlByPriority, String icon, String badge) {
            public Payload {
                ttlByPriority = Map.copyOf(ttlByPriority);
            }
        }

        /** Subscribe requests allowed per user and per client address within one window. */
        public record SubscribeLimits(int perUser, int perAddress, Duration window) {}
    }

    /**
     * The durable delivery queue: retry schedule, the workers that claim and send, how many pushes
     * are in flight, burst coalescing and housekeeping.
     */
    public record Delivery(
            Retry retry, Workers workers, Concurrency concurrency, Bursts bursts, Housekeeping housekeeping) {

        /**
         * {@code base × 2^n} with jitter, each delay capped at {@code maxDelay}; {@code afterCap}
         * bounds the wait a push service's {@code Retry-After} can impose.
         */
        public record Retry(Duration base, Duration maxDelay, int maxAttempts, Duration afterCap) {
            public Retry {
                // A cap below the base would silently replace the whole schedule with the cap
                // (and is what the two values swapped look like).
                if (maxDelay.compareTo(base) < 0) {
                    throw new ConfigException("PUSH_RETRY_MAX_DELAY", "must not be shorter than PUSH_RETRY_BASE");
                }
            }
        }

        /**
         * {@code lease}: how long a claimed push stays claimed before another sender may take it
         * (empty: 5 min + 4 × the request timeout). {@code handOffLimit}: how many pushes of
         * notifications created here may wait in this process, handed to its workers directly
         * instead of claimed (0: every push is claimed).
         */
        public record Workers(
                Duration pollInterval,
                int claimBatch,
                Optional<Duration> lease,
                int handOffLimit,
                Duration shutdownGrace) {
            public Workers {
                if (lease.isPresent() && lease.get().compareTo(Duration.ofSeconds(1)) < 0) {
                    throw new ConfigException("PUSH_LEASE", "must be at least 1s");
                }
            }
        }

        /** Claimed pushes not finished in this process, and of those, in flight to one push service. */
        public record Concurrency(int total, int perOrigin) {}

        /** Pushes per device per window before later ones fold into one summary push. */
        public record Bursts(int limit, Duration window) {}

        /** A device failing only for {@code staleAfter} is removed; finished deliveries are kept {@code deliveryRetention}. */
        public record Housekeeping(Duration staleAfter, Duration deliveryRetention) {}
    }

    /**
     * Signing in. OIDC when {@code OIDC_ISSUER_URL} (or the seed's {@code AUTHENTIK_ISSUER_URL}) is
     * set; local accounts when it is not, or when {@code AUTH_LOCAL_ENABLED=true} keeps them beside
     * it, with the first-run admin's {@code ADMIN_PASSWORD}; a trusted reverse proxy
     * ({@code AUTH_TRUSTED_HEADER}); the {@code METRICS_TOKEN} of {@code /metrics}.
     */
    public record Auth(
            Sessions sessions,
            boolean localEnabled,
            Optional<Secret> adminPassword,
            Optional<Oidc> oidc,
            Optional<TrustedProxy> trustedProxy,
            Optional<Secret> metricsToken) {

        /** Browser sessions: how long one lasts, and the secret whose cookies are still accepted (rotation). */
        public record Sessions(Duration lifetime, Optional<Secret> previousSecretKey) {}

        /**
         * An OpenID Connect provider, confidential client, authorization code flow with PKCE.
         * {@code redirectUri} defaults to {@code BASE_URL/auth/callback}; {@code adminGroup}, when
         * set, makes members of that group (in the {@code groupsClaim} of the ID token) administrators.
         */
        public record Oidc(
                String issuer,
                String clientId,
                Secret clientSecret,
                String redirectUri,
                List<String> scopes,
                String groupsClaim,
                Optional<String> adminGroup) {
            public Oidc {
                scopes = List.copyOf(scopes);
            }
        }

        /**
         * Forward authentication by a reverse proxy: requests from {@code proxies} (CIDRs) carrying
         * {@code userHeader} are signed in as that user; the header from anywhere else is ignored.
         */
        public record TrustedProxy(
                String userHeader,
                Optional<String> emailHeader,
                Optional<String> groupsHeader,
                Optional<String> adminGroup,
                List<Cidr> proxies) {
            public TrustedProxy {
                proxies = List.copyOf(proxies);
            }
        }
    }

    /**
     * What the drop-in publish routes need: Alertmanager's {@code severity} label (lower case) to
     * one of our priorities (wire names: low, medium, high, critical), and the priority of an
     * alert whose severity is not in the map (or that has none).
     */
    public record Integrations(Map<String, String> alertmanagerPriorities, String alertmanagerDefaultPriority) {
        public Integrations {
            alertmanagerPriorities = Map.copyOf(alertmanagerPriorities);
        }
    }

    /** The priorities' wire names, for settings that name one (config knows nothing of the notification feature). */
    private static final List<String> PRIORITIES = List.of("low", "medium", "high", "critical");

    public static Config from(Settings s) {
        Path dataDir = Path.of(s.string("DATA_DIR", "./data"));
        String level = s.string("LOG_LEVEL", "INFO").toUpperCase(java.util.Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            throw new ConfigException(
                    "LOG_LEVEL", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + level + "'");
        }
        Server server = server(s);
        Duration heartbeat = s.duration("STREAM_HEARTBEAT", Duration.ofSeconds(15));
        if (heartbeat.isZero()) {
            throw new ConfigException("STREAM_HEARTBEAT", "must be greater than zero");
        }
        return new Config(
                dataDir,
                DatabaseConfig.parse(
                        "DATABASE_URL", s.get("DATABASE_URL"), dataDir, s.integer("DATABASE_POOL_SIZE", 10, 1, 200)),
                server,
                s.get("SECRET_KEY").map(v -> {
                    if (v.length() < 32) {
                        throw new ConfigException("SECRET_KEY", "must be at least 32 characters");
                    }
                    return new Secret(v);
                }),
                new Logging(level, s.choice("LOG_FORMAT", LogFormat.class, LogFormat.AUTO)),
                new Stream(
                        heartbeat,
                        s.integer("STREAM_CLIENT_BUFFER", 1024, 16, 1_000_000),
                        s.duration("EVENT_RETENTION", Duration.ofDays(7)),
                        s.duration("STREAM_RETRY", Duration.ofSeconds(3))),
                new Retention(
                        s.integer("RETENTION_DAYS", 0, 0, 36_500),
                        s.choice("RETENTION_MODE", RetentionMode.class, RetentionMode.DELETE)),
                push(s, server.baseUrl()),
                auth(s, server.baseUrl()),
                integrations(s));
    }

    private static Integrations integrations(Settings s) {
        String mapping = "ALERTMANAGER_PRIORITIES";
        Map<String, String> priorities = new java.util.LinkedHashMap<>();
        // Alertmanager's own examples and most rule sets use critical, warning and info.
        List<String> entries = s.get(mapping).isPresent()
                ? s.list(mapping)
                : List.of("critical=critical", "error=high", "warning=high", "info=low");
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(
                        mapping,
                        "write severity=priority pairs, e.g. critical=critical,warning=high; got '" + entry + "'");
            }
            String severity = entry.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
            String priority = entry.substring(eq + 1).trim().toLowerCase(java.util.Locale.ROOT);
            if (!PRIORITIES.contains(priority)) {
                throw new ConfigException(
                        mapping, "'" + severity + "' maps to '" + priority + "'; priorities are " + PRIORITIES);
            }
            priorities.put(severity, priority);
        }
        String fallbackName = "ALERTMANAGER_DEFAULT_PRIORITY";
        String fallback = s.string(fallbackName, "medium").trim().toLowerCase(java.util.Locale.ROOT);
        if (!PRIORITIES.contains(fallback)) {
            throw new ConfigException(fallbackName, "must be one of " + PRIORITIES + ", got '" + fallback + "'");
        }
        return new Integrations(priorities, fallback);
    }

    private static Auth auth(Settings s, Optional<String> baseUrl) {
        Optional<Secret> previous = s.get("SECRET_KEY_PREVIOUS").map(v -> {
            if (v.length() < 32) {
                throw new ConfigException("SECRET_KEY_PREVIOUS", "must be at least 32 characters");
            }
            return new Secret(v);
        });
        Duration sessionLifetime = s.duration("SESSION_LIFETIME", Duration.ofDays(30));
        if (sessionLifetime.compareTo(Duration.ofMinutes(5)) < 0) {
            throw new ConfigException("SESSION_LIFETIME", "must be at least 5m");
        }
        Optional<Auth.Oidc> oidc = oidc(s, baseUrl);
        Optional<Auth.TrustedProxy> proxy = s.get("AUTH_TRUSTED_HEADER").map(header -> {
            List<Cidr> proxies = s.list("AUTH_TRUSTED_PROXIES").stream()
                    .map(Config::proxyCidr)
                    .toList();
            if (proxies.isEmpty()) {
                throw new ConfigException(
                        "AUTH_TRUSTED_PROXIES",
                        "must list the proxy addresses (CIDRs) when AUTH_TRUSTED_HEADER is set");
            }
            return new Auth.TrustedProxy(
                    header,
                    s.get("AUTH_TRUSTED_EMAIL_HEADER"),
                    s.get("AUTH_TRUSTED_GROUPS_HEADER"),
                    s.get("AUTH_TRUSTED_ADMIN_GROUP"),
                    proxies);
        });
        return new Auth(
                new Auth.Sessions(sessionLifetime, previous),
                // Local accounts are the sign-in of a server without an identity provider (DESIGN §7);
                // with one, people sign in there, unless AUTH_LOCAL_ENABLED=true keeps both.
                s.bool("AUTH_LOCAL_ENABLED", oidc.isEmpty()),
                // ADMIN_PASSWORD_FILE is read by Settings, as every NAME_FILE is.
                s.get("ADMIN_PASSWORD").map(v -> {
                    if (v.length() < 8) {
                        throw new ConfigException("ADMIN_PASSWORD", "must be at least 8 characters");
                    }
                    return new Secret(v);
                }),
                oidc,
                proxy,
                s.get("METRICS_TOKEN").map(Secret::new));
    }

    private static Cidr proxyCidr(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "AUTH_TRUSTED_PROXIES",
                    e.getMessage() + "; write addresses or CIDRs, e.g. 10.0.0.5, 172.16.0.0/12, fd00::/8");
        }
    }

    /** OIDC_* settings, or the seed's AUTHENTIK_* names for each of them. */
    private static Optional<Auth.Oidc> oidc(Settings s, Optional<String> baseUrl) {
        Optional<String> issuer = either(s, "OIDC_ISSUER_URL", "AUTHENTIK_ISSUER_URL");
        if (issuer.isEmpty()) {
            return Optional.empty();
        }
        String clientId = either(s, "OIDC_CLIENT_ID", "AUTHENTIK_CLIENT_ID")
                .orElseThrow(() -> new ConfigException("OIDC_CLIENT_ID", "is required when OIDC_ISSUER_URL is set"));
        Secret clientSecret = either(s, "OIDC_CLIENT_SECRET", "AUTHENTIK_CLIENT_SECRET")
                .map(Secret::new)
                .orElseThrow(() -> new ConfigException(
                        "OIDC_CLIENT_SECRET", "is required when OIDC_ISSUER_URL is set (a confidential client)"));
        String redirectUri = either(s, "OIDC_REDIRECT_URI", "AUTHENTIK_REDIRECT_URI")
                .or(() -> baseUrl.map(u -> u + "/auth/callback"))
                .orElseThrow(() -> new ConfigException(
                        "OIDC_REDIRECT_URI", "is required when OIDC_ISSUER_URL is set and BASE_URL is not"));
        for (String[] url : new String[][] {{"OIDC_ISSUER_URL", issuer.get()}, {"OIDC_REDIRECT_URI", redirectUri}}) {
            if (!url[1].startsWith("https://") && !url[1].startsWith("http://")) {
                throw new ConfigException(url[0], "must be an http:// or https:// URL, got '" + url[1] + "'");
            }
        }
        List<String> scopes =
                s.get("OIDC_SCOPES").map(v -> List.of(v.split("[ ,]+"))).orElse(List.of("openid", "email", "profile"));
        if (!scopes.contains("openid")) {
            throw new ConfigException("OIDC_SCOPES", "must include openid");
        }
        return Optional.of(new Auth.Oidc(
                issuer.get(),
                clientId,
                clientSecret,
                redirectUri,
                scopes,
                s.string("OIDC_GROUPS_CLAIM", "groups"),
                s.get("OIDC_ADMIN_GROUP")));
    }

    private static Optional<String> either(Settings s, String name, String seedName) {
        Optional<String> value = s.get(name);
        Optional<String> seed = s.get(seedName);
        if (value.isPresent() && seed.isPresent() && !value.equals(seed)) {
            throw new ConfigException(name, "and " + seedName + " are both set, to different values; choose one");
        }
        return value.or(() -> seed);
    }

    private static Push push(Settings s, Optional<String> baseUrl) {
        // One local per setting, named after it, read in the order this method always read them:
        // each value visibly lands in its field, and Error Prone flags two locals passed swapped.
        Duration tokenValidity = s.duration("VAPID_TOKEN_VALIDITY", Duration.ofHours(12));
        // An https BASE_URL is a fine VAPID contact when no subject is given.
        Optional<String> subject = s.get("VAPID_SUBJECT").or(() -> baseUrl.filter(u -> u.startsWith("https://")));
        Map<String, Duration> ttl = new java.util.LinkedHashMap<>();
        ttl.put("low", s.duration("PUSH_TTL_LOW", Duration.ofHours(1)));
        ttl.put("medium", s.duration("PUSH_TTL_MEDIUM", Duration.ofHours(12)));
        ttl.put("high", s.duration("PUSH_TTL_HIGH", Duration.ofDays(1)));
        ttl.put("critical", s.duration("PUSH_TTL_CRITICAL", Duration.ofDays(7)));
        Optional<String> publicKey = s.get("VAPID_PUBLIC_KEY");
        Optional<Secret> privateKey = s.get("VAPID_PRIVATE_KEY").map(Secret::new);
        boolean autogenerate = s.bool("VAPID_AUTOGENERATE", true);
        Push.Vapid vapid = new Push.Vapid(publicKey, privateKey, subject, autogenerate, tokenValidity);

        Push.Endpoints endpoints = new Push.Endpoints(
                s.list("PUSH_ALLOWED_HOSTS").stream()
                        .map(h -> h.toLowerCase(java.util.Locale.ROOT))
                        .toList(),
                s.bool("PUSH_ALLOW_INSECURE_ENDPOINTS", false));
        PayloadMode payloadMode = s.choice("PUSH_PAYLOAD", PayloadMode.class, PayloadMode.FULL);
        CryptoProvider cryptoProvider = s.choice("CRYPTO_PROVIDER", CryptoProvider.class, CryptoProvider.AUTO);
        int subscribePerUser = s.integer("PUSH_SUBSCRIBE_LIMIT", 10, 1, 100_000);
        int subscribePerAddress = s.integer("PUSH_SUBSCRIBE_LIMIT_PER_ADDRESS", 30, 1, 100_000);
        Duration subscribeWindow = s.duration("PUSH_SUBSCRIBE_WINDOW", Duration.ofMinutes(1));
        Duration requestTimeout = s.duration("PUSH_REQUEST_TIMEOUT", Duration.ofSeconds(30));
        String icon = s.string("PUSH_ICON", "/static/icon-192.png");
        String badge = s.string("PUSH_BADGE", "/static/badge-72.png");
        return new Push(
                vapid,
                endpoints,
                new Push.Payload(payloadMode, ttl, icon, badge),
                new Push.SubscribeLimits(subscribePerUser, subscribePerAddress, subscribeWindow),
                cryptoProvider,
                requestTimeout,
                delivery(s));
    }

    private static Delivery delivery(Settings s) {
        Duration retryBase = s.duration("PUSH_RETRY_BASE", Duration.ofSeconds(5));
        Duration retryMaxDelay = s.duration("PUSH_RETRY_MAX_DELAY", Duration.ofHours(1));
        int retryMaxAttempts = s.integer("PUSH_RETRY_MAX_ATTEMPTS", 8, 1, 100);
        Duration retryAfterCap = s.duration("PUSH_RETRY_AFTER_CAP", Duration.ofHours(1));
        Delivery.Retry retry = new Delivery.Retry(retryBase, retryMaxDelay, retryMaxAttempts, retryAfterCap);

        Duration pollInterval = s.duration("PUSH_WORKER_POLL", Duration.ofSeconds(1));
        int concurrency = s.integer("PUSH_CONCURRENCY", 256, 1, 10_000);
        int concurrencyPerOrigin = s.integer("PUSH_CONCURRENCY_PER_ORIGIN", 64, 1, 10_000);
        int claimBatch = s.integer("PUSH_CLAIM_BATCH", 256, 1, 10_000);
        int burstLimit = s.integer("PUSH_BURST_LIMIT", 10, 1, 1_000_000);
        Duration burstWindow = s.duration("PUSH_BURST_WINDOW", Duration.ofMinutes(1));
        Duration staleAfter = s.duration("PUSH_STALE_AFTER", Duration.ofDays(30));
        Duration deliveryRetention = s.duration("PUSH_DELIVERY_RETENTION", Duration.ofDays(7));
        Duration shutdownGrace = s.duration("PUSH_SHUTDOWN_GRACE", Duration.ofSeconds(10));
        Optional<Duration> lease = s.get("PUSH_LEASE").map(raw -> Settings.parseDuration("PUSH_LEASE", raw));
        int handOffLimit = s.integer("PUSH_HANDOFF_LIMIT", 20_000, 0, 1_000_000);
        return new Delivery(
                retry,
                new Delivery.Workers(pollInterval, claimBatch, lease, handOffLimit, shutdownGrace),
                new Delivery.Concurrency(concurrency, concurrencyPerOrigin),
                new Delivery.Bursts(burstLimit, burstWindow),
                new Delivery.Housekeeping(staleAfter, deliveryRetention));
    }

    private static String validateBaseUrl(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException("BASE_URL", "must start with http:// or https://, got '" + url + "'");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
