/**
 * The CDK app (`npm run synth`, `npx cdk deploy`): one Cordon stack per stage, named
 * `Cordon-<stage>`, with the stage settings read from CDK context (docs/deploy.md) and
 * cdk-nag's AWS Solutions checks run on every synth.
 */
import { App } from "aws-cdk-lib";
import { addComplianceChecks } from "../lib/compliance.js";
import { CordonStack } from "../lib/cordon-stack.js";
import { readStageSettings } from "../lib/settings.js";

const app = new App();
const settings = readStageSettings(app.node);
// Environment-agnostic on purpose: synth needs no credentials, and the template is the
// same whoever builds it; `cdk deploy` picks the account and region from the profile.
new CordonStack(app, `Cordon-${settings.stage}`, { settings });
addComplianceChecks(app);
