"""Calls a running Roost server with Python's grpcio (gRPC C-core) and generated stubs.

Usage: grpcio_client.py STUBS_DIR PORT TOKEN
Prints one line per check ("health SERVING", "unary ...", "stream ...") and exits 0, or prints
the failure and exits 1. Run by PythonGrpcClientTest.
"""
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from roost_health import health_pb2, health_pb2_grpc  # noqa: E402
from roost.v1 import access_pb2, access_pb2_grpc  # noqa: E402
from roost.v1 import device_pb2, device_pb2_grpc  # noqa: E402
from roost.v1 import event_pb2, event_pb2_grpc  # noqa: E402

TIMEOUT_S = 20


def main(port, token):
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=TIMEOUT_S)
        print("health", health_pb2.HealthCheckResponse.ServingStatus.Name(health.status))

        auth = [("authorization", f"Bearer {token}")]
        me = access_pb2_grpc.AccessServiceStub(channel).WhoAmI(access_pb2.WhoAmIRequest(), metadata=auth,
                                                               timeout=TIMEOUT_S)
        print("unary", me.principal)

        try:
            access_pb2_grpc.AccessServiceStub(channel).WhoAmI(access_pb2.WhoAmIRequest(),
                                                              metadata=[("authorization", "Bearer wrong")],
                                                              timeout=TIMEOUT_S)
            print("unauthenticated call succeeded")
        except grpc.RpcError as e:
            print("refused", e.code().name)

        watch = event_pb2_grpc.EventServiceStub(channel).Watch(
            event_pb2.WatchEventsRequest(filter=event_pb2.EventFilter(types=["lifecycle"])), metadata=auth,
            timeout=TIMEOUT_S)
        first = []
        reader = threading.Thread(target=lambda: first.append(next(watch)), daemon=True)
        reader.start()
        # The watch subscribes asynchronously: register devices until the first event arrives.
        devices = device_pb2_grpc.DeviceServiceStub(channel)
        registered = set()
        deadline = time.monotonic() + TIMEOUT_S
        while reader.is_alive() and time.monotonic() < deadline:
            reply = devices.RegisterDevice(device_pb2.RegisterDeviceRequest(
                name=f"python-{len(registered)}", hardware=device_pb2.Hardware(serial=f"py-{time.time_ns()}",
                                                                              model="PY")),
                metadata=auth, timeout=TIMEOUT_S)
            registered.add(reply.device.id)
            reader.join(0.1)
        watch.cancel()
        if not first:
            print("stream: no event within", TIMEOUT_S, "s")
            return 1
        event = first[0]
        print("stream", event.type, "registered" if event.device_id in registered else "unknown-device")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[2], sys.argv[3]))
    except grpc.RpcError as failure:
        print("failed", failure.code().name, failure.details())
        sys.exit(1)
