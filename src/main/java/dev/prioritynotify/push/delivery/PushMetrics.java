package dev.prioritynotify.push.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The push delivery metrics of DESIGN §5, exported at {@code /metrics}. */
public final class PushMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Timer duration;

    public PushMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("push_retries")
                .description("push attempts scheduled for another try")
                .register(registry);
        this.duration = Timer.builder("push_notification_duration")
                .description("time of one request to a push service")
                .publishPercentileHistogram()
                .register(registry);
    }

    void sent(String result, Duration took) {
        sent.computeIfAbsent(
                        result,
                        r -> Counter.builder("push_notifications_sent")
                                .tag("result", r)
                                .description("push requests by outcome")
                                .register(registry))
                .increment();
        duration.record(took);
    }

    void retry() {
        retries.increment();
    }
}
