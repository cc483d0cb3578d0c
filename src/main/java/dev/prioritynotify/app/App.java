package dev.prioritynotify.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.MeRoutes;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.ErrorRenderer;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.http.Json;
import dev.prioritynotify.notification.NotificationRoutes;
import dev.prioritynotify.notification.NotificationService;
import dev.prioritynotify.push.EndpointPolicy;
import dev.prioritynotify.push.PushRoutes;
import dev.prioritynotify.push.WebPush;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.stream.EventLog;
import dev.prioritynotify.stream.StreamHub;
import dev.prioritynotify.stream.StreamRoutes;
import dev.prioritynotify.token.TokenService;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.UserRepository;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: the one place that creates and wires the parts. */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    /** The storage-backed services, without HTTP: what the CLI's offline commands use too. */
    public record Services(Database db, Ids ids, UserRepository users, LocalAccounts accounts, TokenService tokens,
                           NotificationService notifications) {}

    private final Services services;
    private final StreamHub hub;
    private final WebPush push;
    private final Metrics metrics;
    private final Jobs jobs;
    private final Javalin server;

    private App(Services services, StreamHub hub, WebPush push, Metrics metrics, Jobs jobs, Javalin server) {
        this.services = services;
        this.hub = hub;
        this.push = push;
        this.metrics = metrics;
        this.jobs = jobs;
        this.server = server;
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
        return new Services(db, ids, users, new LocalAccounts(users, ids, clock), new TokenService(db, ids, clock),
                new NotificationService(db, ids, clock));
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

    private static App start(Config config, InstantSource clock, Services services) {
        Secret secretKey = DataDirectory.secretKey(config);
        ObjectMapper mapper = Json.mapper();
        Input input = new Input(mapper);
        Authenticator auth = new Authenticator(services.tokens(), services.users());

        StreamHub hub = new StreamHub(config.stream().clientBuffer());
        EventLog eventLog = new EventLog(services.db(), hub, mapper, clock);
        services.notifications().addListener(eventLog);

        Metrics metrics = new Metrics();
        EndpointPolicy endpointPolicy = new EndpointPolicy(config.push().allowedHosts(), config.push().allowInsecureEndpoints());
        WebPush push = WebPush.start(config.push(), services.db(), services.ids(), mapper, clock, secretKey, endpointPolicy,
                metrics.registry(), services.notifications()::findByIds);
        services.notifications().addListener(push.outbox());

        HealthRoutes health = new HealthRoutes(services.db());
        MeRoutes me = new MeRoutes(auth, services.users());
        NotificationRoutes notifications = new NotificationRoutes(services.notifications(), auth, input, services.users()::listIds);
        StreamRoutes stream = new StreamRoutes(auth, eventLog, hub, config.stream());
        PushRoutes pushRoutes = new PushRoutes(push, endpointPolicy, auth, input, config.push(),
                services.ids(), clock);

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
                    List<String> origins = config.server().corsOrigins();
                    rule.allowHost(origins.getFirst(), origins.subList(1, origins.size()).toArray(String[]::new));
                }));
            }
            ErrorRenderer.register(cfg.routes);
            List<String> allowedHosts = config.server().allowedHosts();
            if (!allowedHosts.isEmpty()) {
                cfg.routes.before(ctx -> checkHost(ctx.host(), allowedHosts));
            }
            metrics.register(cfg.routes);
            health.register(cfg.routes);
            me.register(cfg.routes);
            // The stream's fixed path is registered before the {id} routes that would also match it.
            stream.register(cfg.routes);
            notifications.register(cfg.routes);
            pushRoutes.register(cfg.routes);
        });
        server.start();

        Jobs jobs = new Jobs();
        Config.Retention retention = config.retention();
        if (retention.days() > 0) {
            jobs.every("retention", Duration.ofMinutes(1), Duration.ofDays(1), () -> {
                int n = services.notifications().expireOlderThan(
                        clock.instant().minus(Duration.ofDays(retention.days())), retention.mode() == Config.RetentionMode.ARCHIVE);
                log.info("retention: {} {} notifications older than {} days", retention.mode().name().toLowerCase(Locale.ROOT), n, retention.days());
            });
        }
        jobs.every("push-housekeeping", Duration.ofMinutes(2), Duration.ofDays(1), push::housekeeping);
        jobs.every("stream-heartbeat", config.stream().heartbeat(), config.stream().heartbeat(), hub::heartbeat);
        jobs.every("event-pruning", Duration.ofMinutes(1), Duration.ofHours(1), () -> {
            int n = eventLog.pruneOlderThan(clock.instant().minus(config.stream().eventRetention()));
            log.debug("pruned {} events", n);
        });
        log.info("listening on {}:{} with {} storage", config.server().host(), server.port(),
                services.db().dialect().name().toLowerCase(Locale.ROOT));
        return new App(services, hub, push, metrics, jobs, server);
    }

    private static void checkHost(String hostHeader, List<String> allowed) {
        String host = hostHeader == null ? "" : hostHeader.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
        if (!allowed.contains(host) && !allowed.contains("*")) {
            throw ApiError.invalid("Host", "'" + host + "' is not in ALLOWED_HOSTS");
        }
    }

    public int port() {
        return server.port();
    }

    public Services services() {
        return services;
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
        server.stop();
        push.close();
        metrics.close();
        services.db().close();
    }
}
