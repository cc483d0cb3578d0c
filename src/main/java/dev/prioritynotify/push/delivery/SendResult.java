package dev.prioritynotify.push.delivery;

import java.time.Duration;

/**
 * What became of one push request: a value the delivery workers (and the test push) act on.
 * The sender itself never retries, deletes or sleeps.
 */
public sealed interface SendResult {
    /** 201/202: the push service has the message. */
    record Delivered(int status) implements SendResult {}

    /** 404/410: the subscription no longer exists; delete it, never send to it again. */
    record Gone(int status) implements SendResult {}

    /** 429: come back no earlier than {@code after}. */
    record RetryAfter(Duration after) implements SendResult {}

    /**
     * 5xx, timeout, connection error: worth retrying with backoff. {@code status} is the push
     * service's answer, null when none came (timeout, refused or dropped connection).
     */
    record Retryable(Integer status, String reason) implements SendResult {}

    /** 400/401/403/413 and other answers that a retry will not fix — but not a dead device either. */
    record Rejected(int status, String reason) implements SendResult {}

    /**
     * Not sent: the endpoint policy of the moment no longer admits the endpoint (stored under
     * another policy, or its name now resolves to an internal address). Retrying would not change
     * that, and the device is not at fault: the operator may allow it again.
     */
    record NotAllowed(String reason) implements SendResult {}

    /**
     * The one name of this result, wherever it is reported: the {@code result} label of
     * {@code push_notifications_sent_total} and each device's {@code result} in
     * {@code POST /api/push/test}.
     */
    default String outcome() {
        return switch (this) {
            case Delivered d -> "delivered";
            case Gone g -> "gone";
            case RetryAfter r -> "rate_limited";
            case Retryable r -> "retryable";
            case Rejected r -> "rejected";
            case NotAllowed r -> "not_allowed";
        };
    }
}
