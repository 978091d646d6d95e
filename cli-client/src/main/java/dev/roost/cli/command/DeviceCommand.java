package dev.roost.cli.command;

import dev.roost.cli.connect.Connection;
import dev.roost.cli.output.Column;
import dev.roost.cli.output.DeviceViews;
import dev.roost.cli.output.DeviceViews.DeviceView;
import dev.roost.cli.output.Output;
import dev.roost.proto.v1.Device;
import dev.roost.proto.v1.DeviceLifecycleRequest;
import dev.roost.proto.v1.DeviceServiceGrpc;
import dev.roost.proto.v1.DeviceServiceGrpc.DeviceServiceBlockingStub;
import dev.roost.proto.v1.GetDeviceRequest;
import dev.roost.proto.v1.Hardware;
import dev.roost.proto.v1.ListDeviceEventsRequest;
import dev.roost.proto.v1.ListDeviceEventsResponse;
import dev.roost.proto.v1.ListDevicesRequest;
import dev.roost.proto.v1.ListDevicesResponse;
import dev.roost.proto.v1.NetworkInterface;
import dev.roost.proto.v1.RegisterDeviceRequest;
import dev.roost.proto.v1.RegisterDeviceResponse;
import dev.roost.proto.v1.RotateDeviceSecretRequest;
import dev.roost.proto.v1.UpdateDeviceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code roost device ...}: the device registry (DeviceService). */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Register, inspect and manage devices.",
        footer = {"", "Example: roost device register gw-1 --serial SN-1 --model RX-100 --labels site=lab"})
