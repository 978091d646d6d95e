package dev.roost.cli.command;

import dev.roost.cli.Environment;
import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.DeviceViews;
import dev.roost.cli.output.Output;
import dev.roost.proto.v1.DeviceEvent;
import dev.roost.proto.v1.EventFilter;
import dev.roost.proto.v1.EventServiceGrpc;
import dev.roost.proto.v1.ListEventsRequest;
import dev.roost.proto.v1.ListEventsResponse;
import dev.roost.proto.v1.WatchEventsRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code roost events ...}: the fleet's event history and live stream (EventService). */
@Command(name = "events", mixinStandardHelpOptions = true, description = "List past events or watch them live.",
        footer = {"", "Example: roost events watch --type connected,disconnected"})
final class EventsCommand {
    @ParentCommand
    RoostCommand root;

    /** Which events: devices, a group's members, types. */
    static final class Filter {
        @Option(names = "--device", split = ",", paramLabel = "DEVICE_ID", description = "Events of these devices.")
        List<String> devices;

        @Option(names = "--group", paramLabel = "GROUP_ID", description = "Events of this group's members.")
        String group;

        @Option(names = "--type", split = ",", paramLabel = "TYPE",
                description = "lifecycle, connected, disconnected, status, command.")
        List<String> types;

        EventFilter build() {
            EventFilter.Builder filter = EventFilter.newBuilder();
            if (devices != null) {
                devices.forEach(device -> filter.addDeviceIds(Args.id("--device", device)));
            }
            if (group != null) {
                filter.setGroupId(Args.id("--group", group));
            }
            if (types != null) {
                filter.addAllTypes(types);
            }
            return filter.build();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Past events, newest first.",
            footer = {"", "Example: roost events list --type lifecycle --since 24h"})
    int list(@Mixin Filter filter,
             @Option(names = "--since", paramLabel = "TIME", converter = InstantConverter.class,
                     description = "From this instant (2026-01-31T12:00:00Z) or this long ago (1h).") Instant since,
             @Option(names = "--until", paramLabel = "TIME", converter = InstantConverter.class) Instant until,
             @Mixin PageOptions paging) {
        ListEventsRequest.Builder request = ListEventsRequest.newBuilder().setFilter(filter.build());
        if (since != null) {
            request.setSinceMs(since.toEpochMilli());
        }
        if (until != null) {
            request.setUntilMs(until.toEpochMilli());
        }
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListEventsResponse response = connection.stub(EventServiceGrpc::newBlockingStub)
                        .listEvents(request.setPage(page).build());
                return new PageOptions.Page<>(response.getEventsList(), response.getPage());
            }, DeviceViews::event), DeviceCommand.EVENT_COLUMNS);
        }
        return 0;
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Print events as they happen, until Ctrl-C (exit status 0) or --for elapses.",
                    "-o json prints one JSON object per line; -o yaml one document per event.",
                    "\"watching events\" on stderr means the server has subscribed: no later event is missed."},
            footer = {"", "Example: roost events watch --device 384141731668426752 -o json | jq .type"})
    int watch(@Mixin Filter filter,
              @Option(names = "--for", paramLabel = "DURATION", converter = DurationConverter.class,
                      description = "Stop after this long, e.g. 10m.") Duration duration) throws Exception {
        WatchEventsRequest request = WatchEventsRequest.newBuilder().setFilter(filter.build()).build();
        Output output = root.output();
        Environment env = root.env();
        CompletableFuture<Integer> ended = new CompletableFuture<>();
        Stream stream = new Stream(output, ended);
        try (Connection connection = root.connect();
             Environment.Registration ignored = env.interrupts().onInterrupt(() -> ended.complete(0))) {
            // Said once the server has subscribed: from then on no matching event is missed.
            String watching = "watching events on " + connection.target().server() + " (Ctrl-C to stop)";
            connection.watchStub(EventServiceGrpc::newStub, () -> output.hint(watching)).watch(request, stream);
            try {
                return duration == null ? ended.get() : ended.get(duration.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException elapsed) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } finally {
                stream.cancel();
            }
        }
    }

    /** Prints each event; ends the watch on the server's error or completion. */
    private static final class Stream implements ClientResponseObserver<WatchEventsRequest, DeviceEvent> {
        private final Output output;
        private final CompletableFuture<Integer> ended;
        private volatile ClientCallStreamObserver<WatchEventsRequest> call;

        Stream(Output output, CompletableFuture<Integer> ended) {
            this.output = output;
            this.ended = ended;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> call) {
            this.call = call;
        }

        @Override
        public void onNext(DeviceEvent event) {
            output.streamed(DeviceViews.event(event), DeviceCommand.EVENT_COLUMNS);
        }

        @Override
        public void onError(Throwable failure) {
            ended.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            ended.complete(0);
        }

        void cancel() {
            if (call != null && !ended.isCompletedExceptionally()) {
                call.cancel("stopped by the user", null);
            }
        }
    }
}
