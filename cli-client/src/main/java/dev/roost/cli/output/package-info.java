/**
 * What the CLI prints: views of the API's messages with stable snake_case names, and their rendering
 * as tables, JSON or YAML. Knows nothing of gRPC channels or picocli.
 */
package dev.roost.cli.output;
