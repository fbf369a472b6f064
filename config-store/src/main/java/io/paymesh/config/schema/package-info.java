/**
 * JSON Schemas (draft 2020-12) of the policy documents, one per kind, for editors and the admin
 * API. The codec and the validator stay the authority; PolicySchemaSyncTest keeps these in step
 * with them.
 */
package io.paymesh.config.schema;
