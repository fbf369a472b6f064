/** Command-line tools around the policy store, e.g. {@link io.paymesh.config.tools.PolicyLoader}. */
package io.paymesh.config.tools;
