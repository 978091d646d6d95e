/**
 * The admin CLI {@code roost}: a picocli command tree over the northbound gRPC API. {@link dev.roost.cli.Cli}
 * runs one invocation against an {@link dev.roost.cli.Environment} (writers, variables, home, stdin), so
 * tests run it in-process; {@link dev.roost.cli.Main} is the only place that touches the process's
 * streams and exit status.
 */
package dev.roost.cli;
