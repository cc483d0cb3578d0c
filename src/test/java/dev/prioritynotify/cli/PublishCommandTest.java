package dev.prioritynotify.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The words for a server that gives no answer, for the cases a test process cannot produce without
 * waiting out a timeout; refused connections and unknown hosts are proved end to end in {@link CliTest}.
 */
class PublishCommandTest {

    @Test
    void aServerThatNeverAccepts_isReportedAsAConnectTimeout() {
        assertThat(PublishCommand.whyUnreachable(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isEqualTo("no connection within 10 s");
    }

    @Test
    void aServerThatAcceptsButNeverAnswers_isReportedAsAnAnswerTimeout() {
        assertThat(PublishCommand.whyUnreachable(new HttpTimeoutException("request timed out")))
                .isEqualTo("no answer within 30 s");
    }

    @Test
    void anyOtherReason_isTheOneTheNetworkGave() {
        ConnectException e = new ConnectException();
        e.initCause(new NoRouteToHostException("No route to host"));
        assertThat(PublishCommand.whyUnreachable(e)).isEqualTo("No route to host");
    }
}
