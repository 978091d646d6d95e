package dev.roost.server.northbound.grpc;

import dev.roost.server.event.EventBus;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link WatchStreams#pump}: how a watch stream ends. */
class WatchPumpTest {
    /** The pump notices a closed subscription within its poll of 500 ms. */
    private static final Duration PUMP_ENDS = Duration.ofSeconds(5);

    private final EventBus bus = new EventBus();
    private final RecordingCall call = new RecordingCall();

    @Test
    void watchItsClientCancelled_endsWithoutSendingAStatus() throws InterruptedException {
        Thread pump = WatchStreams.pump(bus.subscribe(event -> true, 16), call, event -> Optional.of("event"));

        call.cancelByClient();

        assertThat(pump.join(PUMP_ENDS)).as("the pump ended").isTrue();
        assertThat(call.sent).isEmpty();
        assertThat(bus.subscriptionCount()).isZero();
    }

    @Test
    void watchWhoseSubscriptionTheServerClosed_endsUnavailable() throws InterruptedException {
        Thread pump = WatchStreams.pump(bus.subscribe(event -> true, 16), call, event -> Optional.of("event"));

        bus.closeSubscriptions();

        assertThat(pump.join(PUMP_ENDS)).as("the pump ended").isTrue();
        assertThat(call.sent).singleElement().satisfies(sent ->
                assertThat(Status.fromThrowable((Throwable) sent).getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    /** A server stream as the generated stub hands it to a service: what is sent, and the client's cancel. */
    private static final class RecordingCall extends ServerCallStreamObserver<String> {
        final List<Object> sent = new CopyOnWriteArrayList<>();
        private volatile boolean cancelled;
        private volatile Runnable onCancel = () -> { };

        /** As grpc-java's stub does on the client's reset: cancelled first, then the handler. */
        void cancelByClient() {
            cancelled = true;
            onCancel.run();
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
            this.onCancel = onCancelHandler;
        }

        @Override
        public void onNext(String value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            sent.add(t);
        }

        @Override
        public void onCompleted() {
            sent.add("completed");
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }
    }
}
