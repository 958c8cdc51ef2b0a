/**
 * Assertions on the synthesized Cordon template, one module per concern under
 * template/. They run in this one file so that the stack is synthesized once (and each
 * context variant once) rather than once per file: a synth costs about a second.
 */
import "./template/storage.js";
import "./template/queues.js";
import "./template/hub-secret.js";
import "./template/functions.js";
import "./template/iam.js";
import "./template/api.js";
import "./template/edge.js";
import "./template/console.js";
import "./template/monitoring.js";
import "./template/nag.js";
import "./template/snapshot.js";
