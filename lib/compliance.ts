/**
 * The compliance checks every synth runs: cdk-nag's AWS Solutions rules as a CDK
 * policy-validation plugin (cdk-nag 3; not an Aspect). An unacknowledged finding fails
 * `cdk synth`; findings are printed and written to cdk.out/validation-report.json.
 * Each acknowledged rule is also written into the template's resource Metadata
 * (`cdk_nag.rules_to_suppress`) with its reason, so a reviewer reading only the
 * template sees every exception and why.
 */
import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";

/** The rule pack, configured; creating it registers the Metadata writer on the app. */
export function createComplianceChecks(app: App): AwsSolutionsChecks {
  return new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true });
}

/** Runs the checks on every synth of the app. */
export function addComplianceChecks(app: App): AwsSolutionsChecks {
  const checks = createComplianceChecks(app);
  Validations.of(app).addPlugins(checks);
  return checks;
}
