package dev.roost.server.northbound.grpc;

import com.google.protobuf.ByteString;
import dev.roost.proto.v1.GetLogRequest;
import dev.roost.proto.v1.ListLogsRequest;
import dev.roost.proto.v1.ListLogsResponse;
import dev.roost.proto.v1.LogChunk;
import dev.roost.proto.v1.LogServiceGrpc;
import dev.roost.server.common.DeviceId;
import dev.roost.server.devicelogs.LogFile;
import dev.roost.server.devicelogs.LogService;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;

/** gRPC adapter of {@link LogService}. */
public final class LogGrpcService extends LogServiceGrpc.LogServiceImplBase {
    private static final int CHUNK = 1 << 20;

    private final LogService logs;

    public LogGrpcService(LogService logs) {
        this.logs = logs;
    }

    @Override
    public void listLogs(ListLogsRequest request, StreamObserver<ListLogsResponse> observer) {
        Unary.respond(observer, () -> {
            ListLogsResponse.Builder response = ListLogsResponse.newBuilder();
            logs.list(GrpcAuthInterceptor.caller(), DeviceId.parse("device_id", request.getDeviceId()))
                    .forEach(file -> response.addFiles(file(file)));
            return response.build();
        });
    }

    /** Opening fails before the first chunk, so that a missing file is an ordinary NOT_FOUND. */
    @Override
    public void getLog(GetLogRequest request, StreamObserver<LogChunk> observer) {
        try (LogService.Download download = logs.open(GrpcAuthInterceptor.caller(),
                DeviceId.parse("device_id", request.getDeviceId()), request.getName())) {
            LogChunk.Builder first = LogChunk.newBuilder().setFile(file(download.file()));
            byte[] buffer = new byte[CHUNK];
            boolean sent = false;
            int read;
            while ((read = download.content().readNBytes(buffer, 0, CHUNK)) > 0) {
                ByteString data = ByteString.copyFrom(buffer, 0, read);
                observer.onNext(sent ? LogChunk.newBuilder().setData(data).build() : first.setData(data).build());
                sent = true;
            }
            if (!sent) {
                observer.onNext(first.build());
            }
            observer.onCompleted();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static dev.roost.proto.v1.LogFile file(LogFile file) {
        return dev.roost.proto.v1.LogFile.newBuilder().setName(file.name()).setSizeBytes(file.sizeBytes())
                .setModifiedAtMs(file.modifiedAt().toEpochMilli()).build();
    }
}
