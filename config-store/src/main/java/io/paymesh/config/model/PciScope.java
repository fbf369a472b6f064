package io.paymesh.config.model;

/** PCI DSS scope of a workload: CDE handles card data, CONNECTED talks to the CDE, NONE neither. */
public enum PciScope {
  CDE,
  CONNECTED,
  NONE
}
