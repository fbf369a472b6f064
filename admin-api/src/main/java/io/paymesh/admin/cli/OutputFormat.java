package io.paymesh.admin.cli;

/** The {@code -o} of read commands. */
enum OutputFormat {
  table, json, yaml
}