final class DeviceCommand {
    static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("name"), Column.of("state"),
            Column.of("hardware.model"), Column.of("hardware.serial"), new Column("VERSION", "software_version"),
            new Column("LAST SEEN", "last_seen_at"), Column.of("labels"));
    static final List<Column> EVENT_COLUMNS = List.of(Column.of("at"), new Column("DEVICE", "device_id"),
            Column.of("type"), new Column("FROM", "from_state"), new Column("TO", "to_state"), Column.of("actor"),
            Column.of("reason"), Column.of("detail"));

    @ParentCommand
    RoostCommand root;

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a device. Prints its id and its secret, which is shown only this once.",
            footer = {"", "Example: roost device register gw-1 --serial SN-1 --model RX-100 --type gateway "
                    + "--labels site=lab,rack=4 --save-secret gw-1.secret"})
    int register(
            @Parameters(paramLabel = "NAME", description = "The device's name.") String name,
            @Option(names = "--serial", required = true, description = "Hardware serial number.", paramLabel = "SERIAL") String serial,
            @Option(names = "--model", required = true, description = "Hardware model.", paramLabel = "MODEL") String model,
            @Option(names = "--type", description = "Device type, e.g. gateway.", paramLabel = "TYPE") String type,
            @Option(names = "--software-version", paramLabel = "VERSION") String softwareVersion,
            @Option(names = "--description", paramLabel = "TEXT") String description,
            @Option(names = {"--labels", "--label", "-l"}, split = ",", paramLabel = "KEY=VALUE",
                    description = "Labels, comma-separated or repeated.") Map<String, String> labels,
            @Option(names = "--nic", paramLabel = "TYPE,MAC[,IPV4]", converter = NicConverter.class,
                    description = "A network interface; repeat for several.") List<NetworkInterface> nics,
            @Option(names = "--save-secret", paramLabel = "FILE",
                    description = "Also write the secret to FILE (readable by you only), e.g. for the agent's --secret-file.")
            Path saveSecret) {
        RegisterDeviceRequest.Builder request = RegisterDeviceRequest.newBuilder().setName(name)
                .setHardware(Hardware.newBuilder().setSerial(serial).setModel(model))
                .putAllLabels(Args.labels(labels));
        if (type != null) {
            request.setType(type);
        }
        if (softwareVersion != null) {
            request.setSoftwareVersion(softwareVersion);
        }
        if (description != null) {
            request.setDescription(description);
        }
        if (nics != null) {
            request.addAllNetworkInterfaces(nics);
        }
        RegisterDeviceResponse response = call(stub -> stub.registerDevice(request.build()));
        if (saveSecret != null) {
            Args.saveSecret(saveSecret, response.getSecret());
        }
        Device device = response.getDevice();
        root.output().done("registered device " + device.getId() + " (" + device.getName() + ")\n"
                        + "secret: " + response.getSecret() + "\n"
                        + "(the secret is shown only this once" + (saveSecret == null ? "" : "; saved to " + saveSecret) + ")",
                new DeviceViews.RegisteredView(DeviceViews.device(device), response.getSecret()));
        return 0;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one device, by id or by hardware.",
            footer = {"", "Example: roost device get 384141731668426752",
                    "         roost device get --serial SN-1 --model RX-100 -o json"})
    int get(@Parameters(paramLabel = "ID", arity = "0..1", description = "The device id.") String id,
            @Option(names = "--serial", paramLabel = "SERIAL", description = "Find by hardware serial (with --model).") String serial,
            @Option(names = "--model", paramLabel = "MODEL", description = "Find by hardware model (with --serial).") String model) {
        GetDeviceRequest.Builder request = GetDeviceRequest.newBuilder();
        if (id != null && serial == null && model == null) {
            request.setId(Args.id("ID", id));
        } else if (id == null && serial != null && model != null) {
            request.setHardware(Hardware.newBuilder().setSerial(serial).setModel(model));
        } else {
            throw Args.usage("give either a device ID or both --serial and --model");
        }
        root.output().item(DeviceViews.device(call(stub -> stub.getDevice(request.build()))));
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List devices, filtered and paged.",
            footer = {"", "Example: roost device list --state online,offline --labels site=lab --all"})
    int list(@Option(names = "--state", split = ",", paramLabel = "STATE",
                    description = "Any of: ${COMPLETION-CANDIDATES}.") List<Choices.DeviceStateChoice> states,
             @Option(names = "--group", paramLabel = "GROUP_ID", description = "Members of this group.") String group,
             @Option(names = {"--labels", "--label", "-l"}, split = ",", paramLabel = "KEY=VALUE",
                     description = "Every label must match.") Map<String, String> labels,
             @Option(names = "--name-prefix", paramLabel = "PREFIX") String namePrefix,
             @Option(names = "--model-prefix", paramLabel = "PREFIX") String modelPrefix,
             @Mixin PageOptions paging) {
        ListDevicesRequest.Builder request = ListDevicesRequest.newBuilder().putAllLabels(Args.labels(labels));
        if (states != null) {
            states.forEach(state -> request.addStates(state.state));
        }
        if (group != null) {
            request.setGroupId(Args.id("--group", group));
        }
        if (namePrefix != null) {
            request.setNamePrefix(namePrefix);
        }
        if (modelPrefix != null) {
            request.setModelPrefix(modelPrefix);
        }
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListDevicesResponse response = connection.stub(DeviceServiceGrpc::newBlockingStub)
                        .listDevices(request.setPage(page).build());
                return new PageOptions.Page<>(response.getDevicesList(), response.getPage());
            }, DeviceViews::device), COLUMNS);
        }
        return 0;
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a device's mutable fields; only the fields given change.",
            footer = {"", "Example: roost device update 384141731668426752 --software-version 2.1.0 --labels site=lab,rack=5"})
    int update(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--name", paramLabel = "NAME") String name,
               @Option(names = "--type", paramLabel = "TYPE") String type,
               @Option(names = "--software-version", paramLabel = "VERSION") String softwareVersion,
               @Option(names = "--description", paramLabel = "TEXT") String description,
               @Option(names = {"--labels", "--label", "-l"}, split = ",", paramLabel = "KEY=VALUE",
                       description = "Replaces all labels.") Map<String, String> labels,
               @Option(names = "--clear-labels", description = "Remove all labels.") boolean clearLabels,
               @Option(names = "--nic", paramLabel = "TYPE,MAC[,IPV4]", converter = NicConverter.class,
                       description = "Replaces the network interfaces; repeat for several.") List<NetworkInterface> nics) {
        UpdateDeviceRequest.Builder request = UpdateDeviceRequest.newBuilder().setId(Args.id("ID", id));
        List<String> mask = new ArrayList<>();
        if (name != null) {
            request.setName(name);
            mask.add("name");
        }
        if (type != null) {
            request.setType(type);
            mask.add("type");
        }
        if (softwareVersion != null) {
            request.setSoftwareVersion(softwareVersion);
            mask.add("software_version");
        }
        if (description != null) {
            request.setDescription(description);
            mask.add("description");
        }
        if (labels != null && clearLabels) {
            throw Args.usage("give --labels or --clear-labels, not both");
        }
        if (labels != null || clearLabels) {
            request.putAllLabels(Args.labels(labels));
            mask.add("labels");
        }
        if (nics != null) {
            request.addAllNetworkInterfaces(nics);
            mask.add("network_interfaces");
        }
        if (mask.isEmpty()) {
            throw Args.usage("nothing to update: give at least one of --name, --type, --software-version, "
                    + "--description, --labels, --clear-labels, --nic");
        }
        request.addAllUpdateMask(mask);
        root.output().item(DeviceViews.device(call(stub -> stub.updateDevice(request.build()))));
        return 0;
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Refuse the device's connections until it is enabled again.",
            footer = {"", "Example: roost device disable 384141731668426752 --reason stolen"})
    int disable(@Parameters(paramLabel = "ID") String id,
                @Option(names = "--reason", description = "Recorded in the device's events.", paramLabel = "TEXT") String reason) {
        return lifecycle("disabled", id, reason, DeviceServiceBlockingStub::disableDevice);
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Accept a disabled device again.",
            footer = {"", "Example: roost device enable 384141731668426752"})
    int enable(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--reason", description = "Recorded in the device's events.", paramLabel = "TEXT") String reason) {
        return lifecycle("enabled", id, reason, DeviceServiceBlockingStub::enableDevice);
    }

    @Command(name = "delete", aliases = "decommission", mixinStandardHelpOptions = true,
            description = "Decommission a device: it leaves its groups and can never connect again. Idempotent.",
            footer = {"", "Example: roost device delete 384141731668426752 --reason 'replaced by gw-9'"})
    int delete(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--reason", description = "Recorded in the device's events.", paramLabel = "TEXT") String reason) {
        return lifecycle("decommissioned", id, reason, DeviceServiceBlockingStub::decommissionDevice);
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Issue a new device secret (shown only this once); the old one stops working.",
            footer = {"", "Example: roost device rotate-secret 384141731668426752 --save-secret gw-1.secret"})
    int rotateSecret(@Parameters(paramLabel = "ID") String id,
                     @Option(names = "--save-secret", paramLabel = "FILE",
                             description = "Also write the secret to FILE (readable by you only).") Path saveSecret) {
        RotateDeviceSecretRequest request = RotateDeviceSecretRequest.newBuilder().setId(Args.id("ID", id)).build();
        String secret = call(stub -> stub.rotateDeviceSecret(request)).getSecret();
        if (saveSecret != null) {
            Args.saveSecret(saveSecret, secret);
        }
        root.output().done("new secret of device " + id + ": " + secret + "\n(shown only this once"
                        + (saveSecret == null ? "" : "; saved to " + saveSecret) + ")",
                new DeviceViews.SecretView(id, secret));
        return 0;
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
            description = "A device's lifecycle, connection, status and command events, newest first.",
            footer = {"", "Example: roost device events 384141731668426752 --page-size 20"})
    int events(@Parameters(paramLabel = "ID") String id, @Mixin PageOptions paging) {
        ListDeviceEventsRequest.Builder request = ListDeviceEventsRequest.newBuilder().setDeviceId(Args.id("ID", id));
        try (Connection connection = root.connect()) {
            root.output().list(paging.fetch(page -> {
                ListDeviceEventsResponse response = connection.stub(DeviceServiceGrpc::newBlockingStub)
                        .listDeviceEvents(request.setPage(page).build());
                return new PageOptions.Page<>(response.getEventsList(), response.getPage());
            }, DeviceViews::event), EVENT_COLUMNS);
        }
        return 0;
    }

    private int lifecycle(String done, String id, String reason,
                          java.util.function.BiFunction<DeviceServiceBlockingStub, DeviceLifecycleRequest, Device> call) {
        DeviceLifecycleRequest.Builder request = DeviceLifecycleRequest.newBuilder().setId(Args.id("ID", id));
        if (reason != null) {
            request.setReason(reason);
        }
        DeviceView device = DeviceViews.device(call(stub -> call.apply(stub, request.build())));
        Output output = root.output();
        output.done("device " + device.id() + " " + done + " (state " + device.state() + ")", device);
        return 0;
    }

    private <T> T call(Function<DeviceServiceBlockingStub, T> call) {
        try (Connection connection = root.connect()) {
            return call.apply(connection.stub(DeviceServiceGrpc::newBlockingStub));
        }
    }
}
