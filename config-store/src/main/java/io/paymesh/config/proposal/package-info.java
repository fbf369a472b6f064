/**
 * Four-eyes approval: security-relevant changes to the cardholder data environment are stored as
 * proposals under {@code <prefix>proposals/} and committed only when a second security admin
 * approves them.
 */
package io.paymesh.config.proposal;
