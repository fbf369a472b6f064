/**
 * The mesh picture derived from the policy ({@link io.paymesh.config.graph.MeshGraph}) and its
 * renderings as Graphviz DOT and Mermaid.
 */
package io.paymesh.config.graph;
