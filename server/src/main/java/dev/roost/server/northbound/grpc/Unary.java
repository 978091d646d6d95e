package dev.roost.server.northbound.grpc;

import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/** Completes a unary call with the work's result; failures propagate to {@link GrpcErrorInterceptor}. */
final class Unary {
    private Unary() {
    }

    static <T> void respond(StreamObserver<T> observer, Supplier<T> work) {
        T result = work.get();
        observer.onNext(result);
        observer.onCompleted();
    }
}
