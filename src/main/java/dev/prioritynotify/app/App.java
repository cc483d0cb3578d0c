package dev.prioritynotify.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.account.PasswordRoutes;
import dev.prioritynotify.account.PendingQrCodes;
import dev.prioritynotify.account.TokenRoutes;
import dev.prioritynotify.admin.AdminRoutes;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.LoginRoutes;
import dev.prioritynotify.auth.MeRoutes;
import dev.prioritynotify.auth.Origins;
import dev.prioritynotify.auth.SessionRepository;
import dev.prioritynotify.auth.Sessions;
import dev.prioritynotify.auth.TrustedProxy;
import dev.prioritynotify.auth.oidc.OidcRoutes;
import dev.prioritynotify.auth.oidc.OidcSignIn;
import dev.prioritynotify.auth.oidc.PendingLoginRepository;
import dev.prioritynotify.auth.oidc.ProviderDiscovery;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.ErrorRenderer;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.http.Json;
import dev.prioritynotify.http.RateLimiter;
import dev.prioritynotify.http.SecurityHeaders;
import dev.prioritynotify.integration.AlertPriorities;
import dev.prioritynotify.integration.AlertmanagerRoutes;
import dev.prioritynotify.integration.GotifyRoutes;
import dev.prioritynotify.integration.NtfyRoutes;
import dev.prioritynotify.integration.Publisher;
import dev.prioritynotify.integration.WebhookRoutes;
import dev.prioritynotify.notification.ActionRoutes;
import dev.prioritynotify.notification.ActionTokens;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationFilter;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.notification.NotificationRoutes;
import dev.prioritynotify.notification.NotificationService;
import dev.prioritynotify.notification.Page;
import dev.prioritynotify.notification.Status;
import dev.prioritynotify.push.PushCredentials;
import dev.prioritynotify.push.PushRoutes;
import dev.prioritynotify.push.VapidKeyStore;
import dev.prioritynotify.push.WebPush;
import dev.prioritynotify.push.delivery.Backoff;
import dev.prioritynotify.push.delivery.DeliveryRepository;
import dev.prioritynotify.push.delivery.DeliveryWorkers;
import dev.prioritynotify.push.delivery.Outbox;
import dev.prioritynotify.push.delivery.PushMetrics;
import dev.prioritynotify.push.delivery.PushPayload;
import dev.prioritynotify.push.delivery.PushSender;
import dev.prioritynotify.push.delivery.ReadTokens;
import dev.prioritynotify.push.subscription.EndpointPolicy;
import dev.prioritynotify.push.subscription.SubscriptionRepository;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.SettingsRepository;
import dev.prioritynotify.stream.EventLog;
import dev.prioritynotify.stream.StreamHub;
import dev.prioritynotify.stream.StreamRoutes;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.token.TokenService;
import dev.prioritynotify.user.ExternalAccounts;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.UserDirectory;
import dev.prioritynotify.user.UserRepository;
import dev.prioritynotify.web.AccountPageRoutes;
import dev.prioritynotify.web.Assets;
import dev.prioritynotify.web.DashboardRoutes;
import dev.prioritynotify.web.Inbox;
import dev.prioritynotify.web.Pages;
import dev.prioritynotify.web.SettingsRoutes;
import dev.prioritynotify.web.SignedIn;
import dev.prioritynotify.web.StaticRoutes;
import dev.prioritynotify.web.TokenRow;
import dev.prioritynotify.web.UserRow;
import dev.prioritynotify.webpush.CryptoProviders;
import dev.prioritynotify.webpush.WebPushEncryption;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: the one place that creates and wires the parts. */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** Failed sign-ins a minute, per account and per address, before 429 (issue: at most 10). */
    private static final int LOGIN_FAILURES = 10;

    /** The storage-backed services, without HTTP: what the CLI's offline commands use too. */
    public record Services(
            Database db,
            Ids ids,
            UserRepository users,
            LocalAccounts accounts,
            TokenService tokens,
            NotificationService notifications,
            SessionRepository sessions) {}

    private final Services services;
    private final StreamHub hub;
    private final WebPush push;
    private final Metrics metrics;
    private final Jobs jobs;
    private final Javalin server;
    private final Optional<ProviderDiscovery> oidcDiscovery;

    private App(
            Services services,
            StreamHub hub,
            WebPush push,
            Metrics metrics,
            Jobs jobs,
            Javalin server,
            Optional<ProviderDiscovery> oidcDiscovery) {
        this.services = services;
        this.hub = hub;
        this.push = push;
        this.metrics = metrics;
        this.jobs = jobs;
        this.server = server;
        this.oidcDiscovery = oidcDiscovery;
    }

    /** Opens and migrates the database and builds the services on it. */
    public static Services services(Config config, InstantSource clock) {
        Database db = Database.open(config.database());
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        Ids ids = new Ids(clock);
        UserRepository users = new UserRepository(db);
        TokenService tokens = new TokenService(db, ids, clock);
        return new Services(
                db,
                ids,
                users,
                new LocalAccounts(users, ids, clock),
                tokens,
                new NotificationService(db, ids, clock, tokens::stillIssued),
                new SessionRepository(db));
    }

    public static App start(Config config, InstantSource clock) {
        Services services = services(config, clock);
        try {
            return start(config, clock, services);
        } catch (RuntimeException e) {
            services.db().close();
            throw e;
        }
    }

    /**
     * What {@code serve} runs: {@link #start}, after creating the first-run admin when the database
     * has no users yet ({@link FirstAdmin}), so the account exists before anyone reaches {@code /login}.
     */
    public static App serve(Config config, InstantSource clock) {
        Services services = services(config, clock);
        try {
            FirstAdmin.ensure(config, services.users(), services.accounts());
            return start(config, clock, services);
        } catch (RuntimeException e) {
            services.db().close();
            throw e;
        }
    }

    private static App start(Config config, InstantSource clock, Services services) {
        Secret secretKey = DataDirectory.secretKey(config);
        ObjectMapper mapper = Json.mapper();
        Input input = new Input(mapper);
        Config.Auth authConfig = config.auth();
        // Cookies are Secure when people reach the server over https (BASE_URL says so).
        boolean secureCookies =
                config.server().baseUrl().filter(u -> u.startsWith("https://")).isPresent();
        Sessions sessions = new Sessions(
                services.sessions(),
                secretKey,
                authConfig.sessions().previousSecretKey(),
                authConfig.sessions().lifetime(),
                secureCookies,
                clock);
        Origins origins = new Origins(config.server().baseUrl());
        // OIDC: discovery is tried once now and, while the provider is down, again in the background.
        Optional<ProviderDiscovery> oidcDiscovery = authConfig.oidc().map(ProviderDiscovery::new);
        oidcDiscovery.ifPresent(ProviderDiscovery::start);
        ExternalAccounts externalAccounts = new ExternalAccounts(services.users(), services.ids(), clock);
        Optional<OidcSignIn> oidcSignIn = authConfig
                .oidc()
                .map(settings -> new OidcSignIn(
                        settings,
                        oidcDiscovery.orElseThrow(),
                        new PendingLoginRepository(services.db()),
                        externalAccounts::signIn,
                        clock));
        OidcRoutes oidc = new OidcRoutes(
                oidcSignIn,
                sessions,
                services.users()::findById,
                config.server().baseUrl(),
                secureCookies);
        Optional<TrustedProxy> trustedProxy = authConfig
                .trustedProxy()
                .map(settings ->
                        new TrustedProxy(settings, externalAccounts::signIn, services.users()::findById, clock));
        trustedProxy.ifPresent(p -> log.info("sign-in by a trusted reverse proxy: {}", p.describe()));
        Authenticator auth =
                new Authenticator(services.tokens(), services.users()::findById, sessions, origins, trustedProxy);

        StreamHub hub = new StreamHub(config.stream().clientBuffer());
        EventLog eventLog = new EventLog(services.db(), hub, mapper, clock);
        services.notifications().addListener(eventLog);

        Metrics metrics = new Metrics();
        MetricsAccess metricsAccess =
                MetricsAccess.of(authConfig.metricsToken(), config.server().host());
        log.info("metrics: {}", metricsAccess.describe());
        ActionTokens actionTokens = new ActionTokens(secretKey, actionTokenLifetime(config.push()), clock);
        PushFeature pushFeature = push(
                config,
                services,
                mapper,
                secretKey,
                clock,
                metrics,
                n -> actionTokens.issue(n.userId(), n.id(), ActionTokens.Action.READ));
        WebPush push = pushFeature.push();
        services.notifications().addListener(pushFeature.outbox());

        HealthRoutes health = new HealthRoutes(services.db());
        OpenApiRoutes openApi = new OpenApiRoutes();
        MeRoutes me = new MeRoutes(auth, services.users()::findById, sessions);
        LoginRoutes login = new LoginRoutes(
                services.accounts(),
                sessions,
                origins,
                new RateLimiter(LOGIN_FAILURES, Duration.ofMinutes(1), clock),
                new RateLimiter(LOGIN_FAILURES, Duration.ofMinutes(1), clock),
                user -> services.users().recordLogin(user.id(), clock.instant()),
                authConfig.localEnabled(),
                oidcSignIn.map(o -> "/auth/login"),
                oidc::signOutElsewhere);
        UserDirectory directory = new UserDirectory(services.users());
        TokenRoutes tokenRoutes = new TokenRoutes(
                services.tokens(),
                auth,
                input,
                new PendingQrCodes(clock),
                config.server().baseUrl());
        PasswordRoutes password = new PasswordRoutes(
                auth,
                directory,
                services.accounts(),
                sessions,
                input,
                new RateLimiter(LOGIN_FAILURES, Duration.ofMinutes(1), clock));
        AdminRoutes admin = new AdminRoutes(auth, directory, services.accounts(), sessions, input);
        Assets assets = new Assets();
        StaticRoutes staticFiles = new StaticRoutes(assets);
        DashboardRoutes dashboard = new DashboardRoutes(
                new SignedIn(auth, services.users()::findById, sessions),
                inbox(services.notifications()),
                eventLog::currentSeq,
                new Pages(),
                assets,
                mapper);
        AccountPageRoutes accountPages = new AccountPageRoutes(
                new SignedIn(auth, services.users()::findById, sessions),
                userId -> services.tokens().list(userId).stream()
                        .map(t -> new TokenRow(
                                t.id(),
                                t.name(),
                                t.deviceType().wire(),
                                t.scopes().stream().map(Scope::wire).sorted().toList(),
                                t.createdAt(),
                                t.lastUsedAt(),
                                t.expiresAt()))
                        .toList(),
                () -> directory.list().stream()
                        .map(u -> new UserRow(
                                u.id(),
                                LocalAccounts.usernameOf(u).orElse(null),
                                u.name(),
                                u.email(),
                                u.admin(),
                                u.createdAt(),
                                u.lastLoginAt()))
                        .toList(),
                inbox(services.notifications()),
                new Pages(),
                assets);
        SettingsRoutes settings = new SettingsRoutes(
                new SignedIn(auth, services.users()::findById, sessions),
                inbox(services.notifications()),
                () -> push.enabled()
                        ? Optional.empty()
                        : Optional.of(push.unavailableReason().orElse("see the server log")),
                new Pages(),
                assets);
        NotificationRoutes notifications =
                new NotificationRoutes(services.notifications(), auth, input, services.users()::listIds);
        ActionRoutes actions = new ActionRoutes(services.notifications(), actionTokens, input);
        StreamRoutes stream = new StreamRoutes(auth, eventLog, hub, config.stream());
        PushRoutes pushRoutes = new PushRoutes(
                push,
                pushFeature.endpointPolicy(),
                auth,
                input,
                new RateLimiter(
                        config.push().subscribeLimits().perUser(),
                        config.push().subscribeLimits().window(),
                        clock),
                new RateLimiter(
                        config.push().subscribeLimits().perAddress(),
                        config.push().subscribeLimits().window(),
                        clock),
                services.ids(),
                clock);
        Publisher publisher = services.notifications()::create;
        AlertmanagerRoutes alertmanager =
                new AlertmanagerRoutes(publisher, auth, input, mapper, AlertPriorities.of(config.integrations()));
        GotifyRoutes gotify = new GotifyRoutes(publisher, auth, input);
        NtfyRoutes ntfy = new NtfyRoutes(publisher, auth, input, mapper);
        WebhookRoutes webhook = new WebhookRoutes(publisher, auth, mapper);

        Javalin server = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = config.server().maxRequestSize();
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.jetty.host = config.server().host();
            cfg.jetty.port = config.server().port();
            if (!config.server().corsOrigins().isEmpty()) {
                cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    List<String> allowed = config.server().corsOrigins();
                    rule.allowHost(
                            allowed.getFirst(),
                            allowed.subList(1, allowed.size()).toArray(String[]::new));
                }));
            }
            ErrorRenderer.register(cfg.routes);
            cfg.routes.before(SecurityHeaders::apply);
            List<String> allowedHosts = config.server().allowedHosts();
            if (!allowedHosts.isEmpty()) {
                cfg.routes.before(ctx -> checkHost(ctx.host(), allowedHosts));
            }
            metrics.register(cfg.routes, metricsAccess);
            health.register(cfg.routes);
            openApi.register(cfg.routes);
            me.register(cfg.routes);
            login.register(cfg.routes);
            oidc.register(cfg.routes);
            staticFiles.register(cfg.routes);
            dashboard.register(cfg.routes);
            accountPages.register(cfg.routes);
            settings.register(cfg.routes);
            // The stream's fixed path is registered before the {id} routes that would also match it.
            stream.register(cfg.routes);
            notifications.register(cfg.routes);
            actions.register(cfg.routes);
            pushRoutes.register(cfg.routes);
            tokenRoutes.register(cfg.routes);
            password.register(cfg.routes);
            admin.register(cfg.routes);
            alertmanager.register(cfg.routes);
            gotify.register(cfg.routes);
            webhook.register(cfg.routes);
            // Last: ntfy's topics sit at the root, and never on a name one of the routes above starts with.
            ntfy.register(cfg.routes, firstSegments(cfg.unsafe.internalRouter));
        });
        server.start();

        Jobs jobs = new Jobs();
        Config.Retention retention = config.retention();
        if (retention.days() > 0) {
            jobs.every("retention", Duration.ofMinutes(1), Duration.ofDays(1), () -> {
                int n = services.notifications()
                        .expireOlderThan(
                                clock.instant().minus(Duration.ofDays(retention.days())),
                                retention.mode() == Config.RetentionMode.ARCHIVE);
                log.info(
                        "retention: {} {} notifications older than {} days",
                        retention.mode().name().toLowerCase(Locale.ROOT),
                        n,
                        retention.days());
            });
        }
        jobs.every("push-housekeeping", Duration.ofMinutes(2), Duration.ofDays(1), push::housekeeping);
        jobs.every("session-pruning", Duration.ofMinutes(3), Duration.ofDays(1), () -> {
            int n = sessions.pruneExpired();
            log.debug("pruned {} expired sessions", n);
        });
        oidcSignIn.ifPresent(o -> jobs.every("oidc-login-pruning", Duration.ofMinutes(4), Duration.ofHours(1), () -> {
            int n = o.pruneExpired();
            log.debug("pruned {} expired OIDC sign-ins", n);
        }));
        jobs.every(
                "stream-heartbeat", config.stream().heartbeat(), config.stream().heartbeat(), hub::heartbeat);
        jobs.every("event-pruning", Duration.ofMinutes(1), Duration.ofHours(1), () -> {
            int n = eventLog.pruneOlderThan(
                    clock.instant().minus(config.stream().eventRetention()));
            log.debug("pruned {} events", n);
        });
        log.info(
                "listening on {}:{} with {} storage",
                config.server().host(),
                server.port(),
                services.db().dialect().name().toLowerCase(Locale.ROOT));
        return new App(services, hub, push, metrics, jobs, server, oidcDiscovery);
    }

    /** The first path segment of every route registered so far ({@code api}, {@code settings}, {@code sw.js}...). */
    private static Set<String> firstSegments(io.javalin.router.InternalRouter router) {
        return router.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint.path.replaceFirst("^/+", "").split("/", 2)[0])
                .filter(segment -> !segment.isEmpty() && !segment.startsWith("{") && !segment.startsWith("<"))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** What the web pages read of the notifications, answered by the notification service. */
    private static Inbox inbox(NotificationService notifications) {
        return new Inbox() {
            @Override
            public Page<Notification> list(UUID userId, NotificationFilter filter) {
                return notifications.list(userId, filter);
            }

            @Override
            public Optional<Notification> find(UUID userId, UUID id) {
                return notifications.find(userId, id);
            }

            @Override
            public Optional<Notification> markRead(UUID userId, UUID id) {
                return notifications.updateStatus(userId, id, Status.READ);
            }
        };
    }

    /**
     * How long a push's "Mark as read" stays usable: a push may wait at the push service for its
     * TTL (up to 7 days for a critical one by default) before the device comes online, and is
     * then tapped while it is on screen, so a day longer than the longest TTL. Longer would only
     * widen what a leaked push (one notification, one action) could still do.
     */
    private static Duration actionTokenLifetime(Config.Push push) {
        Duration longestTtl = push.payload().ttlByPriority().values().stream()
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
        return longestTtl.plus(Duration.ofDays(1));
    }

    /** Web Push as App builds it: what {@code push} answers with, what creation writes to, and the endpoint policy routes check. */
    private record PushFeature(WebPush push, NotificationListener outbox, EndpointPolicy endpointPolicy) {}

    /**
     * The Web Push rooms wired together: the protocol ({@code webpush}), devices
     * ({@code push.subscription}), the durable queue and its workers ({@code push.delivery}).
     * With no usable VAPID credentials there is no sender: nothing is queued or sent, and the
     * push routes say why.
     */
    private static PushFeature push(
            Config config,
            Services services,
            ObjectMapper mapper,
            Secret secretKey,
            InstantSource clock,
            Metrics metrics,
            ReadTokens readTokens) {
        Config.Push settings = config.push();
        CryptoProviders.Mode cryptoMode = settings.cryptoProvider() == Config.CryptoProvider.AUTO
                ? CryptoProviders.Mode.AUTO
                : CryptoProviders.Mode.JDK;
        CryptoProviders providers = CryptoProviders.install(cryptoMode);
        log.info("{}", providers.startupLine(cryptoMode));
        EndpointPolicy endpointPolicy = new EndpointPolicy(
                settings.endpoints().allowedHosts(), settings.endpoints().allowInsecure());
        SubscriptionRepository subscriptions = new SubscriptionRepository(services.db(), services.ids());
        DeliveryRepository deliveries = new DeliveryRepository(services.db(), subscriptions);
        PushPayload payloads = new PushPayload(mapper, settings.payload(), readTokens);
        PushCredentials credentials = PushCredentials.load(
                settings.vapid(),
                new VapidKeyStore(new SettingsRepository(services.db()), mapper, clock),
                secretKey,
                providers,
                clock);
        Optional<PushSender> sender = credentials
                .signer()
                .map(signer ->
                        new PushSender(new WebPushEncryption(providers), signer, endpointPolicy, settings, clock));
        Optional<DeliveryWorkers> workers = sender.map(s -> new DeliveryWorkers(
                deliveries,
                subscriptions,
                services.notifications()::findByIds,
                s,
                payloads,
                settings,
                clock,
                new PushMetrics(metrics.registry()),
                Backoff.of(settings.delivery().retry())));
        NotificationListener outbox = workers.<NotificationListener>map(w -> new Outbox(
                        subscriptions,
                        services.db().dialect(),
                        services.ids(),
                        clock,
                        settings.delivery().bursts(),
                        w))
                .orElse((transaction, change) -> () -> {});
        WebPush push = new WebPush(
                subscriptions,
                deliveries,
                services.notifications()::findByIds,
                credentials,
                sender,
                workers,
                payloads,
                settings.delivery().housekeeping(),
                clock);
        push.registerGauges(metrics.registry());
        push.start();
        return new PushFeature(push, outbox, endpointPolicy);
    }

    private static void checkHost(String hostHeader, List<String> allowed) {
        String host =
                hostHeader == null ? "" : hostHeader.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
        if (!allowed.contains(host) && !allowed.contains("*")) {
            throw ApiError.invalid("Host", "'" + host + "' is not in ALLOWED_HOSTS");
        }
    }

    /** What a restore needs besides a copy of the database (what {@code backup} reminds of), one line each. */
    public static List<String> secretsToKeep(Config config) {
        return DataDirectory.secretsToKeep(config);
    }

    public int port() {
        return server.port();
    }

    public Services services() {
        return services;
    }

    /** A route the server answers: its method and its path pattern, e.g. {@code DELETE /api/tokens/{id}}. */
    public record Route(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /**
     * Every HTTP route registered, before-handlers excluded: what a test that must cover each route
     * (isolation between users) checks its own list against, so a new route cannot go untested.
     */
    public List<Route> routes() {
        return server.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> new Route(endpoint.method.name(), endpoint.path))
                .distinct()
                .toList();
    }

    public StreamHub hub() {
        return hub;
    }

    public WebPush push() {
        return push;
    }

    @Override
    public void close() {
        // Stop taking requests and claiming pushes first; finish what is in flight; then close storage.
        hub.close();
        jobs.close();
        oidcDiscovery.ifPresent(ProviderDiscovery::close);
        server.stop();
        services.notifications().close(); // the writes of requests that were answered are committed
        push.close();
        metrics.close();
        services.db().close();
    }
}
